using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Microsoft.Extensions.Time.Testing;
using static Secrets.Client.Aws.Tests.TestSupport;

namespace Secrets.Client.Aws.Tests;

/// <summary>The adapter's requests carry the signature the official @smithy/signature-v4 computes for the same request.</summary>
public sealed class SigningJudgeTests
{
    private sealed record Captured(HttpRequestMessage Request, byte[] Body);

    private sealed class CapturingHandler : HttpMessageHandler
    {
        public List<Captured> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(new Captured(request, await request.Content!.ReadAsByteArrayAsync(cancellationToken)));
            var json = """{"ARN":"arn:aws:secretsmanager:eu-central-1:123456789012:secret:x-abcdef","Name":"x","VersionId":"v","SecretString":"s","VersionStages":["AWSCURRENT"],"CreatedDate":1.7E9,"SecretList":[]}""";
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/x-amz-json-1.1") };
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Signatures_match_smithy_signature_v4(bool sessionCredentials)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2024, 5, 17, 8, 30, 45, TimeSpan.Zero));
        using var capture = new CapturingHandler();
        AWSCredentials credentials = sessionCredentials
            ? new SessionAWSCredentials("AKIDJUDGE0000000001", "judge/secret+key/0123456789abcdefghijk", "session/token==")
            : new BasicAWSCredentials("AKIDJUDGE0000000001", "judge/secret+key/0123456789abcdefghijk");
        await using var provider = new AwsSecretsManagerSecretProvider(new AwsSecretsManagerSecretProviderOptions
        {
            Region = "eu-central-1",
            Credentials = credentials,
            HttpHandler = capture,
            TimeProvider = clock,
        });

        using (var _ = await provider.GetSecretAsync(Ref("prod/db", stage: "AWSPREVIOUS")))
        {
        }

        using (var value = SecretValue.FromText("a \"quoted\" value with ünïcode and \\ and \n"))
        {
            await provider.SetSecretAsync("prod/db", value);
        }

        await foreach (var _ in provider.ListSecretsAsync("prod/"))
        {
        }

        Assert.Equal(3, capture.Requests.Count);
        foreach (var (request, body) in capture.Requests)
        {
            var authorization = request.Headers.GetValues("Authorization").Single();
            var signedHeaders = authorization.Split("SignedHeaders=")[1].Split(',')[0].Split(';');
            Assert.Contains("host", signedHeaders);
            Assert.Contains("x-amz-date", signedHeaders);
            Assert.Contains("x-amz-target", signedHeaders);
            Assert.Contains("content-type", signedHeaders);
            Assert.Equal(sessionCredentials, signedHeaders.Contains("x-amz-security-token"));
            var headers = new JsonObject();
            foreach (var name in signedHeaders)
            {
                headers[name] = name == "host" ? request.RequestUri!.Authority : HeaderValue(request, name);
            }

            var input = new JsonObject
            {
                ["method"] = request.Method.Method,
                ["protocol"] = request.RequestUri!.Scheme + ":",
                ["hostname"] = request.RequestUri.Host,
                ["path"] = request.RequestUri.AbsolutePath,
                ["headers"] = headers,
                ["bodyBase64"] = Convert.ToBase64String(body),
                ["accessKeyId"] = "AKIDJUDGE0000000001",
                ["secretAccessKey"] = "judge/secret+key/0123456789abcdefghijk",
                ["sessionToken"] = sessionCredentials ? "session/token==" : null,
                ["region"] = "eu-central-1",
                ["service"] = "secretsmanager",
                ["signingDate"] = "2024-05-17T08:30:45Z",
            };

            var judged = JsonNode.Parse(await NodeJudge.RunAsync("aws/sign.mjs", input.ToJsonString()))!;

            Assert.Equal(judged["authorization"]!.GetValue<string>(), authorization);
            Assert.Equal(judged["bodySha256"]!.GetValue<string>(), HeaderValue(request, "x-amz-content-sha256"));
            Assert.Equal("20240517T083045Z", HeaderValue(request, "x-amz-date"));
        }
    }

    private static string HeaderValue(HttpRequestMessage request, string name)
    {
        if (request.Headers.TryGetValues(name, out var values) || request.Content!.Headers.TryGetValues(name, out values))
        {
            return string.Join(",", values);
        }

        throw new Xunit.Sdk.XunitException($"Header {name} is signed but was not sent.");
    }
}
