using Secrets.Client.Testing;
using static Secrets.Client.Aws.Tests.TestSupport;

namespace Secrets.Client.Aws.Tests;

/// <summary>Disabling a version on the Secrets Manager emulator: every staging label leaves it, AWSCURRENT is refused.</summary>
public sealed class AwsDisableSecretVersionTests
{
    [Fact]
    public async Task Every_staging_label_leaves_the_version_and_no_stage_read_returns_it_any_more()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        emulator.CreateSecret("leak/db", Canary + "-1");
        emulator.PutSecretValue("leak/db", Canary + "-2");
        var pending = emulator.PutSecretValue("leak/db", Canary + "-3", "AWSPENDING", "blue");
        var audit = new RecordingAuditSink();
        await using var store = new SecretStore([CreateProvider(emulator)], new SecretStoreOptions { Environment = "Development" }, auditSink: audit);
        using (var held = await store.GetSecretAsync(Ref("leak/db", stage: "blue")))
        {
            Assert.Equal(pending, held.Properties.Version);
        }

        await store.DisableSecretVersionAsync(Ref("leak/db", version: pending));

        Assert.Equal(2, emulator.GetRequestCount("UpdateSecretVersionStage"));
        Assert.Null(emulator.GetVersionId("leak/db", "AWSPENDING"));
        Assert.Null(emulator.GetVersionId("leak/db", "blue"));
        // The store held the version through the "blue" stage: that cached value is gone, and the backend no longer stages it.
        await Assert.ThrowsAsync<SecretNotFoundException>(() => store.GetSecretAsync(Ref("leak/db", stage: "blue")).AsTask());
        Assert.Contains(audit.Records, r => r.Kind == SecretAccessKind.Disable && r.Outcome == SecretAuditOutcome.Success && r.Version == pending && r.SecretName == "leak/db");
    }

    [Fact]
    public async Task The_previous_version_loses_AWSPREVIOUS_and_leaves_the_rotation_window_and_a_second_call_changes_nothing()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        emulator.CreateSecret("leak/api", Canary + "-1");
        var leaked = emulator.GetVersionId("leak/api")!;
        emulator.PutSecretValue("leak/api", Canary + "-2");
        await using var store = new SecretStore([CreateProvider(emulator)], new SecretStoreOptions { Environment = "Development" });
        Assert.Equal(leaked, (await store.GetRotationWindowAsync(Ref("leak/api"))).Previous?.Properties.Version);

        await store.DisableSecretVersionAsync(Ref("leak/api", version: leaked));
        await store.DisableSecretVersionAsync(Ref("leak/api", version: leaked));

        Assert.Null(emulator.GetVersionId("leak/api", "AWSPREVIOUS"));
        Assert.Equal(1, emulator.GetRequestCount("UpdateSecretVersionStage"));
        Assert.Null((await store.GetRotationWindowAsync(Ref("leak/api"))).Previous);
    }

    [Fact]
    public async Task The_AWSCURRENT_version_is_refused_with_a_typed_error_before_any_label_moves()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        emulator.CreateSecret("leak/current", Canary + "-1");
        var current = emulator.PutSecretValue("leak/current", Canary + "-2");
        var audit = new RecordingAuditSink();
        await using var store = new SecretStore([CreateProvider(emulator)], new SecretStoreOptions { Environment = "Development" }, auditSink: audit);

        var error = await Assert.ThrowsAsync<SecretVersionInUseException>(() => store.DisableSecretVersionAsync(Ref("leak/current", version: current)).AsTask());

        Assert.Equal(current, error.Version);
        Assert.Equal("aws-sm", error.Provider);
        Assert.Contains("AWSCURRENT", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, error.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, emulator.GetRequestCount("UpdateSecretVersionStage"));
        Assert.Equal(current, emulator.GetVersionId("leak/current"));
        Assert.Contains(audit.Records, r => r.Kind == SecretAccessKind.Disable && r.Outcome != SecretAuditOutcome.Success && r.ErrorType == nameof(SecretVersionInUseException));
    }

    [Fact]
    public async Task An_unknown_version_is_not_found_and_a_reference_without_a_version_is_invalid()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        emulator.CreateSecret("leak/other", "v1");
        await using var store = new SecretStore([CreateProvider(emulator)], new SecretStoreOptions { Environment = "Development" });

        await Assert.ThrowsAsync<SecretNotFoundException>(() => store.DisableSecretVersionAsync(Ref("leak/other", version: "00000000-0000-0000-0000-000000000000")).AsTask());
        await Assert.ThrowsAsync<InvalidSecretReferenceException>(() => store.DisableSecretVersionAsync(Ref("leak/other")).AsTask());
    }
}
