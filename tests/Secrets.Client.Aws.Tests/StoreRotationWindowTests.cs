using Secrets.Client.Testing;
using static Secrets.Client.Aws.Tests.TestSupport;

namespace Secrets.Client.Aws.Tests;

/// <summary>The store's rotation window over AWS: <c>AWSPREVIOUS</c> read through the cache, switchable off after a leak.</summary>
public sealed class StoreRotationWindowTests
{
    [Fact]
    public async Task Rotate_now_through_the_store_then_current_and_AWSPREVIOUS_are_accepted_until_the_previous_is_switched_off()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        emulator.CreateSecret("leaked", "leaked-value");
        var old = emulator.GetVersionId("leaked");
        await using var store = new SecretStore([CreateProvider(emulator)], new SecretStoreOptions { Environment = "Development" });
        var reference = Ref("leaked");
        _ = await store.GetSecretAsync(reference);

        var rotated = await store.RotateSecretAsync(reference);
        var window = await store.GetRotationWindowAsync(reference);

        Assert.Equal(rotated.Version, window.Current.Properties.Version);
        Assert.Equal(old, window.Previous!.Properties.Version);
        Assert.True(window.Matches(Utf8("leaked-value")));
        Assert.True(window.Matches(window.Current.Value.ExposeAsBytes()));

        store.SetPreviousVersionAccepted(reference, accepted: false);
        var narrowed = await store.GetRotationWindowAsync(reference);

        Assert.Null(narrowed.Previous);
        Assert.False(narrowed.Matches(Utf8("leaked-value")));
        Assert.DoesNotContain("leaked-value", narrowed.ToString(), StringComparison.Ordinal);
    }
}
