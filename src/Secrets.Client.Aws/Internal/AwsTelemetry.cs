using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Secrets.Client.Aws;

/// <summary>The package's one <see cref="ActivitySource"/> and one <see cref="Meter"/>. Tags carry operation and secret names, never values.</summary>
internal static class AwsTelemetry
{
    public const string Name = "Secrets.Client.Aws";

    public static readonly ActivitySource ActivitySource = new(Name);

    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Requests = Meter.CreateCounter<long>("secrets.aws.requests", description: "Requests sent to AWS Secrets Manager, by operation and outcome.");

    public static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("secrets.aws.request.duration", unit: "s", description: "Duration of requests to AWS Secrets Manager.");
}
