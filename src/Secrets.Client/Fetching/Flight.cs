namespace Secrets.Client;

/// <summary>
/// The one fetch or refresh in flight for a key: every reader that needs the key meanwhile awaits it. Its task never
/// faults (failures are part of the <see cref="FlightOutcome"/>), so a reader that gives up leaves nothing unobserved.
/// </summary>
internal sealed class Flight(ProviderRoute route, SecretReference key)
{
    private readonly TaskCompletionSource<FlightOutcome> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ProviderRoute Route { get; } = route;

    public SecretReference Key { get; } = key;

    public Task<FlightOutcome> Task => _done.Task;

    /// <summary>
    /// Gets a value indicating whether a held value is fetched again without the version check first: set when a change
    /// notification already named a version other than the held one, so the check could only say "moved".
    /// </summary>
    public bool SkipVersionCheck { get; init; }

    /// <summary>Gets or sets a value indicating whether the key was invalidated meanwhile: the result must not enter the cache. Guarded by locking the flight.</summary>
    public bool Detached { get; set; }

    public void Complete(FlightOutcome outcome) => _done.TrySetResult(outcome);
}

/// <summary>
/// What a flight ended with: the entry to serve (a value, or a gone answer), and the error when the backend failed
/// (then <see cref="Entry"/> is the last good value, if any, for stale-if-error).
/// </summary>
internal readonly record struct FlightOutcome(CacheEntry? Entry, SecretStoreException? Error, bool Changed);
