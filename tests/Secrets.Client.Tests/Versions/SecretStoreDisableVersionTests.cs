namespace Secrets.Client.Tests.Versions;

/// <summary>What disabling a version does to reads already in flight (gated backend, fake clock, no sleeps).</summary>
public class SecretStoreDisableVersionTests
{
    private static readonly TimeSpan Failsafe = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_read_by_stage_in_flight_when_a_version_is_disabled_answers_its_caller_but_is_not_cached()
    {
        await using var f = new ScriptedStoreFixture();
        f.Provider.Set("db", "leaked");
        var previous = SecretReference.Parse("fake://db?stage=AWSPREVIOUS");
        var hold = f.Provider.HoldNext("get", "db");
        var read = f.Store.GetSecretAsync(previous).AsTask();
        await hold.Entered.WaitAsync(Failsafe);

        await f.Store.DisableSecretVersionAsync(SecretReference.Parse("fake://db?version=1"));
        hold.Release();
        Assert.Equal("1", (await read.WaitAsync(Failsafe)).Properties.Version); // the caller gets what the backend served then

        // Not cached: the next read asks the backend again instead of serving the disabled version from memory.
        await f.Store.GetSecretAsync(previous);
        Assert.Equal(2, f.Provider.Calls("get", "db"));
        Assert.Equal(1, f.Provider.Calls("disable", "db"));
    }
}
