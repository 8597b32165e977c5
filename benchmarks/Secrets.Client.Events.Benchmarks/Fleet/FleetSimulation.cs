using System.Diagnostics;
using System.Globalization;

namespace Secrets.Client.Events.Benchmarks.Fleet;

/// <summary>
/// P6: 1,000 instances x 100 secrets for 24 h, every secret rotated once, per cloud, priced against naive 5-minute polling.
/// Arguments: an optional seed (repeats with other rotation times, delays and phases).
/// </summary>
internal static class FleetSimulation
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static int Run(string[] args)
    {
        var seed = args.Length > 0 ? int.Parse(args[0], Invariant) : 20261202;
        var started = Stopwatch.GetTimestamp();
        Console.WriteLine($"load before: {Load()}");
        var run = new FleetRun(
            Instances: 1000,
            Secrets: 100,
            Duration: TimeSpan.FromHours(24),
            SafetyNet: TimeSpan.FromHours(48), // SecretChangeListenerOptions.SafetyNetInterval's default
            MaxDelay: TimeSpan.Zero, // SecretStoreOptions.ChangeNotificationMaxDelay's default
            DropRate: 0,
            CheckBeforeFetch: false, // every modelled event names the new version: the store fetches it without a check
            CallLatency: TimeSpan.FromMilliseconds(50),
            Seed: seed,
            RefreshAheadRatio: 0.8, // SecretStoreOptions defaults
            RefreshJitter: 0.1,
            BackgroundRefresh: TimeSpan.FromSeconds(30),
            RotationConfirmationDelay: TimeSpan.FromSeconds(15)); // AwsSecretChangeListenerOptions.RotationConfirmationDelay's default

        // AWS (as events-aws-gcp designs it): SQS queue per instance fed by SNS from an EventBridge rule on CloudTrail; long poll 20 s,
        // DeleteMessageBatch; upkeep = create queue, policy, subscribe, tag (4) + heartbeat tag every 30 min (48, the listener's
        // default since this simulation showed 5 min cost 0.17 % of polling for nothing) + hourly reaper (ListQueues + 10 sampled
        // ListQueueTags = 264). CloudTrail->EventBridge->SNS->SQS delay assumed U[1, 10] s.
        var aws = new FleetScenario("AWS: SQS per instance, long poll 20 s, heartbeat 30 min (default)", PriceList.Aws, DeliveryKind.LongPoll, TimeSpan.FromSeconds(20), 10, true,
            TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), 4 + 48 + 264, false);

        // GCP: Pub/Sub subscription per instance (expiring after a day idle), unary pull waiting up to 60 s (PullTimeout), acknowledge
        // batched and free; Secret Manager -> Pub/Sub delay assumed U[0.2, 2] s. Subscription create/delete are free admin calls.
        var gcp = new FleetScenario("GCP: Pub/Sub subscription per instance, pull 60 s", PriceList.Gcp, DeliveryKind.LongPoll, TimeSpan.FromSeconds(60), 100, true,
            TimeSpan.FromSeconds(0.2), TimeSpan.FromSeconds(2), 2, false);

        // Azure: Storage queue per instance, one Event Grid subscription each (a system topic takes 500), polled every PollInterval;
        // Event Grid writes each event into each queue (a billed queue write and a billed delivery); delay assumed U[0.5, 5] s.
        var azureDefault = new FleetScenario("Azure: Storage queue per instance, poll 10 s (default)", PriceList.Azure, DeliveryKind.ShortPoll, TimeSpan.FromSeconds(10), 32, false,
            TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(5), 3, true);
        var azureLowest = azureDefault with { Name = "Azure: Storage queue per instance, poll 50 s (lowest within 60 s)", Wait = TimeSpan.FromSeconds(50) };
        var azureWebhook = new FleetScenario("Azure: Event Grid webhook per instance", PriceList.Azure, DeliveryKind.Push, TimeSpan.Zero, 1, false,
            TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(5), 2, false);
        var vault = new FleetScenario("Vault Enterprise: event websocket (self-hosted, calls only)", PriceList.Azure with { Cloud = "Vault", SecretManagerPerCall = 0, TransportPerCall = 0, DeliveryPerEvent = 0 },
            DeliveryKind.Push, TimeSpan.Zero, 1, false, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(50), 0, false);

        var (pollCalls, pollStaleness) = FleetSimulator.Polling(run, TimeSpan.FromMinutes(5));
        Array.Sort(pollStaleness);
        Console.WriteLine();
        Console.WriteLine(string.Create(Invariant, $"Fleet: {run.Instances} instances x {run.Secrets} secrets, {run.Duration.TotalHours} h, each secret rotated once; seed {seed}; safety net {run.SafetyNet.TotalHours} h (checked every {run.SafetyNet.TotalHours * run.RefreshAheadRatio * (1 - run.RefreshJitter):0.#}-{run.SafetyNet.TotalHours * run.RefreshAheadRatio:0.#} h); event refresh: {(run.CheckBeforeFetch ? "check then fetch" : "fetch")}; ChangeNotificationMaxDelay {run.MaxDelay.TotalSeconds} s; call latency {run.CallLatency.TotalMilliseconds} ms."));
        Console.WriteLine(string.Create(Invariant, $"Naive 5-minute polling: {pollCalls:N0} fetches; staleness p50 {Pct(pollStaleness, 0.5):0} s, p99 {Pct(pollStaleness, 0.99):0} s, max {pollStaleness[^1]:0} s."));
        Console.WriteLine();
        Console.WriteLine("| scenario | receives (empty) | deletes/acks | upkeep | queue writes | deliveries | checks + fetches | safety-net checks | $/day | polling $/day | % of polling | staleness p50 / p99 / max | <= 60 s |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var scenario in new[] { aws, gcp, azureDefault, azureLowest, azureWebhook, vault })
        {
            Row(FleetSimulator.Simulate(scenario, run), pollCalls);
        }

        var before = run with { CheckBeforeFetch = true, SafetyNet = TimeSpan.FromHours(24) };
        Row(FleetSimulator.Simulate(aws with { Name = "AWS, the defaults before: check then fetch, safety net 24 h" }, before), pollCalls);
        Row(FleetSimulator.Simulate(aws with { Name = "AWS, fetch at once, safety net 24 h" }, run with { SafetyNet = TimeSpan.FromHours(24) }), pollCalls);
        Row(FleetSimulator.Simulate(aws with { Name = "AWS, check then fetch, safety net 48 h" }, run with { CheckBeforeFetch = true }), pollCalls);
        Row(FleetSimulator.Simulate(aws with { Name = "AWS, safety net 6 h" }, run with { SafetyNet = TimeSpan.FromHours(6) }), pollCalls);
        Row(FleetSimulator.Simulate(gcp with { Name = "GCP, the defaults before: check then fetch, safety net 24 h" }, before), pollCalls);
        Row(FleetSimulator.Simulate(gcp with { Name = "GCP, ChangeNotificationMaxDelay 10 s (fleet setting)" }, run with { MaxDelay = TimeSpan.FromSeconds(10) }), pollCalls);
        Row(FleetSimulator.Simulate(azureLowest with { Name = "Azure poll 50 s, the defaults before: check then fetch, safety net 24 h" }, before), pollCalls);
        // A Lambda rotation's four events, as the earlier rule delivered them all, and as the listener handled them before.
        var lambda = aws with { Name = "AWS, Lambda rotation (4 events per rotation), the earlier rule, the listener before", RotationEvents = FleetScenario.AwsLambdaRotation };
        var listenerBefore = run with { ListenerDropsNoVersionAfterCurrent = false, RotationConfirmationDelay = TimeSpan.Zero };
        var noWindow = run with { RotationConfirmationDelay = TimeSpan.Zero };
        Row(FleetSimulator.Simulate(lambda, listenerBefore), pollCalls);
        Row(FleetSimulator.Simulate(lambda with { Name = "AWS, Lambda rotation, the earlier rule, without ignoring its first steps" }, listenerBefore with { IgnoreNotCurrent = false }), pollCalls);
        Row(FleetSimulator.Simulate(lambda with { Name = "AWS, Lambda rotation, the earlier rule, the defaults before: check then fetch, safety net 24 h" }, before with { IgnoreNotCurrent = false, ListenerDropsNoVersionAfterCurrent = false, RotationConfirmationDelay = TimeSpan.Zero }), pollCalls);
        var lambdaFiltered = lambda with { Name = "AWS, Lambda rotation, the recommended rule (2 of 4 events delivered), the listener before", RuleLeavesOut = FleetScenario.RecommendedAwsRule };
        Row(FleetSimulator.Simulate(lambdaFiltered, listenerBefore), pollCalls);
        Row(FleetSimulator.Simulate(lambda with { Name = "AWS, Lambda rotation, the earlier rule, the listener without the window (drops RotationSucceeded after the stage move it handed over)" }, noWindow), pollCalls);
        Row(FleetSimulator.Simulate(lambdaFiltered with { Name = "AWS, Lambda rotation, the recommended rule, the listener without the window (RotationConfirmationDelay 0)" }, noWindow), pollCalls);
        Row(FleetSimulator.Simulate(lambda with { Name = "AWS, Lambda rotation, the earlier rule, the listener now (holds a RotationSucceeded that comes first for 15 s)" }, run), pollCalls);
        var lambdaNow = lambdaFiltered with { Name = "AWS, Lambda rotation, the recommended rule and the listener now: the defaults" };
        Row(FleetSimulator.Simulate(lambdaNow, run), pollCalls);
        Row(FleetSimulator.Simulate(lambdaFiltered with { Name = "AWS, Lambda rotation, the recommended rule, RotationConfirmationDelay 5 s" }, run with { RotationConfirmationDelay = TimeSpan.FromSeconds(5) }), pollCalls);
        Row(FleetSimulator.Simulate(lambdaFiltered with { Name = "AWS, Lambda rotation, the recommended rule, RotationConfirmationDelay 30 s" }, run with { RotationConfirmationDelay = TimeSpan.FromSeconds(30) }), pollCalls);
        Row(FleetSimulator.Simulate(lambdaFiltered with { Name = "AWS, Lambda rotation, a rule leaving out RotationSucceeded too (not recommended)", RuleLeavesOut = [RotationEventKind.NamesPendingVersion, RotationEventKind.NamesNoVersion] }, run), pollCalls);
        Row(FleetSimulator.Simulate(lambdaFiltered with { Name = "AWS, Lambda rotation, the recommended rule, the listener before + a no-version event older than the held value is free (not built)" }, listenerBefore with { NoVersionEventOlderThanHeldIsFree = true }), pollCalls);

        Console.WriteLine();
        Console.WriteLine("Where the bill goes at the defaults (share of polling's bill):");
        Console.WriteLine();
        Console.WriteLine("| scenario | receives | deletes/acks | upkeep | queue writes + deliveries | event checks + fetches | safety net | total |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var scenario in new[] { aws, gcp, azureLowest })
        {
            Breakdown(FleetSimulator.Simulate(scenario, run), pollCalls);
        }

        Breakdown(FleetSimulator.Simulate(lambda, listenerBefore), pollCalls);
        Breakdown(FleetSimulator.Simulate(lambdaFiltered, listenerBefore), pollCalls);
        Breakdown(FleetSimulator.Simulate(lambdaFiltered with { Name = "AWS, Lambda rotation, the recommended rule, the listener without the window" }, noWindow), pollCalls);
        Breakdown(FleetSimulator.Simulate(lambdaNow, run), pollCalls);

        Console.WriteLine();
        Console.WriteLine("With 1% of deliveries lost:");
        Console.WriteLine();
        Console.WriteLine("| scenario | lost | caught by a safety-net check (within the day) | lost: staleness p50 / p90 / p99 / max | delivered: p99 / max | $/day |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (scenario, lossy) in new[] { (aws, run), (gcp, run), (azureDefault, run), (aws with { Name = "AWS, safety net 24 h" }, run with { SafetyNet = TimeSpan.FromHours(24) }) })
        {
            var result = FleetSimulator.Simulate(scenario, lossy with { DropRate = 0.01 });
            var lost = result.DroppedStalenessSeconds;
            Array.Sort(lost);
            var delivered = result.StalenessSeconds;
            Array.Sort(delivered);
            Console.WriteLine(string.Create(Invariant,
                $"| {scenario.Name} | {result.Dropped:N0} | {lost.Length:N0} ({result.CaughtWithinDay:N0}) | {Hours(Pct(lost, 0.5))} / {Hours(Pct(lost, 0.9))} / {Hours(Pct(lost, 0.99))} / {Hours(lost[^1])} | {Pct(delivered, 0.99):0.0} s / {delivered[^1]:0.0} s | {result.Total:0.00} |"));
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(Invariant, $"simulated in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s; load after: {Load()}"));
        return 0;
    }

    private static void Row(FleetResult result, long pollCalls)
    {
        var c = result.Calls;
        var polling = pollCalls * result.Scenario.Prices.SecretManagerPerCall;
        var staleness = result.StalenessSeconds;
        Array.Sort(staleness);
        var within = staleness.Count(s => s <= 60) / (double)staleness.Length;
        var ratio = polling > 0 ? (result.Total / polling).ToString("P2", Invariant) : "n/a";
        Console.WriteLine(string.Create(Invariant,
            $"| {result.Scenario.Name} | {c.Receives:N0} ({c.EmptyReceives:N0}) | {c.Deletes:N0} | {c.Upkeep:N0} | {c.QueueWrites:N0} | {c.Deliveries:N0} | {c.VersionChecks:N0} + {c.Fetches:N0} | {c.SafetyNetChecks:N0} | {result.Total:0.00} | {polling:0.00} | {ratio} | {Pct(staleness, 0.5):0.0} / {Pct(staleness, 0.99):0.0} / {staleness[^1]:0.0} s | {within:P1} |"));
    }

    private static void Breakdown(FleetResult result, long pollCalls)
    {
        var c = result.Calls;
        var p = result.Scenario.Prices;
        var polling = pollCalls * p.SecretManagerPerCall;
        var ackPrice = p.TransportAcksFree ? 0 : p.TransportPerCall;
        var receives = c.Receives * (p.TransportPerCall + (p.TransportBytesPerRequest * p.TransportPerByte));
        var deletes = c.Deletes * ackPrice;
        var upkeep = c.Upkeep * ackPrice;
        var writes = (c.QueueWrites * p.TransportPerCall) + (c.Deliveries * p.DeliveryPerEvent);
        var events = (c.VersionChecks + c.Fetches) * p.SecretManagerPerCall;
        var net = (c.SafetyNetChecks + c.SafetyNetFetches) * p.SecretManagerPerCall;
        string Share(double cost) => (cost / polling).ToString("P2", Invariant);
        Console.WriteLine($"| {result.Scenario.Name} | {Share(receives)} | {Share(deletes)} | {Share(upkeep)} | {Share(writes)} | {Share(events)} | {Share(net)} | {Share(result.Total)} |");
    }

    private static string Hours(double seconds) => (seconds / 3600).ToString("0.0", Invariant) + " h";

    private static double Pct(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1))];

    private static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
}
