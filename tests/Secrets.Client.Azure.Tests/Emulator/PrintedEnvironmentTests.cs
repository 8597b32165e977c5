using Secrets.Client.Tests.Shared;

namespace Secrets.Client.Azure.Tests.Emulator;

/// <summary>Tests that set the process's environment: they run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentGroup
{
    public const string Name = "process environment";
}

/// <summary>
/// An app that evaluated <c>secrets-emulator azure --print-env</c> reads the emulator with no code: the adapter takes the
/// vault, the token and the certificate from the printed variables, and only for a loopback vault.
/// </summary>
[Collection(ProcessEnvironmentGroup.Name)]
public sealed class PrintedEnvironmentTests
{
    private static readonly string[] Printed = ["AZURE_KEYVAULT_URL", "AZURE_KEYVAULT_TOKEN", "AZURE_KEYVAULT_CERTIFICATE_PEM"];

    [Fact]
    public async Task A_provider_with_default_options_reads_the_emulator_from_the_printed_variables()
    {
        await using var tool = await EmulatorToolProcess.StartAsync(4, "azure", "--port", "0");
        using var _ = SetPrinted(tool.Variables);
        await using var store = new SecretStore(
            [new AzureKeyVaultSecretProvider(new AzureKeyVaultSecretProviderOptions { Environment = "Development" })],
            new SecretStoreOptions { Environment = "Development" });

        using (var value = SecretValue.FromText("printed-env-value"))
        {
            await store.SetSecretAsync(SecretReference.Parse("azure-kv://db-password"), value);
        }

        var secret = await store.GetSecretAsync("azure-kv://db-password");
        var provider = Assert.Single(store.Providers);

        Assert.Equal("printed-env-value", secret.Value.ExposeAsString());
        Assert.Contains("AZURE_KEYVAULT_TOKEN", provider.Identity, StringComparison.Ordinal);
        Assert.DoesNotContain(tool.Variables["AZURE_KEYVAULT_TOKEN"], provider.Identity, StringComparison.Ordinal);
        Assert.Equal(0, await tool.StopAsync());
    }

    [Fact]
    public async Task Without_the_certificate_variable_the_emulator_certificate_is_not_trusted()
    {
        await using var tool = await EmulatorToolProcess.StartAsync(4, "azure", "--port", "0");
        var variables = tool.Variables.Where(v => v.Key != "AZURE_KEYVAULT_CERTIFICATE_PEM").ToDictionary();
        using var _ = SetPrinted(variables);
        await using var store = new SecretStore(
            [new AzureKeyVaultSecretProvider(new AzureKeyVaultSecretProviderOptions { Environment = "Development", Resilience = { MaxRetryAttempts = 0 } })],
            new SecretStoreOptions { Environment = "Development" });

        var error = await Assert.ThrowsAnyAsync<SecretStoreException>(() => store.GetSecretAsync("azure-kv://db-password").AsTask());

        Assert.DoesNotContain(tool.Variables["AZURE_KEYVAULT_TOKEN"], error.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, await tool.StopAsync());
    }

    private static Restore SetPrinted(IReadOnlyDictionary<string, string> variables)
    {
        var saved = Printed.ToDictionary(name => name, Environment.GetEnvironmentVariable);
        foreach (var name in Printed)
        {
            Environment.SetEnvironmentVariable(name, variables.GetValueOrDefault(name));
        }

        return new Restore(saved);
    }

    private sealed class Restore(Dictionary<string, string?> saved) : IDisposable
    {
        public void Dispose()
        {
            foreach (var (name, value) in saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }
}
