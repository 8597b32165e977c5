namespace Secrets.Client.Azure.Tests;

/// <summary>The store's rotation window over Key Vault: the previous version is the newest usable one created before the current one.</summary>
public sealed class StoreRotationWindowTests
{
    [Fact]
    public async Task Current_and_previous_version_are_accepted_until_the_previous_is_switched_off()
    {
        await using var vault = await KeyVaultHarness.StartAsync();
        vault.Emulator.SetSecret("api-key", "one");
        vault.Emulator.SetSecret("api-key", "two");
        await using var store = new SecretStore([vault.CreateProvider()], new SecretStoreOptions { Environment = "Development" });
        var reference = SecretReference.Parse("azure-kv://main/api-key");

        var window = await store.GetRotationWindowAsync(reference);

        Assert.Equal("two", window.Current.Value.ExposeAsString());
        Assert.Equal("one", window.Previous!.Value.ExposeAsString());

        store.SetPreviousVersionAccepted(reference, accepted: false);
        Assert.Null((await store.GetRotationWindowAsync(reference)).Previous);
    }
}
