namespace Secrets.Client;

/// <summary>
/// What the anomaly sink keeps about one secret, principal or accessor: when it was last seen (for eviction) and when
/// each kind of anomaly was last reported for it (for <see cref="SecretAnomalyOptions.ReportInterval"/>).
/// </summary>
internal abstract class TrackedState
{
    private static readonly int KindCount = Enum.GetValues<SecretAnomalyKind>().Max(kind => (int)kind) + 1;

    private readonly long[] _lastReported = Enumerable.Repeat(long.MinValue, KindCount).ToArray();
    private long _lastSeenTicks;

    public long LastSeenTicks => Volatile.Read(ref _lastSeenTicks);

    public void Seen(long ticks)
    {
        if (ticks > Volatile.Read(ref _lastSeenTicks))
        {
            Volatile.Write(ref _lastSeenTicks, ticks);
        }
    }

    /// <summary>Tells whether an anomaly of this kind may be reported now, and notes it. The caller locks.</summary>
    public bool ShouldReport(SecretAnomalyKind kind, long ticks, long intervalTicks)
    {
        ref var last = ref _lastReported[(int)kind];
        if (last != long.MinValue && ticks - last < intervalTicks)
        {
            return false;
        }

        last = ticks;
        return true;
    }
}
