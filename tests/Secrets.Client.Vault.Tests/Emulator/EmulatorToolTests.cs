using Secrets.Client.Tests.Shared;

namespace Secrets.Client.Vault.Tests.Emulator;

/// <summary>The standalone <c>secrets-emulator vault</c> process prints Vault's variables and serves our provider.</summary>
public sealed class EmulatorToolTests
{
    [Fact]
    public async Task Prints_address_root_token_and_approle_ids_and_serves_the_provider()
    {
        await using var tool = await EmulatorToolProcess.StartAsync(6, "vault", "--port", "0");
        var variables = tool.Variables;
        var secretIdFile = Path.GetTempFileName();
        try
        {
            Assert.StartsWith("http://127.0.0.1:", variables["VAULT_ADDR"], StringComparison.Ordinal);
            Assert.False(variables["VAULT_ADDR"].EndsWith('/'));
            Assert.NotEmpty(variables["VAULT_TOKEN"]);
            await File.WriteAllTextAsync(secretIdFile, variables["VAULT_APPROLE_SECRET_ID"]);
            var options = new HashiCorpVaultSecretProviderOptions
            {
                Endpoint = new Uri(variables["VAULT_ADDR"]),
                AuthMethod = VaultAuthMethod.AppRole,
                AppRoleRoleId = variables["VAULT_APPROLE_ROLE_ID"],
                AppRoleSecretIdPath = secretIdFile,
                Environment = "Development",
            };
            await using var provider = new HashiCorpVaultSecretProvider(options);

            using (var value = SecretValue.FromText("""{"password":"from-the-tool"}"""))
            {
                await provider.SetSecretAsync("secret/tool/db", value);
            }

            using var secret = await provider.GetSecretAsync(SecretReference.Parse("vault://secret/tool/db"));
            using var password = secret.Value.GetJsonField("password");
            Assert.Equal("from-the-tool", password.ExposeAsString());

            Assert.Equal(0, await tool.StopAsync());
        }
        finally
        {
            File.Delete(secretIdFile);
        }
    }
}
