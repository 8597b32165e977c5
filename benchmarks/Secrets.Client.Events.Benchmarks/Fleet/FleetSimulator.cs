namespace Secrets.Client.Events.Benchmarks.Fleet;

/// <summary>
/// Simulates one day of a fleet in simulated time: every instance's listener loop against its own fake queue (or push),
/// the store's check-then-fetch on each event, the safety-net poll, and naive polling for comparison. Instances are
/// independent but for the shared rotation times, so each is simulated in turn; every call is counted.
/// </summary>
internal static class FleetSimulator
{
    public static FleetResult Simulate(FleetScenario scenario, FleetRun run)
    {
        var day = run.Duration.TotalSeconds;
        var latency = run.CallLatency.TotalSeconds;
        var wait = scenario.Wait.TotalSeconds;
        var rotations = Rotations(run);
        var calls = new CallCounters();
        var staleness = new List<double>(run.Instances * run.Secrets);
        var droppedStaleness = new List<double>();
        var arrivals = new List<(double At, int Secret)>(run.Secrets);
        var handled = new double[run.Secrets];
        for (var instance = 0; instance < run.Instances; instance++)
        {
            var random = new Random(unchecked((run.Seed * 1_000_003) + instance));
            arrivals.Clear();
            Array.Fill(handled, double.NaN);
            var dropped = new bool[run.Secrets];
            for (var secret = 0; secret < run.Secrets; secret++)
            {
                calls.Deliveries++;
                if (random.NextDouble() < run.DropRate)
                {
                    dropped[secret] = true;
                    continue;
                }

                var delay = scenario.DeliveryDelayMin.TotalSeconds + (random.NextDouble() * (scenario.DeliveryDelayMax - scenario.DeliveryDelayMin).TotalSeconds);
                arrivals.Add((rotations[secret] + delay, secret));
            }

            arrivals.Sort((a, b) => a.At.CompareTo(b.At));
            if (scenario.CountsQueueWrites)
            {
                calls.QueueWrites += arrivals.Count;
            }

            calls.Upkeep += (long)Math.Round(scenario.UpkeepPerInstancePerDay * day / 86_400);
            switch (scenario.Kind)
            {
                case DeliveryKind.LongPoll:
                    LongPoll(scenario, arrivals, handled, calls, random.NextDouble() * wait, day, latency);
                    break;
                case DeliveryKind.ShortPoll:
                    ShortPoll(scenario, arrivals, handled, calls, random.NextDouble() * wait, day, latency);
                    break;
                default:
                    foreach (var (at, secret) in arrivals)
                    {
                        handled[secret] = at;
                    }

                    break;
            }

            var safetyNet = run.SafetyNet.TotalSeconds;
            for (var secret = 0; secret < run.Secrets; secret++)
            {
                // The safety net: a version check of every held secret every SafetyNet, from a random phase.
                var phase = random.NextDouble() * safetyNet;
                calls.SafetyNetChecks += phase < day ? (long)Math.Floor((day - phase) / safetyNet) + 1 : 0;
                if (dropped[secret] || double.IsNaN(handled[secret]))
                {
                    // Lost (or still queued at the end of the day): caught by the first safety-net check after the rotation.
                    var next = phase + (Math.Ceiling(Math.Max(0, rotations[secret] - phase) / safetyNet) * safetyNet);
                    calls.SafetyNetFetches++;
                    droppedStaleness.Add(next + (2 * latency) - rotations[secret]);
                    continue;
                }

                var start = handled[secret] + (random.NextDouble() * run.MaxDelay.TotalSeconds);
                if (run.CheckBeforeFetch)
                {
                    calls.VersionChecks++;
                    start += latency;
                }

                calls.Fetches++;
                staleness.Add(start + latency - rotations[secret]);
            }
        }

        return new FleetResult(scenario, calls, [.. staleness], [.. droppedStaleness], droppedStaleness.Count);
    }

    /// <summary>Naive polling: every instance fetches every secret every <paramref name="interval"/>.</summary>
    public static (long Calls, double[] Staleness) Polling(FleetRun run, TimeSpan interval)
    {
        var rotations = Rotations(run);
        var period = interval.TotalSeconds;
        var staleness = new double[run.Instances * run.Secrets];
        for (var instance = 0; instance < run.Instances; instance++)
        {
            var random = new Random(unchecked((run.Seed * 1_000_003) + (instance * 7) + 1));
            for (var secret = 0; secret < run.Secrets; secret++)
            {
                var phase = random.NextDouble() * period;
                var next = phase + (Math.Ceiling(Math.Max(0, rotations[secret] - phase) / period) * period);
                staleness[(instance * run.Secrets) + secret] = next + run.CallLatency.TotalSeconds - rotations[secret];
            }
        }

        return ((long)run.Instances * run.Secrets * (long)(run.Duration.TotalSeconds / period), staleness);
    }

    private static double[] Rotations(FleetRun run)
    {
        var random = new Random(run.Seed);
        return [.. Enumerable.Range(0, run.Secrets).Select(_ => random.NextDouble() * run.Duration.TotalSeconds)];
    }

    private static void LongPoll(FleetScenario scenario, List<(double At, int Secret)> arrivals, double[] handled, CallCounters calls, double t, double day, double latency)
    {
        var wait = scenario.Wait.TotalSeconds;
        var next = 0;
        while (t < day)
        {
            calls.Receives++;
            double returned;
            if (next < arrivals.Count && arrivals[next].At <= t + wait)
            {
                // Messages waiting, or one arriving during the wait: the receive returns then with what has arrived.
                returned = Math.Max(t, arrivals[next].At) + latency;
                var taken = 0;
                while (next < arrivals.Count && arrivals[next].At <= returned - latency && taken < scenario.MaxBatch)
                {
                    handled[arrivals[next].Secret] = returned;
                    next++;
                    taken++;
                }

                calls.Deletes += scenario.DeleteBatched ? 1 : taken;
            }
            else
            {
                calls.EmptyReceives++;
                returned = t + wait + latency;
            }

            t = returned;
        }
    }

    private static void ShortPoll(FleetScenario scenario, List<(double At, int Secret)> arrivals, double[] handled, CallCounters calls, double t, double day, double latency)
    {
        var interval = scenario.Wait.TotalSeconds;
        var next = 0;
        while (t < day)
        {
            calls.Receives++;
            var taken = 0;
            while (next < arrivals.Count && arrivals[next].At <= t && taken < scenario.MaxBatch)
            {
                handled[arrivals[next].Secret] = t + latency;
                next++;
                taken++;
            }

            if (taken == 0)
            {
                calls.EmptyReceives++;
            }

            calls.Deletes += scenario.DeleteBatched ? Math.Min(taken, 1) : taken;
            t = taken == scenario.MaxBatch ? t + latency : t + interval;
        }
    }
}
