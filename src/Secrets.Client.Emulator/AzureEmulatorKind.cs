using Secrets.Client.Testing;

namespace Secrets.Client.Emulator;

/// <summary>
/// Starts the <c>azure</c> kind (<see cref="EmulatorKinds.Azure"/>): the Key Vault emulator with the seed's secrets.
/// Always HTTPS (the SDKs send bearer tokens over HTTPS only); the certificate is written to a PEM file whose path is
/// printed, for <c>NODE_EXTRA_CA_CERTS</c> and the like, and deleted when the emulator stops.
/// </summary>
internal static class AzureEmulatorKind
{
    public static async Task<IRunningEmulator> StartAsync(EmulatorSettings settings, CancellationToken cancellationToken)
    {
        var options = new AzureKeyVaultEmulatorOptions { Port = settings.Port, Authenticator = settings.Authenticator, TenantId = settings.TenantId ?? new AzureKeyVaultEmulatorOptions().TenantId };
        foreach (var sink in settings.EventSinks)
        {
            options.EventSinks.Add(sink);
        }

        var emulator = await AzureKeyVaultEmulator.StartAsync(options, cancellationToken).ConfigureAwait(false);
        foreach (var secret in settings.Seed?.Secrets ?? [])
        {
            foreach (var version in secret.Versions)
            {
                emulator.SetSecret(secret.Name, version.AsText(), tags: secret.Tags.Count == 0 ? null : secret.Tags);
            }
        }

        var pem = Path.Combine(Path.GetTempPath(), $"secrets-emulator-azure-{System.Environment.ProcessId}.pem");
        await File.WriteAllTextAsync(pem, emulator.ExportCertificatePem(), cancellationToken).ConfigureAwait(false);
        return new RunningEmulator(
            emulator,
            [
                new("AZURE_KEYVAULT_URL", emulator.VaultUri.ToString()),
                new("AZURE_KEYVAULT_TOKEN", emulator.TestToken),
                new("AZURE_KEYVAULT_CERTIFICATE_PEM", pem),
                new("NODE_EXTRA_CA_CERTS", pem),
            ],
            ownedFile: pem);
    }
}
