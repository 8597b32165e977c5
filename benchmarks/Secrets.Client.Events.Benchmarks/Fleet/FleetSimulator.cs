namespace Secrets.Client.Events.Benchmarks.Fleet;

/// <summary>
/// Simulates one day of a fleet in simulated time: every instance's listener loop against its own fake queue (or push),
/// the store's refresh on each event (the fetch, or check then fetch), the safety-net poll as the store schedules it
/// (refresh-ahead, jitter, background tick, reset by every landed value), and naive polling for comparison. Instances are
/// independent but for the shared rotation times, so each is simulated in turn; every call is counted.
/// </summary>
internal static class FleetSimulator
{
    /// <summary>
    /// How much earlier than the held value's read an event must have happened to be known as older: CloudTrail's
    /// <c>eventTime</c> and the response's <c>Date</c> header both have whole seconds.
    /// </summary>
    private const double EventTimeMargin = 2;

    public static FleetResult Simulate(FleetScenario scenario, FleetRun run)
    {
        var day = run.Duration.TotalSeconds;
        var latency = run.CallLatency.TotalSeconds;
        var wait = scenario.Wait.TotalSeconds;
        var rotations = Rotations(run);
        var events = scenario.DeliveredEvents; // what the rule filters out never reaches a queue
        var noVersionOffset = events.Where(e => e.Kind == RotationEventKind.NamesNoVersion).Select(e => e.Offset.TotalSeconds).FirstOrDefault();
        var calls = new CallCounters();
        var staleness = new List<double>(run.Instances * run.Secrets);
        var droppedStaleness = new List<double>();
        var arrivals = new List<(double At, int Secret, RotationEventKind Kind)>(run.Secrets * events.Length);
        var handled = new double[run.Secrets * events.Length];
        var perSecret = Enumerable.Range(0, run.Secrets).Select(_ => new List<(double At, RotationEventKind Kind)>(events.Length)).ToArray();
        var caughtWithinDay = 0;
        for (var instance = 0; instance < run.Instances; instance++)
        {
            var random = new Random(unchecked((run.Seed * 1_000_003) + instance));
            arrivals.Clear();
            Array.Fill(handled, double.NaN);
            var dropped = new bool[run.Secrets];
            for (var secret = 0; secret < run.Secrets; secret++)
            {
                calls.Deliveries += events.Length;
                if (random.NextDouble() < run.DropRate)
                {
                    dropped[secret] = true; // Every event of this rotation is lost for this instance (a listener down meanwhile).
                    continue;
                }

                foreach (var (kind, offset) in events)
                {
                    var delay = scenario.DeliveryDelayMin.TotalSeconds + (random.NextDouble() * (scenario.DeliveryDelayMax - scenario.DeliveryDelayMin).TotalSeconds);
                    arrivals.Add((rotations[secret] + offset.TotalSeconds + delay, secret, kind));
                }
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
                    for (var i = 0; i < arrivals.Count; i++)
                    {
                        handled[i] = arrivals[i].At;
                    }

                    break;
            }

            foreach (var list in perSecret)
            {
                list.Clear();
            }

            double Received(int i) => double.IsNaN(handled[i]) ? arrivals[i].At + latency : handled[i];
            var hold = run.RotationConfirmationDelay.TotalSeconds;
            var stageMoveReceived = new double[run.Secrets];
            Array.Fill(stageMoveReceived, double.PositiveInfinity);
            for (var i = 0; i < arrivals.Count; i++)
            {
                if (arrivals[i].Kind == RotationEventKind.NamesNewVersion)
                {
                    stageMoveReceived[arrivals[i].Secret] = Math.Min(stageMoveReceived[arrivals[i].Secret], Received(i));
                }
            }

            for (var i = 0; i < arrivals.Count; i++)
            {
                // Handed to the store (or, still queued at the end of the day, by the next receive: beyond the day, not billed).
                var received = Received(i);
                var jitter = random.NextDouble() * run.MaxDelay.TotalSeconds; // drawn first: every other row keeps its draws
                if (hold > 0 && arrivals[i].Kind == RotationEventKind.NamesNoVersion && received < stageMoveReceived[arrivals[i].Secret])
                {
                    if (stageMoveReceived[arrivals[i].Secret] <= received + hold)
                    {
                        continue; // Held, and its stage move came within the window: dropped as rotation-already-current.
                    }

                    received += hold; // Held, and no stage move within the window: handed over at its end.
                }

                perSecret[arrivals[i].Secret].Add((received + jitter, arrivals[i].Kind));
            }

            // The safety net as the store runs it: a held entry is due RefreshAheadRatio x CacheDuration (less up to
            // RefreshJitter) after its value landed or was confirmed, and refreshed at the background loop's next tick.
            // The day starts with every entry at a uniformly random point of that period (instances of every age).
            var tick = run.BackgroundRefresh.TotalSeconds;
            var tickPhase = random.NextDouble() * tick;
            double AtTick(double due) => tick > 0 ? tickPhase + (Math.Ceiling(Math.Max(0, due - tickPhase) / tick) * tick) : due;
            for (var secret = 0; secret < run.Secrets; secret++)
            {
                // The rotation's time is when the new value becomes the one a plain reference reads (AWSCURRENT, latest).
                var rotation = rotations[secret];
                var mine = perSecret[secret];
                mine.Sort((a, b) => a.At.CompareTo(b.At));
                var nextCheck = AtTick(random.NextDouble() * run.NextCheckAfter(random));
                var landed = false;
                var heldFetchedAt = double.NaN; // when the call that landed the new value reached the backend
                var sawCurrentEvent = false; // the listener has handed over an event naming the new current version
                var next = 0;
                while (!landed || next < mine.Count || nextCheck < day)
                {
                    if (next < mine.Count && mine[next].At <= nextCheck)
                    {
                        var (at, kind) = mine[next++];
                        if (kind == RotationEventKind.NamesNoVersion && sawCurrentEvent && run.ListenerDropsNoVersionAfterCurrent)
                        {
                            continue; // The listener already handed over this rotation's stage move: it drops this one.
                        }

                        sawCurrentEvent |= kind == RotationEventKind.NamesNewVersion;
                        var billed = at < day;
                        var done = at;
                        switch (kind)
                        {
                            case RotationEventKind.NamesNewVersion when !landed:
                                // The store fetches the version the event names (after a version check, the earlier rule).
                                done += run.CheckBeforeFetch ? 2 * latency : latency;
                                calls.VersionChecks += billed && run.CheckBeforeFetch ? 1 : 0;
                                calls.Fetches += billed ? 1 : 0;
                                staleness.Add(done - rotation);
                                landed = true;
                                heldFetchedAt = done - latency;
                                break;
                            case RotationEventKind.NamesNoVersion when landed && run.NoVersionEventOlderThanHeldIsFree
                                && rotation + noVersionOffset + EventTimeMargin <= heldFetchedAt:
                                continue; // Not built: the event happened before the held value was read; nothing to check.
                            case RotationEventKind.NamesPendingVersion when !landed && !run.IgnoreNotCurrent:
                                // A version that is not current yet: one call (a fetch or a check) that finds AWSCURRENT unchanged.
                                done += latency;
                                calls.VersionChecks += billed && run.CheckBeforeFetch ? 1 : 0;
                                calls.Fetches += billed && !run.CheckBeforeFetch ? 1 : 0;
                                break;
                            case RotationEventKind.NamesNoVersion:
                                // A version check; it fetches when the rotation happened and no event landed it yet.
                                done += latency;
                                calls.VersionChecks += billed ? 1 : 0;
                                if (!landed && at >= rotation)
                                {
                                    done += latency;
                                    calls.Fetches += billed ? 1 : 0;
                                    staleness.Add(done - rotation);
                                    landed = true;
                                    heldFetchedAt = done - latency;
                                }

                                break;
                            default:
                                continue; // Names the held version, or ignored by the listener: no call.
                        }

                        nextCheck = AtTick(done + run.NextCheckAfter(random));
                        continue;
                    }

                    // A safety-net check: it finds the new version once the rotation happened and no event landed it.
                    var found = !landed && nextCheck >= rotation;
                    var end = nextCheck + latency;
                    if (nextCheck < day)
                    {
                        calls.SafetyNetChecks++;
                        calls.SafetyNetFetches += found ? 1 : 0;
                    }

                    if (found)
                    {
                        end += latency;
                        (dropped[secret] ? droppedStaleness : staleness).Add(end - rotation);
                        caughtWithinDay += dropped[secret] && nextCheck < day ? 1 : 0;
                        landed = true; // A delivered event arriving later names the held version: it costs nothing.
                        heldFetchedAt = end - latency;
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

    private static void LongPoll(FleetScenario scenario, List<(double At, int Secret, RotationEventKind Kind)> arrivals, double[] handled, CallCounters calls, double t, double day, double latency)
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
                    handled[next] = returned;
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

    private static void ShortPoll(FleetScenario scenario, List<(double At, int Secret, RotationEventKind Kind)> arrivals, double[] handled, CallCounters calls, double t, double day, double latency)
    {
        var interval = scenario.Wait.TotalSeconds;
        var next = 0;
        while (t < day)
        {
            calls.Receives++;
            var taken = 0;
            while (next < arrivals.Count && arrivals[next].At <= t && taken < scenario.MaxBatch)
            {
                handled[next] = t + latency;
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
