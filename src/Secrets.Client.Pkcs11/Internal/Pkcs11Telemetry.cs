using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Secrets.Client.Pkcs11;

/// <summary>The package's one <see cref="ActivitySource"/> and one <see cref="Meter"/>.</summary>
internal static class Pkcs11Telemetry
{
    public const string Name = "Secrets.Client.Pkcs11";

    public static readonly ActivitySource ActivitySource = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Signing operations, tagged with signer, key label, mechanism and outcome; never data.</summary>
    public static readonly Counter<long> Signatures = Meter.CreateCounter<long>(
        "secrets.pkcs11.signatures", unit: "{signature}", description: "Signing operations performed on the PKCS#11 token.");

    public static readonly Histogram<double> SignDuration = Meter.CreateHistogram<double>(
        "secrets.pkcs11.sign.duration", unit: "s", description: "Time to sign on the PKCS#11 token, including waiting for a session.");

    public static readonly Counter<long> Reconnects = Meter.CreateCounter<long>(
        "secrets.pkcs11.reconnects", unit: "{reconnect}", description: "Times the signer reloaded the module and logged in again after losing the token.");
}
