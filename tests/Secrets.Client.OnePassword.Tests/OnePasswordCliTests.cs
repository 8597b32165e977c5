using System.Text;
using Secrets.Client.Local;

namespace Secrets.Client.OnePassword.Tests;

public sealed class OnePasswordCliTests
{
    private static byte[] U(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task Reads_fields_by_label_and_section_and_files_by_name_with_op_references_as_1Password_writes_them()
    {
        using var op = new OpStandIn();
        op.SetItem("dev", "Stripe", 3, [(null, "publishable-key", U("pk_test_123")), ("Admin", "email", U("ops@example.com")), (null, "password", U("p\"q\\r\nline two ✓"))], [("key.pem", U("-----BEGIN KEY-----"))]);
        await using var provider = new OnePasswordSecretProvider(op.Options());

        using var key = await provider.GetSecretAsync(SecretReference.Parse("op://dev/Stripe/publishable-key"));
        using var email = await provider.GetSecretAsync(SecretReference.Parse("op://dev/stripe/admin/EMAIL"));
        using var password = await provider.GetSecretAsync(SecretReference.Parse("op://dev/Stripe/password"));
        using var file = await provider.GetSecretAsync(SecretReference.Parse("op://dev/Stripe/key.pem"));

        Assert.Equal("pk_test_123", key.Value.ExposeAsString());
        Assert.Equal("ops@example.com", email.Value.ExposeAsString());
        Assert.Equal("p\"q\\r\nline two ✓", password.Value.ExposeAsString());
        Assert.Equal("-----BEGIN KEY-----", file.Value.ExposeAsString());
        Assert.Equal("3", key.Properties.Version);
        Assert.Contains(op.Calls, call => call.StartsWith("read --no-newline op://", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Several_fields_of_one_item_and_a_start_up_load_cost_one_process_per_item()
    {
        using var op = new OpStandIn();
        op.SetItem("dev", "db", 1, (null, "username", U("app")), (null, "password", U("pw")), (null, "host", U("localhost")));
        op.SetItem("dev", "api", 1, (null, "token", U("tok")));
        await using var provider = new OnePasswordSecretProvider(op.Options());
        var references = new[] { "op://dev/db/username", "op://dev/db/password", "op://dev/api/token", "op://dev/db/host", "op://dev/db/missing" }.Select(SecretReference.Parse).ToList();

        var results = await provider.GetSecretsAsync(references);

        Assert.Equal(2, op.Calls.Count);
        Assert.Equal(["app", "pw", "tok", "localhost"], results.Take(4).Select(r => r.Secret!.Value.ExposeAsString()));
        Assert.IsType<SecretNotFoundException>(results[4].Error);
        foreach (var result in results)
        {
            result.Secret?.Dispose();
        }
    }

    [Fact]
    public async Task A_new_item_version_is_seen_by_the_change_check()
    {
        using var op = new OpStandIn();
        op.SetItem("dev", "db", 1, (null, "password", U("first")));
        await using var provider = new OnePasswordSecretProvider(op.Options());
        var reference = SecretReference.Parse("op://dev/db/password");
        var before = await provider.GetPropertiesAsync(reference);

        op.SetItem("dev", "db", 2, (null, "password", U("second")));

        Assert.NotEqual(before.ChangeToken, (await provider.GetPropertiesAsync(reference)).ChangeToken);
    }

    [Fact]
    public async Task Not_signed_in_is_access_denied_telling_how_to_sign_in()
    {
        using var op = new OpStandIn();
        op.SignedOut = true;
        await using var provider = new OnePasswordSecretProvider(op.Options());

        var error = await Assert.ThrowsAsync<SecretAccessDeniedException>(() => provider.GetSecretAsync(SecretReference.Parse("op://dev/db/password")).AsTask());

        Assert.Equal("NotSignedIn", error.ErrorCode);
        Assert.Contains("op signin", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("op://nope/db/password", "isn't a vault")]
    [InlineData("op://dev/nope/password", "isn't an item")]
    [InlineData("op://dev/db/nope", "no field or file 'nope'")]
    public async Task A_wrong_reference_is_not_found_with_1Passwords_reason(string reference, string reason)
    {
        using var op = new OpStandIn();
        op.SetItem("dev", "db", 1, (null, "password", U("pw")));
        await using var provider = new OnePasswordSecretProvider(op.Options());

        var error = await Assert.ThrowsAsync<SecretNotFoundException>(() => provider.GetSecretAsync(SecretReference.Parse(reference)).AsTask());

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("op://dev/db")]
    [InlineData("op://dev/db/a/b/c")]
    public async Task A_reference_without_vault_item_and_field_is_invalid_before_any_process_starts(string reference)
    {
        using var op = new OpStandIn();
        await using var provider = new OnePasswordSecretProvider(op.Options());

        await Assert.ThrowsAsync<InvalidSecretReferenceException>(() => provider.GetSecretAsync(SecretReference.Parse(reference)).AsTask());
        Assert.Empty(op.Calls);
    }

    [Fact]
    public async Task A_missing_op_is_a_typed_error_naming_the_tool()
    {
        var options = new OnePasswordSecretProviderOptions { ExecutablePath = "/nonexistent/op", Environment = "Development" };
        await using var provider = new OnePasswordSecretProvider(options);

        var error = await Assert.ThrowsAsync<SecretToolNotFoundException>(() => provider.GetSecretAsync(SecretReference.Parse("op://dev/db/password")).AsTask());

        Assert.Equal("1Password CLI", error.Tool);
    }

    [Fact]
    public async Task A_hung_op_is_killed_after_the_timeout()
    {
        using var op = new OpStandIn();
        op.Hang = true;
        var options = op.Options();
        options.CommandTimeout = TimeSpan.FromMilliseconds(300);
        await using var provider = new OnePasswordSecretProvider(options);

        var error = await Assert.ThrowsAsync<SecretUnavailableException>(() => provider.GetSecretAsync(SecretReference.Parse("op://dev/db/password")).AsTask());

        Assert.Contains("was killed", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(System.Diagnostics.Process.GetProcessesByName("sleep"), p => SafeCommandLine(p).Contains(op.Directory, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_child_environment_holds_only_what_op_needs()
    {
        using var op = new OpStandIn();
        op.SetItem("dev", "db", 1, (null, "password", U("pw")));
        await using var provider = new OnePasswordSecretProvider(op.Options());

        (await provider.GetSecretAsync(SecretReference.Parse("op://dev/db/password"))).Dispose();

        var allowed = OpCliTransport.InheritedVariables.Where(n => !n.EndsWith('*')).Concat(["PWD", "SHLVL", "_"]).ToHashSet(StringComparer.Ordinal);
        Assert.All(op.EnvironmentNames, name => Assert.True(allowed.Contains(name) || name.StartsWith("OP_SESSION_", StringComparison.Ordinal), $"unexpected variable {name}"));
        Assert.True(Environment.GetEnvironmentVariables().Count > op.EnvironmentNames.Count);
    }

    [Fact]
    public void The_CLI_is_refused_in_Production_unless_allowed()
    {
        var options = new OnePasswordSecretProviderOptions { Environment = "Production" };
        Assert.Throws<SecretEnvironmentScopeException>(() => new OnePasswordSecretProvider(options));
        options.AllowInProduction = true;
        _ = new OnePasswordSecretProvider(options);
    }

    [Fact]
    public async Task A_reference_scoped_to_Production_is_refused_before_any_process_starts()
    {
        using var op = new OpStandIn();
        op.SetItem("dev", "db", 1, (null, "password", U("pw")));
        await using var store = new SecretStore([new OnePasswordSecretProvider(op.Options())], new SecretStoreOptions { Environment = "Development" });

        await Assert.ThrowsAsync<SecretEnvironmentScopeException>(() => store.GetSecretAsync("op://dev/db/password?env=Production").AsTask());

        Assert.Empty(op.Calls);
    }

    private static string SafeCommandLine(System.Diagnostics.Process process)
    {
        try
        {
            return File.ReadAllText($"/proc/{process.Id}/cmdline");
        }
        catch (IOException)
        {
            return string.Empty;
        }
        catch (UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }
}
