using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Secrets.Client.Vault;

/// <summary>The package's one <see cref="ActivitySource"/> and one <see cref="Meter"/>. Tags carry names and outcomes, never values or tokens.</summary>
internal static class VaultTelemetry
{
    public const string Name = "Secrets.Client.Vault";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Vault calls by operation and outcome (<c>ok</c>, or the error's type).</summary>
    public static readonly Counter<long> Requests = Meter.CreateCounter<long>("secrets.vault.requests", "{request}", "Calls the provider made to HashiCorp Vault.");

    /// <summary>Vault call duration by operation and outcome.</summary>
    public static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("secrets.vault.duration", "s", "Duration of calls to HashiCorp Vault.");

    /// <summary>Logins and renewals by kind and outcome.</summary>
    public static readonly Counter<long> Logins = Meter.CreateCounter<long>("secrets.vault.logins", "{login}", "Vault logins and token renewals.");
}
