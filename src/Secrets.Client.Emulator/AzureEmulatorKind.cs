using Secrets.Client.Testing;

namespace Secrets.Client.Emulator;

/// <summary>
/// <c>secrets-emulator azure</c>: the Key Vault emulator. Always HTTPS (the SDKs send bearer tokens over HTTPS only);
/// the certificate is written to a PEM file whose path is printed, for <c>NODE_EXTRA_CA_CERTS</c> and the like.
/// </summary>
internal sealed class AzureEmulatorKind : IRunningEmulator
{
    private readonly AzureKeyVaultEmulator _emulator;
    private readonly string _pemPath;

    private AzureEmulatorKind(AzureKeyVaultEmulator emulator, string pemPath)
    {
        _emulator = emulator;
        _pemPath = pemPath;
    }

    public IReadOnlyList<KeyValuePair<string, string>> Environment =>
    [
        new("AZURE_KEYVAULT_URL", _emulator.VaultUri.ToString()),
        new("AZURE_KEYVAULT_TOKEN", _emulator.TestToken),
        new("AZURE_KEYVAULT_CERTIFICATE_PEM", _pemPath),
        new("NODE_EXTRA_CA_CERTS", _pemPath),
    ];

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
        return new AzureEmulatorKind(emulator, pem);
    }

    public async ValueTask DisposeAsync()
    {
        File.Delete(_pemPath);
        await _emulator.DisposeAsync().ConfigureAwait(false);
    }
}
