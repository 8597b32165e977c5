using Azure;

namespace Secrets.Client.Azure.Tests.Judges;

/// <summary>
/// The official <c>@azure/keyvault-secrets</c> client (npm) and our adapter run the same scenario against one emulator
/// and must give the same answers: set, get latest, get a version, list versions with paging, disable, not found.
/// </summary>
public sealed class KeyVaultJudgeTests
{
    [Fact]
    public async Task Official_node_client_and_our_adapter_agree()
    {
        await using var vault = await KeyVaultHarness.StartAsync();
        await using var provider = vault.CreateProvider();
        var pem = Path.GetTempFileName();
        await File.WriteAllTextAsync(pem, vault.Emulator.ExportCertificatePem());
        try
        {
            // The adapter writes; both read.
            var alpha = await SetAsync(provider, "judge-db", "alpha");
            var beta = await SetAsync(provider, "judge-db", "beta");
            var pagedVersions = new List<string>();
            for (var i = 0; i < 27; i++)
            {
                pagedVersions.Add(await SetAsync(provider, "judge-paged", $"v{i}"));
            }

            using var latest = await provider.GetSecretAsync(SecretReference.Parse("azure-kv://judge-db"));
            using var pinned = await provider.GetSecretAsync(SecretReference.Parse($"azure-kv://judge-db?version={alpha}"));
            var pagedLatest = await provider.GetPropertiesAsync(SecretReference.Parse("azure-kv://judge-paged"));

            var node = await NodeJudge.RunAsync(
                "azure/scenario.mjs",
                new Dictionary<string, string> { ["NODE_EXTRA_CA_CERTS"] = pem },
                vault.Emulator.VaultUri.ToString(),
                vault.Emulator.TestToken,
                "judge-db",
                alpha,
                "judge-paged",
                "judge-missing",
                "judge-node");

            // Set (by the judge), read by the adapter.
            using var written = await provider.GetSecretAsync(SecretReference.Parse("azure-kv://judge-node"));
            Assert.Equal("written-by-node", written.Value.ExposeAsString());
            Assert.Equal(node.GetProperty("set").GetProperty("version").GetString(), written.Properties.Version);
            Assert.Equal(node.GetProperty("set").GetProperty("contentType").GetString(), written.Properties.ContentType);
            Assert.Equal("node", written.Properties.Tags["origin"]);

            // Get latest and get a version.
            Assert.Equal(latest.Value.ExposeAsString(), node.GetProperty("latest").GetProperty("value").GetString());
            Assert.Equal(latest.Properties.Version, node.GetProperty("latest").GetProperty("version").GetString());
            Assert.Equal(beta, latest.Properties.Version);
            Assert.Equal(pinned.Value.ExposeAsString(), node.GetProperty("pinned").GetProperty("value").GetString());
            Assert.Equal(pinned.Properties.Version, node.GetProperty("pinned").GetProperty("version").GetString());

            // List versions with paging: the judge sees every version we wrote, over several pages, newest last.
            var versions = node.GetProperty("versions");
            Assert.Equal(3, versions.GetProperty("pages").GetInt32());
            var ids = versions.GetProperty("ids").EnumerateArray().Select(e => e.GetString()!).ToList();
            Assert.Equal(pagedVersions, ids);
            Assert.Equal(pagedLatest.Version, ids[^1]);

            // Listing: the judge listed before disabling; our adapter lists after and leaves the disabled secret out.
            var listed = new List<string>();
            await foreach (var item in provider.ListSecretsAsync())
            {
                listed.Add(item.Name);
            }

            Assert.DoesNotContain("judge-db", listed);
            Assert.Equal(node.GetProperty("listed").EnumerateArray().Select(e => e.GetString()!), listed.Append("judge-db").Order(StringComparer.OrdinalIgnoreCase));

            // Disable: the judge disabled the latest version; both see it refused.
            var disabled = node.GetProperty("disabled");
            Assert.Equal(403, disabled.GetProperty("status").GetInt32());
            Assert.Equal("Forbidden", disabled.GetProperty("code").GetString());
            Assert.Contains("disabled", disabled.GetProperty("message").GetString(), StringComparison.Ordinal);
            var ours = await Assert.ThrowsAsync<SecretNotFoundException>(() => provider.GetSecretAsync(SecretReference.Parse("azure-kv://judge-db")).AsTask());
            Assert.Equal("SecretDisabled", ours.ErrorCode);
            Assert.Null(ours.InnerException); // refused from the version's metadata, before the value is asked for
            await using var unscoped = vault.CreateProvider(o => o.EnvironmentTagName = null);
            var direct = await Assert.ThrowsAsync<SecretNotFoundException>(() => unscoped.GetSecretAsync(SecretReference.Parse("azure-kv://judge-db")).AsTask());
            var oursOnTheWire = Assert.IsType<RequestFailedException>(direct.InnerException);
            Assert.Equal(disabled.GetProperty("status").GetInt32(), oursOnTheWire.Status);
            Assert.Equal(disabled.GetProperty("code").GetString(), oursOnTheWire.ErrorCode);

            // Not found.
            var notFound = node.GetProperty("notFound");
            Assert.Equal(404, notFound.GetProperty("status").GetInt32());
            var missing = await Assert.ThrowsAsync<SecretNotFoundException>(() => provider.GetSecretAsync(SecretReference.Parse("azure-kv://judge-missing")).AsTask());
            Assert.Equal(notFound.GetProperty("code").GetString(), missing.ErrorCode);
        }
        finally
        {
            File.Delete(pem);
        }
    }

    private static async Task<string> SetAsync(AzureKeyVaultSecretProvider provider, string name, string text)
    {
        using var value = SecretValue.FromText(text);
        return (await provider.SetSecretAsync(name, value)).Version!;
    }
}
