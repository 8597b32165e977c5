using System.Security.Cryptography;
using System.Text;
using Secrets.Client.Local;
using Secrets.Client.Testing;
using Secrets.Client.Tests.Shared;

namespace Secrets.Client.Doppler.Tests;

public sealed class DopplerCliTests
{
    private static byte[] U(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task Reads_the_downloaded_config_and_follows_edits()
    {
        using var doppler = new DopplerStandIn();
        doppler.SetConfig("shop", "dev", U("""{"STRIPE_KEY":"sk_test_1","DATABASE_URL":"postgres://x","DOPPLER_CONFIG":"dev"}"""));
        await using var provider = new DopplerSecretProvider(doppler.Options());
        var stripe = SecretReference.Parse("doppler://STRIPE_KEY");
        var before = await provider.GetPropertiesAsync(stripe);
        var database = await provider.GetPropertiesAsync(SecretReference.Parse("doppler://DATABASE_URL"));

        doppler.SetConfig("shop", "dev", U("""{"STRIPE_KEY":"sk_test_2","DATABASE_URL":"postgres://x","DOPPLER_CONFIG":"dev"}"""));

        Assert.NotEqual(before.Version, (await provider.GetPropertiesAsync(stripe)).Version);
        Assert.Equal(database.Version, (await provider.GetPropertiesAsync(SecretReference.Parse("doppler://DATABASE_URL"))).Version);
        using var secret = await provider.GetSecretAsync(stripe);
        Assert.Equal("sk_test_2", secret.Value.ExposeAsString());
        Assert.All(doppler.Calls, call => Assert.Equal("secrets download --no-file --format json --no-fallback", call));
    }

    [Fact]
    public async Task Not_logged_in_is_access_denied_telling_how_to_log_in()
    {
        using var doppler = new DopplerStandIn();
        doppler.LoggedOut = true;
        await using var provider = new DopplerSecretProvider(doppler.Options());

        var error = await Assert.ThrowsAsync<SecretAccessDeniedException>(() => provider.GetSecretAsync(SecretReference.Parse("doppler://STRIPE_KEY")).AsTask());

        Assert.Equal("NotSignedIn", error.ErrorCode);
        Assert.Contains("doppler login", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_config_is_not_found()
    {
        using var doppler = new DopplerStandIn();
        doppler.SetConfig("shop", "dev", U("{}"));
        var options = doppler.Options();
        options.Project = "shop";
        options.Config = "nope";
        await using var provider = new DopplerSecretProvider(options);

        var error = await Assert.ThrowsAsync<SecretNotFoundException>(() => provider.GetSecretAsync(SecretReference.Parse("doppler://STRIPE_KEY")).AsTask());

        Assert.Contains("Could not find requested config 'nope'", error.Message, StringComparison.Ordinal);
        Assert.Contains("--project shop --config nope", doppler.Calls[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_doppler_is_a_typed_error()
    {
        await using var provider = new DopplerSecretProvider(new DopplerSecretProviderOptions { Transport = DopplerTransport.Cli, ExecutablePath = "/nonexistent/doppler", Environment = "Development" });

        var error = await Assert.ThrowsAsync<SecretToolNotFoundException>(() => provider.GetSecretAsync(SecretReference.Parse("doppler://A")).AsTask());

        Assert.Equal("Doppler CLI", error.Tool);
    }

    [Fact]
    public async Task The_CLI_is_refused_in_Production_and_a_Production_scoped_reference_starts_no_process()
    {
        Assert.Throws<SecretEnvironmentScopeException>(() => new DopplerSecretProvider(new DopplerSecretProviderOptions { Transport = DopplerTransport.Cli, Environment = "Production" }));

        using var doppler = new DopplerStandIn();
        doppler.SetConfig("shop", "dev", U("""{"A":"1"}"""));
        await using var store = new SecretStore([new DopplerSecretProvider(doppler.Options())], new SecretStoreOptions { Environment = "Development" });
        await Assert.ThrowsAsync<SecretEnvironmentScopeException>(() => store.GetSecretAsync("doppler://A?env=Production").AsTask());
        Assert.Empty(doppler.Calls);
    }

    [Fact]
    public async Task No_value_read_through_the_CLI_or_the_API_is_left_as_a_managed_string()
    {
        var canary = Encoding.ASCII.GetBytes("CANARY" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12)));
        using (var doppler = new DopplerStandIn())
        {
            doppler.SetConfig("shop", "dev", [.. U("{\"TOKEN\":\""), .. canary, .. U("\"}")]);
            await using var provider = new DopplerSecretProvider(doppler.Options());
            using var secret = await provider.GetSecretAsync(SecretReference.Parse("doppler://TOKEN"));
            Assert.True(secret.Value.Use(canary, static (bytes, expected) => bytes.SequenceEqual(expected)));
            var allowed = new HashSet<string>(["PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TMPDIR", "XDG_CONFIG_HOME", "DOPPLER_TOKEN", "DOPPLER_PROJECT", "DOPPLER_CONFIG", "DOPPLER_API_HOST", "DOPPLER_CONFIG_DIR", "DOPPLER_ENABLE_VERSION_CHECK", "PWD", "SHLVL", "_"], StringComparer.Ordinal);
            Assert.All(doppler.EnvironmentNames, name => Assert.Contains(name, allowed));
        }

        await ReadThroughApiAsync(canary);

        Assert.Equal(0, ManagedHeap.CountStringsContaining(Encoding.ASCII.GetChars(canary)));
    }

    private static async Task ReadThroughApiAsync(byte[] canary)
    {
        await using var emulator = await DopplerEmulator.StartAsync();
        emulator.SetSecret("shop", "dev", "TOKEN", Encoding.ASCII.GetString(canary));
        var token = emulator.CreateServiceToken("shop", "dev");
        await using (var provider = new DopplerSecretProvider(new DopplerSecretProviderOptions { Endpoint = emulator.Address, ServiceToken = token }))
        {
            using var secret = await provider.GetSecretAsync(SecretReference.Parse("doppler://TOKEN"));
            Assert.True(secret.Value.Use(canary, static (bytes, expected) => bytes.SequenceEqual(expected)));
        }

        emulator.DeleteSecret("shop", "dev", "TOKEN");
    }
}
