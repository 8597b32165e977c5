using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Secrets.Client.Tests.Shared;

namespace Secrets.Client.Vault.Tests;

/// <summary>Canary values and tokens go through every path of the provider and must never reach a log, trace, metric or exception.</summary>
public sealed class CanaryTests
{
    private const string Canary = "CANARY-7f3a9c-d41e-vault";

    [Fact]
    public async Task Canary_values_and_credentials_never_reach_logs_traces_metrics_or_exceptions()
    {
        using var capture = new TelemetryCapture("Secrets.Client");
        var collector = new FakeLogCollector();
        using var logger = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(collector)));

        await using var vault = await VaultHarness.StartAsync(new Testing.HashiCorpVaultEmulatorOptions
        {
            KubernetesJwt = "CANARY-jwt-0b1d",
            AppRoleSecretId = "CANARY-secret-id-77c2",
            RootToken = "CANARY-root-token-91aa",
        });
        vault.Emulator.WriteSecretJson("secret", "app/deleted", $$"""{"password":"{{Canary}}"}""");
        vault.Emulator.DeleteVersions("secret", "app/deleted");
        vault.Emulator.WriteSecretJson("secret", "app/destroyed", $$"""{"password":"{{Canary}}"}""");
        vault.Emulator.DestroyVersions("secret", "app/destroyed");
        await using var provider = vault.CreateProvider(
            o =>
            {
                vault.UseAppRole(o);
                o.RotationValueGenerator = (_, _) => ValueTask.FromResult(SecretValue.FromText($$"""{"password":"{{Canary}}-rotated"}"""));
            },
            logger);
        var errors = new List<Exception>();

        using (var value = SecretValue.FromText($$"""{"password":"{{Canary}}"}"""))
        {
            capture.Add((await provider.SetSecretAsync("secret/app/db", value)).ToString());
        }

        using (var value = SecretValue.FromText(Canary + " not json"))
        {
            capture.Add((await provider.SetSecretAsync("secret/app/plain", value)).ToString());
        }

        using (var secret = await provider.GetSecretAsync(SecretReference.Parse("vault://secret/app/db#password")))
        {
            Assert.Contains(Canary, secret.Value.ExposeAsString(), StringComparison.Ordinal);
            capture.Add(secret.ToString());
            capture.Add(secret.Value.ToString());
        }

        capture.Add((await provider.RotateSecretAsync(SecretReference.Parse("vault://secret/app/db"))).ToString());
        capture.Add((await provider.GetPropertiesAsync(SecretReference.Parse("vault://secret/app/db"))).ToString());
        foreach (var name in new[] { "deleted", "destroyed", "missing" })
        {
            errors.Add(await Assert.ThrowsAnyAsync<SecretStoreException>(() => provider.GetSecretAsync(SecretReference.Parse("vault://secret/app/" + name)).AsTask()));
        }

        vault.Emulator.Faults.ThrottleNext(1);
        errors.Add(await Assert.ThrowsAnyAsync<SecretStoreException>(() => provider.GetSecretAsync(SecretReference.Parse("vault://secret/app/db")).AsTask()));
        vault.Emulator.Sealed = true;
        errors.Add(await Assert.ThrowsAnyAsync<SecretStoreException>(() => provider.GetSecretAsync(SecretReference.Parse("vault://secret/app/db")).AsTask()));
        vault.Emulator.Sealed = false;
        vault.Emulator.RevokeLoginTokens();
        using (await provider.GetSecretAsync(SecretReference.Parse("vault://secret/app/db")))
        {
        }

        await foreach (var item in provider.ListSecretsAsync("secret/"))
        {
            capture.Add(item.ToString());
        }

        await File.WriteAllTextAsync(vault.SecretIdPath, "CANARY-wrong-secret-id");
        await using (var refused = vault.CreateProvider(vault.UseAppRole, logger))
        {
            errors.Add(await Assert.ThrowsAnyAsync<SecretStoreException>(() => refused.GetSecretAsync(SecretReference.Parse("vault://secret/app/db")).AsTask()));
        }

        capture.Add(provider.ToString());
        capture.Add(provider.Identity ?? string.Empty);
        foreach (var record in collector.GetSnapshot())
        {
            capture.Add(record.Message);
            capture.Add(record.Exception?.ToString() ?? string.Empty);
            foreach (var (key, value) in record.StructuredState ?? [])
            {
                capture.Add($"{key}={value}");
            }
        }

        foreach (var error in errors)
        {
            capture.Add(error.ToString());
        }

        Assert.Contains(collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Contains(capture.Texts, t => t.Contains("secret/app/db", StringComparison.Ordinal));
        Assert.Contains(capture.Texts, t => t.Contains("Vault is sealed", StringComparison.Ordinal));
        Assert.DoesNotContain(capture.Texts, t => t.Contains("CANARY", StringComparison.Ordinal));
        Assert.DoesNotContain(capture.Texts, t => t.Contains("hvs.", StringComparison.Ordinal));
    }
}
