using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Secrets.Client.Gcp;

/// <summary>The package's one <see cref="ActivitySource"/> and one <see cref="Meter"/>. Tags carry names and outcomes, never values.</summary>
internal static class GcpSecretManagerTelemetry
{
    public const string Name = "Secrets.Client.Gcp";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Secret Manager calls by operation and outcome (<c>ok</c>, or the error's type).</summary>
    public static readonly Counter<long> Requests = Meter.CreateCounter<long>("secrets.gcp.secretmanager.requests", "{request}", "Calls the provider made to Google Cloud Secret Manager.");

    /// <summary>Secret Manager call duration by operation and outcome.</summary>
    public static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("secrets.gcp.secretmanager.duration", "s", "Duration of calls to Google Cloud Secret Manager.");
}
