using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using Secrets.Client.Testing;

namespace Secrets.Client.Aws.Events.Tests;

/// <summary>
/// <see cref="AwsSecretChangeListener.RecommendedEventPattern"/> delivers every event the listener turns into a
/// notification and none that it would only delete, judged over the events the Secrets Manager emulator emits (and,
/// where the emulator leaves out a request parameter CloudTrail records, that event with the parameter added).
/// </summary>
public class RecommendedEventPatternTests
{
    private static readonly AwsSecretChangeListenerOptions Options = new() { QueueUrl = "http://q" };

    private static string Pattern => AwsSecretChangeListener.RecommendedEventPattern;

    [Fact]
    public async Task Over_the_emulator_s_events_the_pattern_delivers_what_the_listener_acts_on_and_leaves_out_a_rotation_s_first_steps()
    {
        var events = new List<string>();
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync(new AwsSecretsManagerEmulatorOptions { ChangeEvents = events.Add });
        using var http = new HttpClient(emulator.CreateHandler()) { BaseAddress = emulator.Endpoint };

        emulator.CreateSecret("prod/db", "canary-v1");
        emulator.PutSecretValue("prod/db", "canary-v2");
        var held = emulator.GetVersionId("prod/db")!;
        emulator.PutSecretValue("prod/db", "canary-v3", "AWSPENDING");
        var pending = emulator.GetVersionId("prod/db", "AWSPENDING")!;
        await CallAsync(http, emulator, "UpdateSecretVersionStage", $$"""{"SecretId":"prod/db","VersionStage":"AWSCURRENT","MoveToVersionId":"{{pending}}","RemoveFromVersionId":"{{held}}"}""");
        await CallAsync(http, emulator, "RotateSecret", """{"SecretId":"prod/db"}""");
        await CallAsync(http, emulator, "UpdateSecret", """{"SecretId":"prod/db","SecretString":"canary-v5"}""");
        await CallAsync(http, emulator, "DeleteSecret", """{"SecretId":"prod/db","RecoveryWindowInDays":7}""");
        await CallAsync(http, emulator, "RestoreSecret", """{"SecretId":"prod/db"}""");

        var names = events.Select(EventName).ToArray();
        Assert.Equal(
            ["CreateSecret", "PutSecretValue", "PutSecretValue", "UpdateSecretVersionStage", "RotateSecret", "RotationSucceeded", "UpdateSecret", "DeleteSecret", "RestoreSecret"],
            names);

        // The emulator's records carry the stage parameters CloudTrail logs: PutSecretValue's versionStages (only when the
        // caller gave some) and the stage move's label and versions.
        Assert.DoesNotContain("versionStages", events[1], StringComparison.Ordinal);
        Assert.Contains("\"versionStages\":[\"AWSPENDING\"]", events[2], StringComparison.Ordinal);
        Assert.Contains($"\"moveToVersionId\":\"{pending}\"", events[3], StringComparison.Ordinal);

        bool[] delivered = [.. events.Select(e => EventBridgePatternMatcher.Matches(Pattern, e))];
        Assert.Equal([true, true, false, true, false, true, true, true, true], delivered);
        foreach (var change in events)
        {
            var (notification, ignored) = AwsChangeEventParser.Parse(change, Options, "aws-sqs");
            Assert.True(EventBridgePatternMatcher.Matches(Pattern, change) == notification is not null, $"{EventName(change)}: listener {ignored ?? "notifies"}");
        }

        Assert.Equal(pending, AwsChangeEventParser.Parse(events[3], Options, "aws-sqs").Notification!.Version);
        Assert.DoesNotContain(events, e => e.Contains("canary", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("PutSecretValue", """{"secretId":"prod/db"}""", true)]
    [InlineData("PutSecretValue", """{"secretId":"prod/db","versionStages":["AWSCURRENT"]}""", true)]
    [InlineData("PutSecretValue", """{"secretId":"prod/db","versionStages":["blue","AWSCURRENT"]}""", true)]
    [InlineData("PutSecretValue", """{"secretId":"prod/db","versionStages":["AWSPENDING"]}""", false)]
    [InlineData("PutSecretValue", """{"secretId":"prod/db","versionStages":["blue"]}""", false)]
    [InlineData("PutSecretValue", """{"secretId":"prod/db","versionStages":[]}""", false)]
    [InlineData("RotateSecret", """{"secretId":"prod/db"}""", false)]
    [InlineData("UpdateSecretVersionStage", """{"secretId":"prod/db","versionStage":"AWSPENDING","removeFromVersionId":"v-3"}""", true)]
    [InlineData("CancelRotateSecret", """{"secretId":"prod/db"}""", true)]
    [InlineData("CreateSecret", """{"name":"prod/db"}""", true)]
    [InlineData("ReplicateSecretToRegions", """{"secretId":"prod/db"}""", true)]
    [InlineData("RemoveRegionsFromReplication", """{"secretId":"prod/db"}""", true)]
    [InlineData("StopReplicationToReplica", """{"secretId":"prod/db"}""", true)]
    [InlineData("SecretVersionDeletion", """{"secretId":"prod/db"}""", true)]
    [InlineData("EndSecretVersionDelete", """{"secretId":"prod/db"}""", true)]
    [InlineData("GetSecretValue", """{"secretId":"prod/db"}""", false)]
    [InlineData("TagResource", """{"secretId":"prod/db"}""", false)]
    public void A_CloudTrail_record_is_delivered_exactly_when_the_listener_would_act_on_it(string eventName, string request, bool expected)
    {
        var change = "{\"detail-type\":\"AWS API Call via CloudTrail\",\"source\":\"aws.secretsmanager\",\"account\":\"123456789012\",\"region\":\"us-east-1\","
            + "\"detail\":{\"eventName\":\"" + eventName + "\",\"requestParameters\":" + request + ",\"responseElements\":null}}";

        var (notification, _) = AwsChangeEventParser.Parse(change, Options, "aws-sqs");

        Assert.Equal(expected, EventBridgePatternMatcher.Matches(Pattern, change));
        Assert.Equal(expected, notification is not null);
    }

    [Fact]
    public void Events_from_another_source_or_detail_type_are_not_delivered()
    {
        const string Detail = "\"detail\":{\"eventName\":\"PutSecretValue\",\"requestParameters\":{\"secretId\":\"prod/db\"}}";

        Assert.True(EventBridgePatternMatcher.Matches(Pattern, "{\"source\":\"aws.secretsmanager\",\"detail-type\":\"AWS API Call via CloudTrail\"," + Detail + "}"));
        Assert.False(EventBridgePatternMatcher.Matches(Pattern, "{\"source\":\"aws.kms\",\"detail-type\":\"AWS API Call via CloudTrail\"," + Detail + "}"));
        Assert.False(EventBridgePatternMatcher.Matches(Pattern, "{\"source\":\"aws.secretsmanager\",\"detail-type\":\"Secrets Manager Secret Rotation\"," + Detail + "}"));
    }

    [Theory]
    [InlineData("docs/rotation.md")]
    [InlineData("src/Secrets.Client.Aws.Events/README.md")]
    public void The_documented_rule_is_the_pattern(string document)
    {
        var text = File.ReadAllText(Path.Combine(RepositoryRoot(), document));

        Assert.Contains(Pattern.Trim(), text, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Secrets.Client.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (Secrets.Client.sln) was not found above " + AppContext.BaseDirectory);
    }

    private static string EventName(string change) => JsonNode.Parse(change)!["detail"]!["eventName"]!.GetValue<string>();

    /// <summary>One SigV4-signed AWS JSON 1.1 call, as the AWS adapter sends it, for operations the emulator has no seeding method for.</summary>
    private static async Task CallAsync(HttpClient http, AwsSecretsManagerEmulator emulator, string operation, string body)
    {
        const string AmzJson = "application/x-amz-json-1.1";
        var bytes = Encoding.UTF8.GetBytes(body);
        var contentHash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var signing = new AWSSigningRequest { HttpMethod = HttpMethod.Post, RequestUri = emulator.Endpoint };
        signing.Headers["Content-Type"] = AmzJson;
        signing.Headers["X-Amz-Target"] = "secretsmanager." + operation;
        signing.Headers["X-Amz-Content-SHA256"] = contentHash;
        var signed = await AWSSigV4Signer.SignAsync(signing, new AWSSigV4Parameters
        {
            Credentials = new BasicAWSCredentials(emulator.AccessKeyId, emulator.SecretAccessKey),
            Region = Amazon.RegionEndpoint.GetBySystemName(emulator.Region),
            Service = "secretsmanager",
        });

        using var request = new HttpRequestMessage(HttpMethod.Post, emulator.Endpoint) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(AmzJson);
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "secretsmanager." + operation);
        request.Headers.TryAddWithoutValidation("X-Amz-Content-SHA256", contentHash);
        foreach (var header in signed.Headers.Where(h => h.Key != "X-Amz-Content-SHA256"))
        {
            request.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        using var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{operation}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
