using System.Text.Json.Nodes;
using Secrets.Client.Testing;
using static Secrets.Client.Aws.Tests.TestSupport;

namespace Secrets.Client.Aws.Tests;

/// <summary>
/// The official @aws-sdk/client-secrets-manager runs a scenario against one emulator and our adapter runs the same
/// scenario against another; both must get the same answers.
/// </summary>
public sealed class ScenarioJudgeTests
{
    private const string V1 = """{"user":"admin","password":"pw-1"}""";
    private const string V2 = """{"user":"admin","password":"pw-2"}""";

    [Fact]
    public async Task Official_sdk_and_adapter_get_the_same_answers()
    {
        await using var forSdk = await AwsSecretsManagerEmulator.StartAsync();
        await using var forAdapter = await AwsSecretsManagerEmulator.StartAsync();

        var sdkRun = NodeJudge.RunAsync("aws/scenario.mjs", null, forSdk.Endpoint.ToString().TrimEnd('/'), forSdk.Region, forSdk.AccessKeyId, forSdk.SecretAccessKey);
        var ours = await RunAdapterScenarioAsync(forAdapter);
        var theirs = JsonNode.Parse(await sdkRun)!;

        Assert.True(JsonNode.DeepEquals(theirs, ours), $"official SDK: {theirs.ToJsonString()}\nadapter:      {ours.ToJsonString()}");
        Assert.Equal("ResourceNotFoundException", theirs["notFound"]!.GetValue<string>());
        Assert.True(forSdk.GetRequestCount("BatchGetSecretValue") >= 1);
        Assert.True(forSdk.GetRequestCount("ListSecrets") > 1);
    }

    private static async Task<JsonNode> RunAdapterScenarioAsync(AwsSecretsManagerEmulator emulator)
    {
        await using var provider = CreateProvider(emulator);
        var created = await SetAsync(provider, "judge/db", SecretValue.FromText(V1));
        var put = await SetAsync(provider, "judge/db", SecretValue.FromText(V2));
        using var current = await provider.GetSecretAsync(Ref("judge/db"));
        using var previous = await provider.GetSecretAsync(Ref("judge/db", stage: "AWSPREVIOUS"));
        using var byId = await provider.GetSecretAsync(Ref("judge/db", version: created.Version));
        var result = new JsonObject
        {
            ["get"] = new JsonObject
            {
                ["current"] = Text(current),
                ["currentIsPut"] = current.Properties.Version == put.Version,
                ["currentStages"] = new JsonArray([.. current.Properties.Stages.Select(s => JsonValue.Create(s))]),
                ["previous"] = Text(previous),
                ["previousIsCreate"] = previous.Properties.Version == created.Version,
                ["previousStages"] = new JsonArray([.. previous.Properties.Stages.Select(s => JsonValue.Create(s))]),
                ["byId"] = Text(byId),
            },
        };

        for (var i = 0; i < 105; i++)
        {
            await SetAsync(provider, $"judge/list/{i:D3}", SecretValue.FromText($"value-{i}"));
        }

        await SetAsync(provider, "judge/binary", SecretValue.FromBytes([0, 1, 2, 250, 255]));

        var batch = await provider.GetSecretsAsync([Ref("judge/list/000"), Ref("judge/list/001"), Ref("judge/list/104"), Ref("judge/binary"), Ref("judge/missing")]);
        result["batch"] = new JsonObject
        {
            ["values"] = new JsonArray([.. batch.Where(r => r.IsSuccess).OrderBy(r => r.Secret!.Name, StringComparer.Ordinal).Select(r => (JsonNode)new JsonObject
            {
                ["name"] = r.Secret!.Name,
                ["value"] = r.Secret.Properties.ContentType == "application/octet-stream" ? Convert.ToBase64String(r.Secret.Value.ExposeAsBytes()) : Text(r.Secret),
            })]),
            ["errors"] = new JsonArray([.. batch.Where(r => !r.IsSuccess).Select(r => (JsonNode)new JsonObject { ["id"] = r.Reference.Path, ["code"] = r.Error!.ErrorCode })]),
        };
        foreach (var item in batch)
        {
            item.Secret?.Dispose();
        }

        var before = emulator.GetRequestCount("ListSecrets");
        var names = (await ToListAsync(provider.ListSecretsAsync("judge/list/"))).Select(p => p.Name).ToList();
        var sorted = names.Order(StringComparer.Ordinal).ToList();
        result["list"] = new JsonObject
        {
            ["count"] = names.Count,
            ["distinct"] = names.Distinct().Count(),
            ["first"] = sorted[0],
            ["last"] = sorted[^1],
            ["paged"] = emulator.GetRequestCount("ListSecrets") - before > 1,
        };

        var versions = await ToListAsync(provider.ListSecretVersionsAsync(Ref("judge/db")));
        var currentProperties = await provider.GetPropertiesAsync(Ref("judge/db"));
        var previousProperties = await provider.GetPropertiesAsync(Ref("judge/db", stage: "AWSPREVIOUS"));
        result["describe"] = new JsonObject
        {
            ["name"] = currentProperties.Name,
            ["versionsWithStages"] = versions.Count(v => v.Stages.Count > 0),
            ["currentVersion"] = currentProperties.Version == put.Version,
            ["previousVersion"] = previousProperties.Version == created.Version,
        };

        var rotated = await provider.RotateSecretAsync(Ref("judge/db"));
        await using var store = new SecretStore([CreateProvider(emulator)], new SecretStoreOptions { Environment = "Development" });
        var window = await store.GetRotationWindowAsync(Ref("judge/db"));
        result["rotate"] = new JsonObject
        {
            ["newVersionIsCurrent"] = rotated.Version == window.Current.Properties.Version,
            ["valueChanged"] = Text(window.Current) != V2,
            ["previous"] = Text(window.Previous!),
        };

        try
        {
            using var _ = await provider.GetSecretAsync(Ref("judge/nope"));
            result["notFound"] = "no error";
        }
        catch (SecretNotFoundException ex)
        {
            result["notFound"] = ex.ErrorCode;
        }

        return result;
    }

    private static async Task<SecretProperties> SetAsync(AwsSecretsManagerSecretProvider provider, string name, SecretValue value)
    {
        using (value)
        {
            return await provider.SetSecretAsync(name, value);
        }
    }
}
