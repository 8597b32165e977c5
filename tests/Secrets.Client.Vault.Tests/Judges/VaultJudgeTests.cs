using System.Text.Json;

namespace Secrets.Client.Vault.Tests.Judges;

/// <summary>
/// The <c>node-vault</c> client (npm) and our adapter run the same scenario against one emulator and must give the same
/// answers: AppRole and Kubernetes login, write, read latest and a version, metadata, list, not found.
/// </summary>
public sealed class VaultJudgeTests
{
    [Fact]
    public async Task Node_vault_and_our_adapter_agree()
    {
        await using var vault = await VaultHarness.StartAsync();
        await using var provider = vault.CreateProvider(vault.UseAppRole);

        // The adapter writes; both read.
        var alpha = await SetAsync(provider, "secret/judge/db", """{"user":"app","password":"alpha"}""");
        var beta = await SetAsync(provider, "secret/judge/db", """{"user":"app","password":"beta","port":5432}""");
        await SetAsync(provider, "secret/judge/nested/deep", """{"x":"y"}""");
        using var latest = await provider.GetSecretAsync(SecretReference.Parse("vault://secret/judge/db"));
        using var pinned = await provider.GetSecretAsync(SecretReference.Parse($"vault://secret/judge/db?version={alpha}"));
        var properties = await provider.GetPropertiesAsync(SecretReference.Parse("vault://secret/judge/db"));

        var node = await NodeJudge.RunAsync(
            "vault/scenario.mjs",
            vault.Emulator.Address.ToString(),
            vault.Emulator.AppRoleRoleId,
            vault.Emulator.AppRoleSecretId,
            vault.Emulator.KubernetesRole,
            vault.Emulator.KubernetesJwt,
            "secret",
            "judge",
            "db",
            alpha,
            "missing",
            "from-node");

        // AppRole login gave a renewable token with a lease.
        Assert.True(node.GetProperty("approle").GetProperty("tokenSet").GetBoolean());
        Assert.True(node.GetProperty("approle").GetProperty("lease").GetInt64() > 0);

        // Written by the judge, read by the adapter.
        using var written = await provider.GetSecretAsync(SecretReference.Parse("vault://secret/judge/from-node#written"));
        using var writtenField = written.Value.GetJsonField("written");
        Assert.Equal("by-node", writtenField.ExposeAsString());
        Assert.Equal(node.GetProperty("set").GetProperty("version").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture), written.Properties.Version);

        // Latest and pinned: same data object and version number.
        AssertSameJson(node.GetProperty("latest").GetProperty("data"), latest.Value.ExposeAsString());
        Assert.Equal(beta, node.GetProperty("latest").GetProperty("version").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(latest.Properties.Version, beta);
        AssertSameJson(node.GetProperty("pinned").GetProperty("data"), pinned.Value.ExposeAsString());
        Assert.Equal(alpha, node.GetProperty("pinned").GetProperty("version").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture));

        // Metadata: the change token is the current version.
        Assert.Equal(properties.Version, node.GetProperty("metadata").GetProperty("currentVersion").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture));

        // Listing: node lists one level (folders end in '/'); our listing descends into them.
        var nodeKeys = node.GetProperty("listed").EnumerateArray().Select(e => e.GetString()!).ToList();
        var ours = new List<string>();
        await foreach (var item in provider.ListSecretsAsync("secret/judge/"))
        {
            ours.Add(item.Name["secret/judge/".Length..]);
        }

        Assert.Equal(["db", "from-node", "nested/"], nodeKeys);
        Assert.Equal(nodeKeys.Where(k => !k.EndsWith('/')), ours.Where(n => !n.Contains('/', StringComparison.Ordinal)));
        Assert.Equal(["nested/deep"], ours.Where(n => n.Contains('/', StringComparison.Ordinal)));

        // Not found: both see 404.
        Assert.Equal(404, node.GetProperty("notFound").GetProperty("status").GetInt32());
        await Assert.ThrowsAsync<SecretNotFoundException>(() => provider.GetSecretAsync(SecretReference.Parse("vault://secret/judge/missing")).AsTask());

        // Kubernetes login through node-vault works with the emulator's role and JWT, as it does for our adapter.
        Assert.True(node.GetProperty("kubernetes").GetProperty("tokenSet").GetBoolean());
        Assert.Equal(beta, node.GetProperty("kubernetes").GetProperty("version").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture));
        await using var kubernetes = vault.CreateProvider();
        using var viaKubernetes = await kubernetes.GetSecretAsync(SecretReference.Parse("vault://secret/judge/db"));
        Assert.Equal(latest.Value.ExposeAsString(), viaKubernetes.Value.ExposeAsString());

        // A bad JWT: node sees 403 "permission denied"; we report access denied quoting the same error.
        var badJwt = node.GetProperty("badJwt");
        Assert.Equal(403, badJwt.GetProperty("status").GetInt32());
        await File.WriteAllTextAsync(vault.JwtPath, "not-the-jwt");
        await using var refused = vault.CreateProvider();
        var denied = await Assert.ThrowsAsync<SecretAccessDeniedException>(() => refused.GetSecretAsync(SecretReference.Parse("vault://secret/judge/db")).AsTask());
        Assert.Contains(badJwt.GetProperty("message").GetString()!, denied.Message, StringComparison.Ordinal);
    }

    private static void AssertSameJson(JsonElement expected, string actual)
    {
        using var document = JsonDocument.Parse(actual);
        Assert.True(JsonElement.DeepEquals(expected, document.RootElement), $"node saw {expected.GetRawText()}, we saw a different object");
    }

    private static async Task<string> SetAsync(HashiCorpVaultSecretProvider provider, string name, string json)
    {
        using var value = SecretValue.FromText(json);
        return (await provider.SetSecretAsync(name, value)).Version!;
    }
}
