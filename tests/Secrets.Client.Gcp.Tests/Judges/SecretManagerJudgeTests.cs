namespace Secrets.Client.Gcp.Tests.Judges;

/// <summary>
/// The official <c>@google-cloud/secret-manager</c> client (npm, REST fallback over plain HTTP to the loopback emulator)
/// and our adapter run the same scenario against one emulator and must give the same answers: access latest and a pinned
/// version, version metadata, list with paging, create and add a checksummed version, a bad checksum, disable, not found.
/// </summary>
public sealed class SecretManagerJudgeTests
{
    [Fact]
    public async Task Official_node_client_and_our_adapter_agree()
    {
        await using var sm = await GcpHarness.StartAsync();
        await using var provider = sm.CreateProvider();
        var project = sm.Emulator.ProjectId;

        // The adapter writes; both read.
        await SetAsync(provider, "judge-db", "alpha");
        await SetAsync(provider, "judge-db", "beta");
        for (var i = 0; i < 5; i++)
        {
            await SetAsync(provider, $"judge-list-{i}", "x");
        }

        await SetAsync(provider, "not-judge-list-0", "x");
        using var latest = await provider.GetSecretAsync(SecretReference.Parse("gcp-sm://judge-db"));
        using var pinned = await provider.GetSecretAsync(SecretReference.Parse("gcp-sm://judge-db?version=1"));
        var latestProperties = await provider.GetPropertiesAsync(SecretReference.Parse("gcp-sm://judge-db"));
        var ourList = new List<string>();
        await foreach (var item in provider.ListSecretsAsync("judge-list-"))
        {
            ourList.Add(item.Name);
        }

        var node = await NodeJudge.RunAsync(
            "gcp/scenario.mjs",
            new Dictionary<string, string>(),
            sm.Emulator.Endpoint.ToString(),
            sm.Emulator.TestToken,
            project,
            "judge-db",
            "judge-list-",
            "judge-missing",
            "judge-node");

        // Access latest and a pinned version.
        var nodeLatest = node.GetProperty("latest");
        Assert.Equal(latest.Value.ExposeAsString(), nodeLatest.GetProperty("value").GetString());
        Assert.Equal($"projects/{project}/secrets/judge-db/versions/{latest.Properties.Version}", nodeLatest.GetProperty("name").GetString());
        Assert.True(nodeLatest.GetProperty("crcMatches").GetBoolean());
        Assert.Equal(pinned.Value.ExposeAsString(), node.GetProperty("pinned").GetProperty("value").GetString());
        Assert.EndsWith("/versions/" + pinned.Properties.Version, node.GetProperty("pinned").GetProperty("name").GetString(), StringComparison.Ordinal);

        // Version metadata: the same version, enabled (the client decodes the enum as a name or its number 1).
        Assert.EndsWith("/versions/" + latestProperties.Version, node.GetProperty("latestMeta").GetProperty("name").GetString(), StringComparison.Ordinal);
        Assert.Contains(node.GetProperty("latestMeta").GetProperty("state").GetString(), new[] { "ENABLED", "1" });

        // Listing with paging: the service's "name:" filter matches anywhere; we also keep only true prefixes.
        var nodeList = node.GetProperty("list");
        Assert.Equal(3, nodeList.GetProperty("pages").GetInt32());
        var nodeNames = nodeList.GetProperty("names").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal(ourList.Append("not-judge-list-0").Order(StringComparer.Ordinal), nodeNames.Order(StringComparer.Ordinal));

        // The judge created a secret and added a checksummed version; the adapter reads it.
        using var written = await provider.GetSecretAsync(SecretReference.Parse("gcp-sm://judge-node"));
        Assert.Equal("written-by-node", written.Value.ExposeAsString());
        Assert.EndsWith("/versions/" + written.Properties.Version, node.GetProperty("added").GetProperty("name").GetString(), StringComparison.Ordinal);
        await using (var scoped = sm.CreateProvider(o => o.EnvironmentLabelName = "environment"))
        {
            var properties = await scoped.GetPropertiesAsync(SecretReference.Parse("gcp-sm://judge-node"));
            Assert.Equal("node", properties.Tags["origin"]);
        }

        // A wrong checksum from the official client is refused with INVALID_ARGUMENT (3).
        Assert.Equal(3, node.GetProperty("badChecksum").GetProperty("code").GetInt32());

        // The judge disabled version 1: FAILED_PRECONDITION (9) for it, SecretVersionDisabled for us.
        Assert.Equal(9, node.GetProperty("disabled").GetProperty("code").GetInt32());
        var disabled = await Assert.ThrowsAsync<SecretNotFoundException>(() => provider.GetSecretAsync(SecretReference.Parse("gcp-sm://judge-db?version=1")).AsTask());
        Assert.Equal("SecretVersionDisabled", disabled.ErrorCode);

        // Not found: NOT_FOUND (5) for it, NOT_FOUND for us.
        Assert.Equal(5, node.GetProperty("notFound").GetProperty("code").GetInt32());
        var missing = await Assert.ThrowsAsync<SecretNotFoundException>(() => provider.GetSecretAsync(SecretReference.Parse("gcp-sm://judge-missing")).AsTask());
        Assert.Equal("NOT_FOUND", missing.ErrorCode);
    }

    private static async Task SetAsync(GcpSecretManagerSecretProvider provider, string name, string text)
    {
        using var value = SecretValue.FromText(text);
        await provider.SetSecretAsync(name, value);
    }
}
