namespace Secrets.Client.Vault.Tests;

/// <summary>The store's rotation window over Vault KV v2: the previous version is version n-1, read through the cache.</summary>
public sealed class StoreRotationWindowTests
{
    [Fact]
    public async Task Current_and_previous_version_are_accepted_until_the_previous_is_switched_off()
    {
        await using var vault = await VaultHarness.StartAsync();
        vault.Emulator.WriteSecret("secret", "app/key", new Dictionary<string, string> { ["v"] = "one" });
        vault.Emulator.WriteSecret("secret", "app/key", new Dictionary<string, string> { ["v"] = "two" });
        await using var store = new SecretStore([vault.CreateProvider()], new SecretStoreOptions { Environment = "Development" });
        var reference = SecretReference.Parse("vault://secret/app/key#v");

        var window = await store.GetRotationWindowAsync(reference);

        Assert.Equal("two", window.Current.Value.ExposeAsString());
        Assert.Equal("one", window.Previous!.Value.ExposeAsString());

        store.SetPreviousVersionAccepted(reference, accepted: false);
        Assert.Null((await store.GetRotationWindowAsync(reference)).Previous);
    }
}
