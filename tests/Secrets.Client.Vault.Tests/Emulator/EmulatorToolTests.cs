using System.Diagnostics;
using System.Globalization;

namespace Secrets.Client.Vault.Tests.Emulator;

/// <summary>The standalone <c>secrets-emulator vault</c> process prints Vault's variables and serves our provider.</summary>
public sealed class EmulatorToolTests
{
    [Fact]
    public async Task Prints_address_root_token_and_approle_ids_and_serves_the_provider()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Secrets.Client.Emulator.dll"));
        start.ArgumentList.Add("vault");
        start.ArgumentList.Add("--port");
        start.ArgumentList.Add("0");
        using var process = Process.Start(start)!;
        var secretIdFile = Path.GetTempFileName();
        try
        {
            var variables = new Dictionary<string, string>();
            while (variables.Count < 6 && await process.StandardOutput.ReadLineAsync() is { } line)
            {
                var equals = line.IndexOf('=', StringComparison.Ordinal);
                variables[line[..equals]] = line[(equals + 1)..];
            }

            Assert.StartsWith("http://127.0.0.1:", variables["VAULT_ADDR"], StringComparison.Ordinal);
            Assert.False(variables["VAULT_ADDR"].EndsWith('/'));
            Assert.NotEmpty(variables["VAULT_TOKEN"]);
            await File.WriteAllTextAsync(secretIdFile, variables["VAULT_APPROLE_SECRET_ID"]);
            var options = new HashiCorpVaultSecretProviderOptions
            {
                Address = new Uri(variables["VAULT_ADDR"]),
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

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(timeout.Token);
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            File.Delete(secretIdFile);
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }
}
