namespace Secrets.Client.Gcp.Tests;

/// <summary>The store's rotation window over Secret Manager: the previous version is version n-1, read through the cache.</summary>
public sealed class StoreRotationWindowTests
{
    [Fact]
    public async Task Current_and_previous_version_are_accepted_until_the_previous_is_switched_off()
    {
        await using var sm = await GcpHarness.StartAsync();
        sm.Emulator.AddVersion("api-key", "first");
        sm.Emulator.AddVersion("api-key", "second");
        await using var store = new SecretStore([sm.CreateProvider()], new SecretStoreOptions { Environment = "Development" });
        var reference = SecretReference.Parse("gcp-sm://api-key");

        var window = await store.GetRotationWindowAsync(reference);

        Assert.Equal("second", window.Current.Value.ExposeAsString());
        Assert.Equal("first", window.Previous!.Value.ExposeAsString());

        store.SetPreviousVersionAccepted(reference, accepted: false);
        Assert.Null((await store.GetRotationWindowAsync(reference)).Previous);
    }
}
