using Secrets.Client.Testing;

namespace Secrets.Client.Emulator;

/// <summary>
/// <c>secrets-emulator gcp</c>: the Secret Manager emulator, over plain HTTP on 127.0.0.1 unless <c>--https</c> is given
/// (then the certificate is written to a PEM file whose path is printed, for <c>NODE_EXTRA_CA_CERTS</c> and the like).
/// </summary>
internal sealed class GcpEmulatorKind : IRunningEmulator
{
    private readonly GcpSecretManagerEmulator _emulator;
    private readonly string? _pemPath;

    private GcpEmulatorKind(GcpSecretManagerEmulator emulator, string? pemPath)
    {
        _emulator = emulator;
        _pemPath = pemPath;
    }

    public IReadOnlyList<KeyValuePair<string, string>> Environment
    {
        get
        {
            List<KeyValuePair<string, string>> variables =
            [
                new("GCP_SECRET_MANAGER_ENDPOINT", _emulator.Endpoint.ToString()),
                new("GCP_PROJECT", _emulator.ProjectId),
                new("GCP_ACCESS_TOKEN", _emulator.TestToken),
            ];
            if (_pemPath is not null)
            {
                variables.Add(new("GCP_SECRET_MANAGER_CERTIFICATE_PEM", _pemPath));
                variables.Add(new("NODE_EXTRA_CA_CERTS", _pemPath));
            }

            return variables;
        }
    }

    public static async Task<IRunningEmulator> StartAsync(EmulatorSettings settings, CancellationToken cancellationToken)
    {
        var emulator = await GcpSecretManagerEmulator.StartAsync(new GcpSecretManagerEmulatorOptions { Port = settings.Port, UseHttps = settings.UseHttps }, cancellationToken).ConfigureAwait(false);
        if (emulator.Certificate is null)
        {
            return new GcpEmulatorKind(emulator, pemPath: null);
        }

        var pem = Path.Combine(Path.GetTempPath(), $"secrets-emulator-gcp-{System.Environment.ProcessId}.pem");
        await File.WriteAllTextAsync(pem, emulator.Certificate.ExportCertificatePem(), cancellationToken).ConfigureAwait(false);
        return new GcpEmulatorKind(emulator, pem);
    }

    public async ValueTask DisposeAsync()
    {
        if (_pemPath is not null)
        {
            File.Delete(_pemPath);
        }

        await _emulator.DisposeAsync().ConfigureAwait(false);
    }
}
