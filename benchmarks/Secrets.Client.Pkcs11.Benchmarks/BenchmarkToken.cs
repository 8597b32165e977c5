using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Secrets.Client;

namespace Secrets.Client.Pkcs11.Benchmarks;

/// <summary>A fresh SoftHSM2 token with an RSA-2048 and a P-256 key, and a store that serves its PIN.</summary>
public sealed partial class BenchmarkToken : IDisposable
{
    public const string ModulePath = "/usr/lib/softhsm/libsofthsm2.so";
    public const string Label = "bench";
    public const string PinReference = "bench://pin";

    private readonly string _folder;

    public BenchmarkToken()
    {
        _folder = Directory.CreateTempSubdirectory("pkcs11-bench-").FullName;
        var tokens = Directory.CreateDirectory(Path.Combine(_folder, "tokens")).FullName;
        var config = Path.Combine(_folder, "softhsm2.conf");
        File.WriteAllText(config, $"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n");
        Environment.SetEnvironmentVariable("SOFTHSM2_CONF", config);
        _ = SetEnv("SOFTHSM2_CONF", config, 1);
        Pin = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        Run("softhsm2-util", "--init-token", "--free", "--label", Label, "--so-pin", "so-" + Pin, "--pin", Pin);
        Run("pkcs11-tool", "--module", ModulePath, "--token-label", Label, "--login", "--pin", Pin, "--keypairgen", "--key-type", "rsa:2048", "--label", "rsa", "--id", "01", "--usage-sign", "--sensitive");
        Run("pkcs11-tool", "--module", ModulePath, "--token-label", Label, "--login", "--pin", Pin, "--keypairgen", "--key-type", "EC:prime256v1", "--label", "ec", "--id", "02", "--usage-sign", "--sensitive");
    }

    public string Pin { get; }

    public Pkcs11Signer CreateSigner(int maxSessions) => new(
        new Pkcs11SignerOptions { ModulePath = ModulePath, TokenLabel = Label, PinReference = SecretReference.Parse(PinReference), MaxSessions = maxSessions },
        new PinStore(Pin));

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);

    private static void Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} failed: {process.StandardError.ReadToEnd()}");
        }
    }

    private sealed class PinStore(string pin) : ISecretStore
    {
        public ValueTask<Secret> GetSecretAsync(SecretReference reference, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(new Secret(new SecretProperties("bench", reference.Path), SecretValue.FromText(pin)));

        public ValueTask<IReadOnlyList<SecretResult>> GetSecretsAsync(IReadOnlyList<SecretReference> references, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public ValueTask<SecretProperties> GetSecretPropertiesAsync(SecretReference reference, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public async IAsyncEnumerable<SecretProperties> ListSecretsAsync(string? provider, string? prefix = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.CompletedTask;
            yield break;
        }
    }
}
