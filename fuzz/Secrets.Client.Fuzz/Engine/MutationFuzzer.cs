using System.Diagnostics;

namespace Secrets.Client.Fuzz;

/// <summary>
/// The in-process engine: mutates the target's seeds (bit flips, random bytes, grammar tokens, deletions, splices and
/// long repetitions of a slice, the shape of the crashers) from a fixed seed, so that a run is reproducible, and
/// times every input. No coverage feedback: afl-fuzz gives that (see docs/fuzzing.md).
/// </summary>
internal sealed class MutationFuzzer
{
    private const int PoolSize = 256;
    private const int PoolableLength = 4096;
    private readonly FuzzTarget _target;
    private readonly Random _random;
    private readonly int _maxLength;
    private readonly List<byte[]> _pool;

    /// <summary>Initializes a new instance of the <see cref="MutationFuzzer"/> class.</summary>
    /// <param name="target">The target.</param>
    /// <param name="seed">The random seed; the same seed gives the same inputs.</param>
    /// <param name="maxLength">The largest input to make, in bytes; one input in a hundred may be this long, the others stay under 4 KiB.</param>
    public MutationFuzzer(FuzzTarget target, int seed, int maxLength = 64 * 1024)
    {
        _target = target;
        _random = new Random(seed);
        _maxLength = maxLength;
        _pool = [.. target.Seeds];
    }

    /// <summary>Gets or sets how much CPU time one input may take before it counts as a hang; <see cref="Timeout.InfiniteTimeSpan"/> never (tests do not judge time).</summary>
    public TimeSpan HangLimit { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Runs every seed, then <paramref name="count"/> mutated inputs.</summary>
    /// <param name="count">How many mutated inputs to run.</param>
    /// <param name="keepFindings">How many findings to keep with their input; all are counted.</param>
    /// <param name="budget">Stops early after this much wall time (the report says how many ran); <see langword="null"/> runs them all.</param>
    /// <param name="progress">Told the number of inputs run every 100,000 inputs.</param>
    /// <returns>The report.</returns>
    public FuzzReport Run(long count, int keepFindings = 20, TimeSpan? budget = null, Action<long>? progress = null)
    {
        var findings = new List<FuzzFinding>();
        var findingCount = 0L;
        var slowestCpu = 0L;
        var slowestWall = 0L;
        var largest = 0;
        var started = Stopwatch.GetTimestamp();
        var hangTicks = HangLimit == Timeout.InfiniteTimeSpan ? long.MaxValue : (long)(HangLimit.TotalSeconds * Stopwatch.Frequency);
        var seeds = _target.Seeds;
        var total = seeds.Count + count;
        var deadline = budget is { } limit ? started + (long)(limit.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
        long i;
        for (i = 0; i < total && (i % 1024 != 0 || Stopwatch.GetTimestamp() < deadline); i++)
        {
            if (i % 100_000 == 0 && i > 0)
            {
                progress?.Invoke(i);
            }

            var input = i < seeds.Count ? seeds[(int)i] : Mutate();
            largest = Math.Max(largest, input.Length);
            var wallBefore = Stopwatch.GetTimestamp();
            var cpuBefore = ThreadCpuTime.Now();
            FuzzFinding? finding = null;
            try
            {
                _target.Run(input);
            }
            catch (Exception ex)
            {
                finding = new FuzzFinding(_target.Name, ex.GetType().FullName!, ex.Message, input);
            }

            var cpu = ThreadCpuTime.Now() - cpuBefore;
            slowestCpu = Math.Max(slowestCpu, cpu);
            slowestWall = Math.Max(slowestWall, Stopwatch.GetTimestamp() - wallBefore);
            if (finding is null && cpu > hangTicks)
            {
                finding = new FuzzFinding(_target.Name, "hang", $"{Stopwatch.GetElapsedTime(0, cpu).TotalMilliseconds:F0} ms of CPU", input);
            }

            if (finding is not null)
            {
                findingCount++;
                if (findings.Count < keepFindings)
                {
                    findings.Add(finding);
                }
            }
        }

        return new FuzzReport(_target.Name, i, Stopwatch.GetElapsedTime(started), Stopwatch.GetElapsedTime(0, slowestCpu), Stopwatch.GetElapsedTime(0, slowestWall), largest, findingCount, findings);
    }

    private byte[] Mutate()
    {
        // Most inputs stay small so that a million run in minutes; a few grow long, where quadratic work and deep
        // nesting show.
        var limit = _random.Next(100) == 0 ? _maxLength : Math.Min(_maxLength, PoolableLength);
        var data = new List<byte>(_pool[_random.Next(_pool.Count)]);
        var steps = 1 + _random.Next(6);
        for (var step = 0; step < steps; step++)
        {
            MutateOnce(data, limit);
        }

        if (data.Count > limit)
        {
            data.RemoveRange(limit, data.Count - limit);
        }

        var input = data.ToArray();

        // Keep some mutants as parents, so that mutations accumulate (a poor man's corpus without coverage).
        if (input.Length <= PoolableLength && _random.Next(8) == 0)
        {
            if (_pool.Count < PoolSize)
            {
                _pool.Add(input);
            }
            else
            {
                _pool[_target.Seeds.Count + _random.Next(PoolSize - _target.Seeds.Count)] = input;
            }
        }

        return input;
    }

    private void MutateOnce(List<byte> data, int limit)
    {
        var position = _random.Next(data.Count + 1);
        switch (_random.Next(10))
        {
            case 0 when data.Count > 0:
                data[Math.Min(position, data.Count - 1)] ^= (byte)(1 << _random.Next(8));
                break;
            case 1 when data.Count > 0:
                data[Math.Min(position, data.Count - 1)] = Interesting[_random.Next(Interesting.Length)];
                break;
            case 2 or 3 or 4:
                data.InsertRange(position, _target.Dictionary[_random.Next(_target.Dictionary.Count)]);
                break;
            case 5 when data.Count > 0:
                var at = Math.Min(position, data.Count - 1);
                data.RemoveRange(at, Math.Min(1 + _random.Next(8), data.Count - at));
                break;
            case 6:
                var other = _pool[_random.Next(_pool.Count)];
                var from = _random.Next(other.Length + 1);
                data.InsertRange(position, other.AsSpan(from, _random.Next(other.Length - from + 1)).ToArray());
                break;
            case 7 when data.Count > 0:
                // A slice repeated many times: deep nesting, long runs, exponential expansion.
                var start = _random.Next(data.Count);
                var slice = data.GetRange(start, 1 + _random.Next(Math.Min(16, data.Count - start)));
                var times = Math.Min(_random.Next(4) == 0 ? 1 + _random.Next(5_000) : 1 + _random.Next(64), (limit - data.Count) / slice.Count);
                if (times > 0)
                {
                    var repeated = new byte[times * slice.Count];
                    for (var t = 0; t < times; t++)
                    {
                        slice.CopyTo(repeated, t * slice.Count);
                    }

                    data.InsertRange(position, repeated);
                }

                break;
            case 8:
                data.Insert(position, (byte)_random.Next(256));
                break;
            default:
                data.RemoveRange(position, data.Count - position);
                break;
        }
    }

    private static readonly byte[] Interesting = [0, 0x0A, 0x0D, 0x20, 0x22, 0x23, 0x24, 0x25, 0x27, 0x2F, 0x3A, 0x3D, 0x5C, 0x7B, 0x7D, 0x7F, 0x80, 0xBF, 0xC0, 0xE2, 0xED, 0xEF, 0xF0, 0xFF];
}
