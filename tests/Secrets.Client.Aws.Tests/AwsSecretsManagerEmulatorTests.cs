using System.Net;
using System.Text;
using System.Text.Json;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using Microsoft.Extensions.Time.Testing;
using Secrets.Client.Testing;

namespace Secrets.Client.Aws.Tests;

public sealed class AwsSecretsManagerEmulatorTests
{
    private static async Task<(HttpStatusCode Status, string? ErrorType, JsonDocument Body)> SendAsync(
        AwsSecretsManagerEmulator emulator, string operation, string json, Action<HttpRequestMessage>? tamper = null, bool sign = true, string? secretKey = null, DateTime? signedAt = null)
    {
        using var http = new HttpClient();
        var body = Encoding.UTF8.GetBytes(json);
        using var request = new HttpRequestMessage(HttpMethod.Post, emulator.Endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "secretsmanager." + operation);
        if (sign)
        {
            var signing = new AWSSigningRequest { HttpMethod = HttpMethod.Post, RequestUri = emulator.Endpoint, Content = body };
            signing.Headers["Content-Type"] = "application/x-amz-json-1.1";
            signing.Headers["X-Amz-Target"] = "secretsmanager." + operation;
            var signed = AWSSigV4Signer.Sign(signing, new AWSSigV4Parameters
            {
                Credentials = new BasicAWSCredentials(emulator.AccessKeyId, secretKey ?? emulator.SecretAccessKey),
                Region = RegionEndpoint.GetBySystemName(emulator.Region),
                Service = "secretsmanager",
                SignedAt = signedAt,
            });
            foreach (var header in signed.Headers)
            {
                request.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        tamper?.Invoke(request);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var errorType = response.Headers.TryGetValues("x-amzn-ErrorType", out var values) ? values.First() : null;
        return (response.StatusCode, errorType, JsonDocument.Parse(text.Length == 0 ? "{}" : text));
    }

    [Fact]
    public async Task Answers_a_signed_request_in_the_aws_json_shape()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        emulator.CreateSecret("shape", "value");

        var (status, _, body) = await SendAsync(emulator, "GetSecretValue", """{"SecretId":"shape"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var root = body.RootElement;
        Assert.StartsWith("arn:aws:secretsmanager:us-east-1:123456789012:secret:shape-", root.GetProperty("ARN").GetString());
        Assert.Equal("shape", root.GetProperty("Name").GetString());
        Assert.Equal("value", root.GetProperty("SecretString").GetString());
        Assert.Equal(JsonValueKind.Number, root.GetProperty("CreatedDate").ValueKind);
        Assert.Equal("AWSCURRENT", root.GetProperty("VersionStages")[0].GetString());
        Assert.Equal(1, emulator.GetRequestCount("GetSecretValue"));
    }

    [Fact]
    public async Task Rejects_missing_tampered_and_foreign_signatures_as_aws_does()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        emulator.CreateSecret("guarded", "value");

        var unsigned = await SendAsync(emulator, "GetSecretValue", """{"SecretId":"guarded"}""", sign: false);
        var tampered = await SendAsync(emulator, "GetSecretValue", """{"SecretId":"guarded"}""",
            r => { r.Headers.Remove("X-Amz-Target"); r.Headers.TryAddWithoutValidation("X-Amz-Target", "secretsmanager.DescribeSecret"); });
        var wrongKey = await SendAsync(emulator, "GetSecretValue", """{"SecretId":"guarded"}""", secretKey: "not-the-key");
        var incomplete = await SendAsync(emulator, "GetSecretValue", """{"SecretId":"guarded"}""",
            r => { r.Headers.Remove("Authorization"); r.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=x"); });
        var unknownKey = await SendAsync(emulator, "GetSecretValue", """{"SecretId":"guarded"}""",
            r => { var auth = r.Headers.GetValues("Authorization").First(); r.Headers.Remove("Authorization"); r.Headers.TryAddWithoutValidation("Authorization", auth.Replace(emulator.AccessKeyId, "AKIAOTHER", StringComparison.Ordinal)); });

        Assert.Equal((HttpStatusCode.BadRequest, "MissingAuthenticationTokenException"), (unsigned.Status, unsigned.ErrorType));
        Assert.Equal((HttpStatusCode.BadRequest, "InvalidSignatureException"), (tampered.Status, tampered.ErrorType));
        Assert.Equal("InvalidSignatureException", wrongKey.Body.RootElement.GetProperty("__type").GetString());
        Assert.Contains("Canonical String", wrongKey.Body.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("IncompleteSignatureException", incomplete.ErrorType);
        Assert.Equal("UnrecognizedClientException", unknownKey.ErrorType);
    }

    [Fact]
    public async Task Rejects_a_signature_older_than_the_allowed_skew()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync(new AwsSecretsManagerEmulatorOptions { TimeProvider = clock });
        emulator.CreateSecret("timed", "value");

        var fresh = await SendAsync(emulator, "GetSecretValue", """{"SecretId":"timed"}""", signedAt: clock.GetUtcNow().UtcDateTime.AddMinutes(-14));
        var stale = await SendAsync(emulator, "GetSecretValue", """{"SecretId":"timed"}""", signedAt: clock.GetUtcNow().UtcDateTime.AddMinutes(-16));

        Assert.Equal(HttpStatusCode.OK, fresh.Status);
        Assert.Equal("InvalidSignatureException", stale.ErrorType);
        Assert.StartsWith("Signature expired", stale.Body.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Putting_a_value_moves_awscurrent_to_awsprevious()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        emulator.CreateSecret("labels", "v1");
        var v1 = emulator.GetVersionId("labels")!;
        var v2 = emulator.PutSecretValue("labels", "v2");
        var v3 = emulator.PutSecretValue("labels", "v3");

        var (_, _, body) = await SendAsync(emulator, "DescribeSecret", """{"SecretId":"labels"}""");
        var stages = body.RootElement.GetProperty("VersionIdsToStages");

        Assert.Equal(v3, emulator.GetVersionId("labels", "AWSCURRENT"));
        Assert.Equal(v2, emulator.GetVersionId("labels", "AWSPREVIOUS"));
        Assert.False(stages.TryGetProperty(v1, out _));
        Assert.Equal("AWSPREVIOUS", stages.GetProperty(v2)[0].GetString());
        Assert.Equal("AWSCURRENT", stages.GetProperty(v3)[0].GetString());
    }

    [Fact]
    public async Task Put_with_a_client_request_token_is_idempotent()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        emulator.CreateSecret("idem", "v1");
        const string token = "0f9a6e2c-1111-2222-3333-444455556666";

        var first = await SendAsync(emulator, "PutSecretValue", $$"""{"SecretId":"idem","ClientRequestToken":"{{token}}","SecretString":"v2"}""");
        var retry = await SendAsync(emulator, "PutSecretValue", $$"""{"SecretId":"idem","ClientRequestToken":"{{token}}","SecretString":"v2"}""");
        var conflict = await SendAsync(emulator, "PutSecretValue", $$"""{"SecretId":"idem","ClientRequestToken":"{{token}}","SecretString":"other"}""");

        Assert.Equal(token, first.Body.RootElement.GetProperty("VersionId").GetString());
        Assert.Equal(HttpStatusCode.OK, retry.Status);
        Assert.Equal(token, emulator.GetVersionId("idem"));
        Assert.Equal("ResourceExistsException", conflict.ErrorType);
    }

    [Fact]
    public async Task Batch_get_pages_through_filters()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        for (var i = 0; i < 5; i++)
        {
            emulator.CreateSecret($"f/{i}", $"v{i}");
        }

        var first = await SendAsync(emulator, "BatchGetSecretValue", """{"Filters":[{"Key":"name","Values":["f/"]}],"MaxResults":3}""");
        var token = first.Body.RootElement.GetProperty("NextToken").GetString();
        var second = await SendAsync(emulator, "BatchGetSecretValue", $$"""{"Filters":[{"Key":"name","Values":["f/"]}],"MaxResults":3,"NextToken":"{{token}}"}""");
        var both = await SendAsync(emulator, "BatchGetSecretValue", """{"SecretIdList":["f/1"],"Filters":[{"Key":"name","Values":["f/"]}]}""");
        var tooMany = await SendAsync(emulator, "BatchGetSecretValue", $$"""{"SecretIdList":[{{string.Join(',', Enumerable.Range(0, 21).Select(i => $"\"s{i}\""))}}]}""");

        Assert.Equal(3, first.Body.RootElement.GetProperty("SecretValues").GetArrayLength());
        Assert.Equal(2, second.Body.RootElement.GetProperty("SecretValues").GetArrayLength());
        Assert.False(second.Body.RootElement.TryGetProperty("NextToken", out _));
        Assert.Equal("InvalidParameterException", both.ErrorType);
        Assert.Equal("InvalidParameterException", tooMany.ErrorType);
    }

    [Fact]
    public async Task Unknown_operations_and_bad_tokens_get_aws_errors()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();

        var unknown = await SendAsync(emulator, "ReplicateSecretToRegions", "{}");
        var badToken = await SendAsync(emulator, "ListSecrets", """{"NextToken":"garbage"}""");

        Assert.Equal("UnknownOperationException", unknown.ErrorType);
        Assert.Equal("InvalidNextTokenException", badToken.ErrorType);
    }

    [Fact]
    public async Task Agent_endpoint_requires_its_token()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        emulator.CreateSecret("agent/x", "via-agent");
        using var http = new HttpClient();

        using var denied = await http.GetAsync(new Uri(emulator.Endpoint, "secretsmanager/get?secretId=agent%2Fx"));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(emulator.Endpoint, "secretsmanager/get?secretId=agent%2Fx"));
        request.Headers.Add("X-Aws-Parameters-Secrets-Token", emulator.AgentToken);
        using var allowed = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Contains("via-agent", await allowed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Seeding_errors_are_reported_plainly()
    {
        await using var emulator = await AwsSecretsManagerEmulator.StartAsync();
        emulator.CreateSecret("dup", "v");

        Assert.Throws<InvalidOperationException>(() => emulator.CreateSecret("dup", "v"));
        Assert.Throws<InvalidOperationException>(() => emulator.PutSecretValue("missing", "v"));
        Assert.Equal(1, emulator.SecretCount);
    }
}
