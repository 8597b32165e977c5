namespace Secrets.Client.Events.Benchmarks.Fleet;

/// <summary>
/// Simulates one day of a fleet in simulated time: every instance's listener loop against its own fake queue (or push),
/// the store's refresh on each event (the fetch, or check then fetch), the safety-net poll as the store schedules it
/// (refresh-ahead, jitter, background tick, reset by every landed value), and naive polling for comparison. Instances are
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
        var arrivalOf = new double[run.Secrets];
        var caughtWithinDay = 0;
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
                arrivalOf[secret] = rotations[secret] + delay;
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

            // The safety net as the store runs it: a held entry is due RefreshAheadRatio x CacheDuration (less up to
            // RefreshJitter) after its value landed or was confirmed, and refreshed at the background loop's next tick.
            // The day starts with every entry at a uniformly random point of that period (instances of every age).
            var tick = run.BackgroundRefresh.TotalSeconds;
            var tickPhase = random.NextDouble() * tick;
            double AtTick(double due) => tick > 0 ? tickPhase + (Math.Ceiling(Math.Max(0, due - tickPhase) / tick) * tick) : due;
            for (var secret = 0; secret < run.Secrets; secret++)
            {
                var rotation = rotations[secret];
                var nextCheck = AtTick(random.NextDouble() * run.NextCheckAfter(random));
                var eventAt = double.PositiveInfinity;
                if (!dropped[secret])
                {
                    // Handled by the listener (or, still queued at the end of the day, by its next receive: beyond the day, not billed).
                    var received = double.IsNaN(handled[secret]) ? arrivalOf[secret] + latency : handled[secret];
                    eventAt = received + (random.NextDouble() * run.MaxDelay.TotalSeconds);
                }

                var landed = false;
                while (!landed || nextCheck < day)
                {
                    if (!landed && eventAt <= nextCheck)
                    {
                        // The event's refresh: a version check first (the earlier rule), then the fetch of the new version.
                        var done = eventAt + latency;
                        if (eventAt < day)
                        {
                            calls.Fetches++;
                            if (run.CheckBeforeFetch)
                            {
                                calls.VersionChecks++;
                                done += latency;
                            }
                        }

                        staleness.Add(done - rotation);
                        landed = true;
                        nextCheck = AtTick(done + run.NextCheckAfter(random));
                        continue;
                    }

                    // A safety-net check: it finds the new version once the rotation happened and the event did not land it.
                    var found = !landed && nextCheck >= rotation;
                    var end = nextCheck + latency;
                    if (nextCheck < day)
                    {
                        calls.SafetyNetChecks++;
                        if (found)
                        {
                            calls.SafetyNetFetches++;
                        }
                    }

                    if (found)
                    {
                        end += latency;
                        (dropped[secret] ? droppedStaleness : staleness).Add(end - rotation);
                        caughtWithinDay += dropped[secret] && nextCheck < day ? 1 : 0;
                        landed = true; // A delivered event arriving later names the held version: it costs nothing.
                    }

                    nextCheck = AtTick(end + run.NextCheckAfter(random));
                }
            }
        }

        return new FleetResult(scenario, calls, [.. staleness], [.. droppedStaleness], droppedStaleness.Count, caughtWithinDay);
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
