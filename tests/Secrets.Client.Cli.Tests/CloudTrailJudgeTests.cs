using System.Text.Json;
using Amazon.Runtime;
using Secrets.Client.Aws;
using Secrets.Client.Testing;
using Secrets.Client.Tests.Shared;

namespace Secrets.Client.Cli.Tests;

/// <summary>The official <c>@aws-sdk/client-cloudtrail</c> judges the CloudTrail emulator fed by the Secrets Manager emulator.</summary>
public sealed class CloudTrailJudgeTests
{
    // The top-level fields of a CloudTrail record for a Secrets Manager call (CloudTrail record contents); nothing else.
    private static readonly string[] DocumentedFields =
    [
        "awsRegion", "errorCode", "errorMessage", "eventCategory", "eventID", "eventName", "eventSource", "eventTime", "eventType", "eventVersion",
        "managementEvent", "readOnly", "recipientAccountId", "requestID", "requestParameters", "resources", "responseElements", "sourceIPAddress",
        "userAgent", "userIdentity",
    ];

    [Fact]
    public async Task LookupEvents_pages_newest_first_with_records_in_cloudtrails_shape()
    {
        var log = new EmulatorAccessLog();
        await using var aws = await AwsSecretsManagerEmulator.StartAsync(new AwsSecretsManagerEmulatorOptions { AccessLog = log });
        await using var trail = await CloudTrailEmulator.StartAsync(new CloudTrailEmulatorOptions { Source = log, Region = aws.Region });
        var arn = aws.CreateSecret("app/db", CliHarness.Canary);
        var version = aws.GetVersionId("app/db")!;
        await using var provider = new AwsSecretsManagerSecretProvider(new AwsSecretsManagerSecretProviderOptions
        {
            Region = aws.Region, Endpoint = aws.Endpoint, Credentials = new BasicAWSCredentials(aws.AccessKeyId, aws.SecretAccessKey),
        });
        (await provider.GetSecretAsync(new SecretReference("aws-sm", "app/db"))).Dispose();
        (await provider.GetSecretAsync(new SecretReference("aws-sm", "app/db", version: version))).Dispose();
        (await provider.GetSecretAsync(new SecretReference("aws-sm", "app/db"))).Dispose();
        _ = await provider.GetPropertiesAsync(new SecretReference("aws-sm", "app/db"));

        var output = await NodeJudgeProcess.RunAsync("aws/cloudtrail.mjs", ["@aws-sdk/client-cloudtrail"], [trail.Endpoint.ToString(), trail.Region, trail.AccessKeyId, trail.SecretAccessKey]);

        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(2, root.GetProperty("pages").GetInt32());
        var events = root.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(3, events.Count);
        Assert.All(events, e =>
        {
            Assert.Equal("GetSecretValue", e.GetProperty("eventName").GetString());
            Assert.Equal("emulator", e.GetProperty("username").GetString());
            Assert.Equal("true", e.GetProperty("readOnly").GetString());
            Assert.Equal([arn], e.GetProperty("resources").EnumerateArray().Select(r => r.GetString()));
            Assert.Empty(e.GetProperty("recordKeys").EnumerateArray().Select(k => k.GetString()).Except(DocumentedFields));
            var record = e.GetProperty("record");
            Assert.Equal("secretsmanager.amazonaws.com", record.GetProperty("eventSource").GetString());
            Assert.Equal("arn:aws:iam::123456789012:user/emulator", record.GetProperty("userIdentity").GetProperty("arn").GetString());
            Assert.Equal("127.0.0.1", record.GetProperty("sourceIPAddress").GetString());
            Assert.Equal("app/db", record.GetProperty("requestParameters").GetProperty("secretId").GetString());
            Assert.Equal(JsonValueKind.Null, record.GetProperty("responseElements").ValueKind);
        });
        var times = events.Select(e => e.GetProperty("eventTime").GetString()).ToList();
        Assert.Equal(times.OrderDescending(StringComparer.Ordinal), times);
        Assert.Single(events, e => e.GetProperty("record").GetProperty("requestParameters").TryGetProperty("versionId", out var v) && v.GetString() == version);
        Assert.Equal(["DescribeSecret", "GetSecretValue", "GetSecretValue", "GetSecretValue"], root.GetProperty("byResourceName").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("InvalidLookupAttributesException", root.GetProperty("twoAttributes").GetString());
        Assert.DoesNotContain(CliHarness.Canary, output);
    }
}
