using Secrets.Client.Tests.Shared;
using static Secrets.Client.Identity.Tests.ProbeTestSupport;

namespace Secrets.Client.Identity.Tests;

/// <summary>
/// <c>secrets-emulator aws-identity|azure-identity|gcp-identity</c> serve an identity emulator and a cloud emulator that accepts only
/// what it issues, and print a platform's environment: an app given exactly that environment reads through the official
/// credential chain, as the emulated principal, with no key or token of its own.
/// </summary>
public sealed class EmulatorToolIdentityTests
{
    [Fact]
    public async Task Aws_identity_kind_serves_web_identity_and_the_app_reads_as_the_assumed_role()
    {
        var canary = NewCanary();
        var seed = WriteTempFile("seed.json", $$"""{ "secrets": [ { "name": "app/db", "value": "{{canary}}" } ] }""");
        await using var tool = await EmulatorToolProcess.StartAsync(6, "aws-identity", "--port", "0", "--seed", seed);
        var variables = tool.Variables;

        Assert.DoesNotContain("AWS_ACCESS_KEY_ID", variables.Keys);
        Assert.DoesNotContain("AWS_SECRET_ACCESS_KEY", variables.Keys);
        await using var probe = IdentityProbe.Start("aws", variables, $"endpoint={variables["AWS_ENDPOINT_URL_SECRETS_MANAGER"]}", $"region={variables["AWS_REGION"]}");
        var answer = await probe.ReadAsync("aws-sm://app/db");

        Assert.True(answer.Ok, answer.ToString());
        Assert.Equal(Sha256(canary), answer.Sha256);
        Assert.StartsWith("arn:aws:sts::", answer.Audit, StringComparison.Ordinal);
        Assert.Contains(":assumed-role/app/", answer.Audit, StringComparison.Ordinal);
        AssertNoneLeaked(await probe.StopAsync(), [canary]);
        Assert.Equal(0, await tool.StopAsync());
    }

    [Fact]
    public async Task Azure_identity_kind_serves_App_Service_managed_identity_and_the_app_reads_as_its_object_id()
    {
        var canary = NewCanary();
        var seed = WriteTempFile("seed.json", $$"""{ "secrets": [ { "name": "app-db", "value": "{{canary}}" } ] }""");
        await using var tool = await EmulatorToolProcess.StartAsync(5, "azure-identity", "--port", "0", "--seed", seed);
        var variables = tool.Variables;

        Assert.DoesNotContain("AZURE_KEYVAULT_TOKEN", variables.Keys);
        await using var probe = IdentityProbe.Start(
            "azure",
            variables,
            $"vault={variables["AZURE_KEYVAULT_URL"]}",
            $"vault-certificate={variables["AZURE_KEYVAULT_CERTIFICATE_PEM"]}");
        var answer = await probe.ReadAsync("azure-kv://main/app-db");

        Assert.True(answer.Ok, answer.ToString());
        Assert.Equal(Sha256(canary), answer.Sha256);
        Assert.True(Guid.TryParse(answer.Audit, out _), $"The audit identity '{answer.Audit}' is not the managed identity's object id.");
        AssertNoneLeaked(await probe.StopAsync(), [canary, variables["IDENTITY_HEADER"]]);
        Assert.Equal(0, await tool.StopAsync());
    }

    [Fact]
    public async Task Gcp_identity_kind_serves_the_metadata_server_and_the_app_reads_as_the_service_account()
    {
        var canary = NewCanary();
        var seed = WriteTempFile("seed.json", $$"""{ "secrets": [ { "name": "app-db", "value": "{{canary}}" } ] }""");
        await using var tool = await EmulatorToolProcess.StartAsync(3, "gcp-identity", "--port", "0", "--seed", seed);
        var variables = tool.Variables;

        Assert.DoesNotContain("SECRET_MANAGER_EMULATOR_HOST", variables.Keys);
        Assert.Contains("GCE_METADATA_HOST", variables.Keys);

        // Exactly the printed environment, and no endpoint or project setting: the adapter reads SECRET_MANAGER_ENDPOINT
        // and GOOGLE_CLOUD_PROJECT, and Application Default Credentials find the metadata server through GCE_METADATA_HOST.
        await using var probe = IdentityProbe.Start("gcp", variables);
        var answer = await probe.ReadAsync("gcp-sm://app-db");

        Assert.True(answer.Ok, answer.ToString());
        Assert.Equal(Sha256(canary), answer.Sha256);
        Assert.EndsWith(".iam.gserviceaccount.com", answer.Audit, StringComparison.Ordinal);
        AssertNoneLeaked(await probe.StopAsync(), [canary]);
        Assert.Equal(0, await tool.StopAsync());
    }
}
