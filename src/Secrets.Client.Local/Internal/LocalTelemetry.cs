using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Secrets.Client.Local;

/// <summary>The package's one <see cref="ActivitySource"/> and one <see cref="Meter"/>, both named after the package.</summary>
internal static class LocalTelemetry
{
    internal const string Name = "Secrets.Client.Local";

    internal static readonly ActivitySource ActivitySource = new(Name);

    internal static readonly Meter Meter = new(Name);

    /// <summary>Counts file loads (a <c>.env</c> file parsed, a key-per-file secret read), tagged by provider and outcome.</summary>
    internal static readonly Counter<long> FileReads = Meter.CreateCounter<long>(
        "secrets.local.file.reads",
        unit: "{read}",
        description: "Files read by local secret providers, by provider name and outcome.");

    internal static void RecordFileRead(string provider, bool success) =>
        FileReads.Add(1, new KeyValuePair<string, object?>("secrets.provider", provider), new KeyValuePair<string, object?>("outcome", success ? "success" : "failure"));
}
