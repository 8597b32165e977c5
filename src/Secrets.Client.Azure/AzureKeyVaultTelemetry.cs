using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Secrets.Client.Azure;

/// <summary>The package's one <see cref="ActivitySource"/> and one <see cref="Meter"/>. Tags carry names and outcomes, never values.</summary>
internal static class AzureKeyVaultTelemetry
{
    public const string Name = "Secrets.Client.Azure";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Key Vault calls by operation and outcome (<c>ok</c>, or the error's type).</summary>
    public static readonly Counter<long> Requests = Meter.CreateCounter<long>("secrets.azure.keyvault.requests", "{request}", "Calls the provider made to Azure Key Vault.");

    /// <summary>Key Vault call duration by operation and outcome.</summary>
    public static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("secrets.azure.keyvault.duration", "s", "Duration of calls to Azure Key Vault.");
}
