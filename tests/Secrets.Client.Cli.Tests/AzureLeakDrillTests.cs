using Secrets.Client.Azure;
using Secrets.Client.Testing;

namespace Secrets.Client.Cli.Tests;

/// <summary>
/// The Azure leak drill with rotation: the tool disables the leaked version through the Key Vault adapter (no manual
/// step), and neither the backend nor the app's store serves it afterwards.
/// </summary>
public sealed class AzureLeakDrillTests
{
    private const string Canary = CliHarness.Canary;
    private static readonly string[] Printed = [AzureKeyVaultSecretProvider.VaultUrlVariable, AzureKeyVaultSecretProvider.EmulatorTokenVariable, AzureKeyVaultSecretProvider.EmulatorCertificateVariable];

    [Fact]
    public async Task Azure_rotates_and_disables_the_leaked_version_so_neither_backend_nor_store_serves_it()
    {
        using var drill = new DrillHarness();
        await using var vault = await AzureKeyVaultEmulator.StartAsync(new AzureKeyVaultEmulatorOptions { TimeProvider = drill.Clock });
        var leaked = vault.SetSecret("app-db", Canary);
        drill.Clock.Advance(TimeSpan.FromSeconds(1));

        // The tool's provider is built from configuration, so the emulator is named the way `secrets-emulator azure
        // --print-env` names it (a loopback vault, its token, its certificate); the app's provider reads the same.
        var certificate = Path.Combine(drill.Root, "kv.pem");
        await File.WriteAllTextAsync(certificate, vault.ExportCertificatePem());
        var saved = Printed.ToDictionary(name => name, Environment.GetEnvironmentVariable);
        Environment.SetEnvironmentVariable(AzureKeyVaultSecretProvider.VaultUrlVariable, vault.VaultUri.ToString());
        Environment.SetEnvironmentVariable(AzureKeyVaultSecretProvider.EmulatorTokenVariable, vault.TestToken);
        Environment.SetEnvironmentVariable(AzureKeyVaultSecretProvider.EmulatorCertificateVariable, certificate);
        try
        {
            await using var provider = new AzureKeyVaultSecretProvider(new AzureKeyVaultSecretProviderOptions { Environment = "Development", TimeProvider = drill.Clock });
            await using var app = drill.App(provider);
            await drill.ReadAsync(app, $"azure-kv://app-db?version={leaked}");
            var since = drill.Clock.GetUtcNow();
            await drill.WriteSettingsAsync(new
            {
                Environment = "Development",
                Providers = new Dictionary<string, object> { ["azure-kv"] = new { Type = "azure" } },
                AuditSources = new { Sdk = new { Directory = drill.AuditDirectory } },
            });

            var (exit, report) = await drill.LeakAsync("azure-kv://app-db", "--generate", "32", "--since", DrillHarness.Time(since));

            var steps = DrillHarness.Steps(report);
            Assert.True(steps["rotate"].Item1 == "done", steps["rotate"].Item2);
            Assert.Equal("done", steps["confirm-current"].Item1);
            Assert.True(steps["stop-serving-leaked-version"].Item1 == "done", steps["stop-serving-leaked-version"].Item2);
            Assert.Contains($"disabled version {leaked}", steps["stop-serving-leaked-version"].Item2, StringComparison.Ordinal);
            Assert.Equal("done", steps["store-previous-version-window"].Item1);
            Assert.Equal("manual", steps["instances-moved"].Item1); // no instance runs in this drill: the step says what to check
            Assert.Equal(7, exit);
            Assert.Equal(leaked, report.GetProperty("leakedVersion").GetString());
            var current = report.GetProperty("currentVersion").GetString();
            Assert.NotEqual(leaked, current);

            app.Invalidate(SecretReference.Parse($"azure-kv://app-db?version={leaked}"));
            var disabled = await Assert.ThrowsAsync<SecretNotFoundException>(async () => await app.GetSecretAsync($"azure-kv://app-db?version={leaked}"));
            Assert.Equal("SecretDisabled", disabled.ErrorCode);
            app.Invalidate(SecretReference.Parse("azure-kv://app-db"));
            var window = await app.GetRotationWindowAsync(SecretReference.Parse("azure-kv://app-db"));
            Assert.Equal(current, window.Current.Properties.Version);
            Assert.Null(window.Previous); // the leaked version left the app's rotation window with it
            Assert.DoesNotContain(Canary, string.Concat(drill.AllOutput));
        }
        finally
        {
            foreach (var (name, value) in saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }
}
