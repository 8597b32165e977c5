using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;
using Amazon.Runtime.Signing;
using Microsoft.Extensions.Configuration;

namespace Secrets.Client.Cli;

/// <summary>
/// One AWS JSON 1.1 call signed with AWSSDK.Core's SigV4 signer, as the Secrets Manager adapter signs: for the call
/// the leak response needs that no adapter makes (CloudTrail <c>LookupEvents</c>).
/// Credentials come from the provider section's <c>Profile</c>/<c>ProfilesLocation</c>, else the default chain.
/// </summary>
internal sealed class AwsJsonClient
{
    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly string _region;
    private readonly string _service;
    private readonly string _targetPrefix;
    private readonly AWSCredentials _credentials;

    public AwsJsonClient(HttpClient http, Uri endpoint, string region, string service, string targetPrefix, AWSCredentials credentials)
    {
        _http = http;
        _endpoint = endpoint;
        _region = region;
        _service = service;
        _targetPrefix = targetPrefix;
        _credentials = credentials;
    }

    public static AWSCredentials CredentialsFrom(IConfiguration section)
    {
        var profile = section["Profile"];
        if (profile is not null || section["ProfilesLocation"] is not null)
        {
            if (new CredentialProfileStoreChain(section["ProfilesLocation"]).TryGetAWSCredentials(profile ?? "default", out var credentials))
            {
                return credentials;
            }

            throw new CliUsageException($"AWS profile '{profile ?? "default"}' was not found.");
        }

        return DefaultAWSCredentialsIdentityResolver.GetCredentials(null);
    }

    public static string RegionFrom(IConfiguration section) =>
        section["Region"] ?? FallbackRegionFactory.GetRegionEndpoint()?.SystemName ?? throw new CliUsageException("No AWS region is configured (Region, or AWS_REGION).");

    public async Task<JsonDocument> SendAsync(string operation, Action<Utf8JsonWriter> body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }

        var bytes = buffer.ToArray();
        var target = _targetPrefix + "." + operation;
        const string contentType = "application/x-amz-json-1.1";
        var contentHash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var signing = new AWSSigningRequest { HttpMethod = HttpMethod.Post, RequestUri = _endpoint };
        signing.Headers["Content-Type"] = contentType;
        signing.Headers["X-Amz-Target"] = target;
        signing.Headers["X-Amz-Content-SHA256"] = contentHash;
        var signed = await AWSSigV4Signer.SignAsync(signing, new AWSSigV4Parameters { Credentials = _credentials, Region = RegionEndpoint.GetBySystemName(_region), Service = _service }, cancellationToken).ConfigureAwait(false);
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        foreach (var header in signed.Headers)
        {
            request.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        if (!signed.Headers.ContainsKey("X-Amz-Content-SHA256"))
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Content-SHA256", contentHash);
        }

        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var type = "unknown error";
            try
            {
                using var error = JsonDocument.Parse(text);
                type = error.RootElement.TryGetProperty("__type", out var t) ? t.GetString() ?? type : type;
            }
            catch (JsonException)
            {
                // not JSON: keep the status alone
            }

            throw new HttpRequestException($"{_service} {operation} failed: {(int)response.StatusCode} {type}.", null, response.StatusCode);
        }

        return JsonDocument.Parse(Encoding.UTF8.GetBytes(text));
    }
}
