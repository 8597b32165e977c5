using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace HsmSigning;

/// <summary>A throw-away SoftHSM2 token in a temporary folder, with an RSA and an EC key that cannot leave it.</summary>
internal sealed partial class DemoToken : IDisposable
{
    public const string ModulePath = "/usr/lib/softhsm/libsofthsm2.so";
    public const string Label = "hsm-signing-demo";
    public const string PinVariable = "HSM_PIN";

    private readonly string _folder;

    public DemoToken()
    {
        if (!File.Exists(ModulePath))
        {
            throw new InvalidOperationException($"SoftHSM2 is not installed ({ModulePath}); run scripts/setup.d/20-softhsm.sh.");
        }

        _folder = Directory.CreateTempSubdirectory("hsm-signing-").FullName;
        var tokens = Directory.CreateDirectory(Path.Combine(_folder, "tokens")).FullName;
        var config = Path.Combine(_folder, "softhsm2.conf");
        File.WriteAllText(config, $"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n");

        // SoftHSM2 reads SOFTHSM2_CONF with getenv() at C_Initialize: set it natively and for the child processes.
        Environment.SetEnvironmentVariable("SOFTHSM2_CONF", config);
        _ = SetEnv("SOFTHSM2_CONF", config, 1);

        // A random PIN, handed over only through the environment variable the signer's PinReference names.
        var pin = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        Environment.SetEnvironmentVariable(PinVariable, pin);
        Run("softhsm2-util", "--init-token", "--free", "--label", Label, "--so-pin", Convert.ToHexString(RandomNumberGenerator.GetBytes(8)), "--pin", pin);
        Run("pkcs11-tool", "--module", ModulePath, "--token-label", Label, "--login", "--pin", pin, "--keypairgen", "--key-type", "rsa:2048", "--label", "csr-signing", "--id", "01", "--usage-sign", "--sensitive");
        Run("pkcs11-tool", "--module", ModulePath, "--token-label", Label, "--login", "--pin", pin, "--keypairgen", "--key-type", "EC:prime256v1", "--label", "jwt-signing", "--id", "02", "--usage-sign", "--sensitive");
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(PinVariable, null);
        Directory.Delete(_folder, recursive: true);
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);

    private static void Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Cannot start {file}.");
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            // The arguments hold the PIN: report only the tool and its own error text.
            throw new InvalidOperationException($"{file} failed with exit code {process.ExitCode}: {error.Result}");
        }
    }
}
