using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Secrets.Client.Vault.Tests.Events;

/// <summary>The Vault listener registered with DI subscribes when the host starts and closes when it stops.</summary>
public sealed class VaultEventListenerServiceCollectionExtensionsTests : IAsyncLifetime
{
    private VaultHarness _vault = null!;

    public async Task InitializeAsync() => _vault = await VaultHarness.StartAsync();

    public async Task DisposeAsync() => await _vault.DisposeAsync();

    [Fact]
    public async Task The_listener_starts_and_stops_with_the_host_and_reports_health()
    {
        _vault.Emulator.WriteSecret("secret", "app/db", new Dictionary<string, string> { ["password"] = "canary-vault-h1" });
        var builder = Host.CreateApplicationBuilder();
        builder.Environment.EnvironmentName = "Development";
        builder.Services.AddSecretStore(secrets => secrets.AddHashiCorpVault(o =>
        {
            o.Endpoint = _vault.Emulator.Address;
            o.Role = _vault.Emulator.KubernetesRole;
            o.ServiceAccountTokenPath = _vault.JwtPath;
        }));
        builder.Services.AddHashiCorpVaultEventListener();
        using var host = builder.Build();
        var listener = host.Services.GetRequiredKeyedService<VaultEventListener>("vault");
        var store = host.Services.GetRequiredService<SecretStore>();

        await host.StartAsync();
        await store.GetSecretAsync("vault://secret/app/db#password");
        await listener.WaitForStatusAsync(s => s.Connected, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        await host.StopAsync();

        Assert.Equal(HealthStatus.Healthy, health.Entries["secrets-vault-events-vault"].Status);
    }

    [Fact]
    public void A_listener_for_a_provider_the_store_lacks_is_refused_with_its_name()
    {
        var services = new ServiceCollection();
        services.AddSecretStore(secrets => secrets.AddHashiCorpVault(o =>
        {
            o.Endpoint = _vault.Emulator.Address;
            o.Role = _vault.Emulator.KubernetesRole;
            o.ServiceAccountTokenPath = _vault.JwtPath;
            o.Environment = "Development";
        }));
        services.AddHashiCorpVaultEventListener("other");
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredKeyedService<VaultEventListener>("other"));

        Assert.Contains("'other'", error.Message, StringComparison.Ordinal);
    }
}
