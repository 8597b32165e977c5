using System.Diagnostics;
using System.Security.Cryptography;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using Microsoft.Extensions.Logging;
using Secrets.Client.Transport;

namespace Secrets.Client.Aws;

/// <summary>
/// Sends Secrets Manager's AWS JSON 1.1 requests, SigV4-signed with credentials re-read each time, or through the local
/// Secrets Manager agent; maps failures to the SDK's errors and records each call's span and metric.
/// </summary>
internal sealed class AwsApiClient(string provider, AwsSecretsManagerSecretProviderOptions options, SecretHttpTransport transport, Lazy<(RegionEndpoint Region, Uri ServiceUrl)> endpoint, Uri? agentUrl, AwsCredentials credentialSource, ILogger logger)
{
    private const string Service = "secretsmanager";
    private const string AmzJson = "application/x-amz-json-1.1";

    private readonly TimeProvider _time = transport.TimeProvider;
    private readonly bool _fixedSigningTime = transport.TimeProvider != TimeProvider.System;

    /// <summary>Signs and sends one AWS JSON 1.1 request; takes ownership of <paramref name="body"/> and clears it.</summary>
    public async ValueTask<SecretHttpResponse> SendAsync(string operation, PooledBuffer body, string? secretName, CancellationToken cancellationToken)
    {
        using var requestBody = body;
        using var activity = StartActivity(operation, secretName);
        var started = _time.GetTimestamp();
        var (region, serviceUrl) = endpoint.Value;
        var target = "secretsmanager." + operation;
        using var request = new HttpRequestMessage(HttpMethod.Post, serviceUrl);
        var content = new ReadOnlyMemoryContent(body.WrittenMemory);
        content.Headers.TryAddWithoutValidation("Content-Type", AmzJson);
        request.Content = content;
        request.Headers.TryAddWithoutValidation("X-Amz-Target", target);

        AWSCredentials? credentials = null;
        try
        {
            // Hash the written bytes ourselves: the pooled array is longer than the body, and handing the signer the
            // body would mean a managed copy of it.
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(body.WrittenSpan, hash);
            var contentHash = Convert.ToHexStringLower(hash);
            var signing = new AWSSigningRequest { HttpMethod = HttpMethod.Post, RequestUri = serviceUrl };
            signing.Headers["Content-Type"] = AmzJson;
            signing.Headers["X-Amz-Target"] = target;
            signing.Headers["X-Amz-Content-SHA256"] = contentHash;
            credentials = await credentialSource.ResolveAsync(cancellationToken).ConfigureAwait(false);
            var parameters = new AWSSigV4Parameters
            {
                Credentials = credentials,
                Region = region,
                Service = Service,
                SignedAt = _fixedSigningTime ? _time.GetUtcNow().UtcDateTime : null,
            };
            var signed = await AWSSigV4Signer.SignAsync(signing, parameters, cancellationToken).ConfigureAwait(false);

            // The signer returns only headers it adds (Authorization, X-Amz-Date, X-Amz-Content-SHA256 and the session
            // token), none of which the request carries yet.
            foreach (var header in signed.Headers)
            {
                request.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            if (!signed.Headers.ContainsKey("X-Amz-Content-SHA256"))
            {
                request.Headers.TryAddWithoutValidation("X-Amz-Content-SHA256", contentHash);
            }

            await credentialSource.RememberIdentityAsync(credentials, region, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonServiceException ex)
        {
            var explained = AwsCredentialLink.Explain(credentials, ex);
            throw Record(operation, secretName, started, activity, (int)ex.StatusCode >= 500
                ? new SecretUnavailableException(provider, secretName, explained, ex)
                : new SecretAccessDeniedException(provider, secretName, explained, ex), (int)ex.StatusCode);
        }
        catch (AmazonClientException ex)
        {
            throw Record(operation, secretName, started, activity, new SecretAccessDeniedException(provider, secretName, AwsCredentialLink.Explain(credentials, ex), ex), 0);
        }
        catch (InvalidOperationException ex) when (credentials is not null && credentialSource.FromChain)
        {
            // The web identity link reports an unreadable token file this way.
            throw Record(operation, secretName, started, activity, new SecretAccessDeniedException(provider, secretName, AwsCredentialLink.Explain(credentials, ex), ex), 0);
        }

        return await ExchangeAsync(request, operation, secretName, started, activity, cancellationToken).ConfigureAwait(false);
    }

    private Activity? StartActivity(string operation, string? secretName)
    {
        // Without a listener there is no span to name, so skip building its name and tags.
        if (!AwsTelemetry.ActivitySource.HasListeners())
        {
            return null;
        }

        var activity = AwsTelemetry.ActivitySource.StartActivity("SecretsManager." + operation, ActivityKind.Client);
        activity?.SetTag("rpc.system", "aws-api");
        activity?.SetTag("rpc.service", "SecretsManager");
        activity?.SetTag("rpc.method", operation);
        activity?.SetTag("secrets.provider", provider);
        if (secretName is not null)
        {
            activity?.SetTag("secrets.name", secretName);
        }

        return activity;
    }

    public async ValueTask<SecretHttpResponse> SendToAgentAsync(SecretReference reference, CancellationToken cancellationToken)
    {
        using var activity = AwsTelemetry.ActivitySource.StartActivity("SecretsManager.Agent.GetSecretValue", ActivityKind.Client);
        activity?.SetTag("secrets.provider", provider);
        activity?.SetTag("secrets.name", reference.Path);
        var started = _time.GetTimestamp();
        var query = "secretsmanager/get?secretId=" + Uri.EscapeDataString(reference.Path);
        if (reference.Version is not null)
        {
            query += "&versionId=" + Uri.EscapeDataString(reference.Version);
        }

        if (reference.Stage is not null)
        {
            query += "&versionStage=" + Uri.EscapeDataString(reference.Stage);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(agentUrl!, query));
        var token = options.AgentToken ?? Environment.GetEnvironmentVariable("AWS_TOKEN") ?? Environment.GetEnvironmentVariable("AWS_SESSION_TOKEN");
        if (!string.IsNullOrEmpty(token))
        {
            request.Headers.TryAddWithoutValidation("X-Aws-Parameters-Secrets-Token", token);
        }

        return await ExchangeAsync(request, "Agent.GetSecretValue", reference.Path, started, activity, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<SecretHttpResponse> ExchangeAsync(HttpRequestMessage request, string operation, string? secretName, long started, Activity? activity, CancellationToken cancellationToken)
    {
        SecretHttpResponse response;
        try
        {
            response = await transport.SendAsync(request, operation, secretName, cancellationToken).ConfigureAwait(false);
        }
        catch (SecretStoreException ex)
        {
            AwsLog.TransportFailed(logger, ex, operation, secretName);
            throw Record(operation, secretName, started, activity, ex, 0);
        }

        var status = (int)response.Status;
        if (response.IsSuccess)
        {
            Record(operation, secretName, started, activity, error: null, status);
            return response;
        }

        using (response)
        {
            var (code, message) = AwsResponseReader.ReadError(response.Body);
            if (response.Headers.TryGetValues("x-amzn-ErrorType", out var types) && AwsErrorMapper.Sanitize(types.FirstOrDefault()) is { Length: > 0 } headerCode)
            {
                code = headerCode;
            }

            var error = AwsErrorMapper.Map(provider, secretName, code, message, response.Status, response.RetryAfter);
            AwsLog.RequestFailed(logger, operation, secretName, error.ErrorCode, status);
            throw Record(operation, secretName, started, activity, error, status);
        }
    }

    private SecretStoreException Record(string operation, string? secretName, long started, Activity? activity, SecretStoreException? error, int status)
    {
        var elapsed = transport.Record(operation, started, error);
        if (status != 0)
        {
            activity?.SetTag("http.response.status_code", status);
        }

        if (error is null)
        {
            AwsLog.RequestSucceeded(logger, operation, secretName, elapsed.TotalMilliseconds);
            return null!;
        }

        activity?.SetStatus(ActivityStatusCode.Error, error.ErrorCode ?? error.GetType().Name);
        activity?.SetTag("error.type", error.ErrorCode ?? error.GetType().Name);
        return error;
    }
}
