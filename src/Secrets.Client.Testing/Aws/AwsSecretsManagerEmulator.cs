using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Secrets.Client.Testing;

/// <summary>
/// An in-process AWS Secrets Manager on a loopback port: the AWS JSON 1.1 protocol (<c>POST /</c>,
/// <c>X-Amz-Target: secretsmanager.*</c>) with SigV4 verification, version ids and staging labels with AWS's semantics,
/// pagination, the local agent endpoint, and fault knobs. Point any client at <see cref="Endpoint"/> with
/// <see cref="AccessKeyId"/>, <see cref="SecretAccessKey"/> and <see cref="Region"/>.
/// </summary>
/// <remarks>
/// Operations: CreateSecret, PutSecretValue, GetSecretValue, BatchGetSecretValue, DescribeSecret, ListSecretVersionIds,
/// ListSecrets, RotateSecret (completes a rotation at once with <see cref="AwsSecretsManagerEmulatorOptions.Rotator"/>)
/// and DeleteSecret. All members are thread-safe.
/// </remarks>
public sealed class AwsSecretsManagerEmulator : IAsyncDisposable
{
    private const string JsonContentType = "application/x-amz-json-1.1";
    private const string TargetPrefix = "secretsmanager.";
    private readonly AwsSecretsManagerEmulatorOptions _options;
    private readonly AwsEmulatorBackend _backend;
    private readonly AwsSigV4Verifier _verifier;
    private readonly ConcurrentDictionary<string, long> _operationCounts = new(StringComparer.Ordinal);
    private LoopbackServer? _server;
    private long _requestCount;

    private AwsSecretsManagerEmulator(AwsSecretsManagerEmulatorOptions options)
    {
        _options = options;
        _backend = new AwsEmulatorBackend(options);
        _verifier = new AwsSigV4Verifier(options);
    }

    /// <summary>Gets the base address, for example <c>http://127.0.0.1:49152/</c>.</summary>
    public Uri Endpoint => Server.Endpoint;

    /// <summary>Gets the region the emulator serves.</summary>
    public string Region => _options.Region;

    /// <summary>Gets the access key id the emulator accepts.</summary>
    public string AccessKeyId => _options.AccessKeyId;

    /// <summary>Gets the secret access key the emulator verifies signatures with (a test value, not a real credential).</summary>
    public string SecretAccessKey => _options.SecretAccessKey;

    /// <summary>Gets the session token requests must carry, if any.</summary>
    public string? SessionToken => _options.SessionToken;

    /// <summary>Gets the token the local agent endpoint requires in <c>X-Aws-Parameters-Secrets-Token</c>.</summary>
    public string AgentToken => _options.AgentToken;

    /// <summary>Gets the server certificate when serving HTTPS.</summary>
    public X509Certificate2? Certificate => Server.Certificate;

    /// <summary>Gets the fault knobs: latency, throttling, server errors and dropped connections.</summary>
    public EmulatorFaults Faults { get; } = new();

    /// <summary>Gets how many HTTP requests reached the emulator, whatever their outcome.</summary>
    public long RequestCount => Interlocked.Read(ref _requestCount);

    /// <summary>Gets how many secrets exist (including those scheduled for deletion).</summary>
    public int SecretCount => _backend.Count;

    private LoopbackServer Server => _server ?? throw new InvalidOperationException("The emulator is not started.");

    /// <summary>Starts an emulator on a loopback port.</summary>
    /// <param name="options">Settings; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator; dispose it to stop.</returns>
    public static async Task<AwsSecretsManagerEmulator> StartAsync(AwsSecretsManagerEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new AwsSecretsManagerEmulatorOptions();
        var emulator = new AwsSecretsManagerEmulator(options);
        emulator._server = await LoopbackServer.StartAsync(emulator.HandleAsync, options.UseHttps, options.Port, cancellationToken).ConfigureAwait(false);
        return emulator;
    }

    /// <summary>Gets how many requests named <paramref name="operation"/> (for example <c>GetSecretValue</c>) reached the emulator.</summary>
    /// <param name="operation">The operation name, without the <c>secretsmanager.</c> prefix.</param>
    /// <returns>The count.</returns>
    public long GetRequestCount(string operation) => _operationCounts.TryGetValue(operation, out var count) ? count : 0;

    /// <summary>Sets every request counter back to zero.</summary>
    public void ResetRequestCounts()
    {
        Interlocked.Exchange(ref _requestCount, 0);
        _operationCounts.Clear();
    }

    /// <summary>Creates a secret holding text, its first version staged <c>AWSCURRENT</c>.</summary>
    /// <param name="name">The secret's name.</param>
    /// <param name="value">The value.</param>
    /// <param name="description">An optional description.</param>
    /// <returns>The new secret's ARN.</returns>
    public string CreateSecret(string name, string value, string? description = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        return Seed(() => _backend.Create(name, value, null, description).Arn);
    }

    /// <summary>Creates a secret holding bytes (<c>SecretBinary</c>), its first version staged <c>AWSCURRENT</c>.</summary>
    /// <param name="name">The secret's name.</param>
    /// <param name="value">The value.</param>
    /// <returns>The new secret's ARN.</returns>
    public string CreateSecret(string name, byte[] value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        return Seed(() => _backend.Create(name, null, value).Arn);
    }

    /// <summary>Stores a new text version, by default staged <c>AWSCURRENT</c> (which moves the old current to <c>AWSPREVIOUS</c>).</summary>
    /// <param name="secretId">The secret's name or ARN.</param>
    /// <param name="value">The value.</param>
    /// <param name="stages">The staging labels to attach; none means <c>AWSCURRENT</c>.</param>
    /// <returns>The new version id.</returns>
    public string PutSecretValue(string secretId, string value, params string[] stages)
    {
        ArgumentException.ThrowIfNullOrEmpty(secretId);
        ArgumentNullException.ThrowIfNull(value);
        return Seed(() => _backend.Put(secretId, value, null, stages));
    }

    /// <summary>Stores a new binary version, by default staged <c>AWSCURRENT</c>.</summary>
    /// <param name="secretId">The secret's name or ARN.</param>
    /// <param name="value">The value.</param>
    /// <param name="stages">The staging labels to attach; none means <c>AWSCURRENT</c>.</param>
    /// <returns>The new version id.</returns>
    public string PutSecretValue(string secretId, byte[] value, params string[] stages)
    {
        ArgumentException.ThrowIfNullOrEmpty(secretId);
        ArgumentNullException.ThrowIfNull(value);
        return Seed(() => _backend.Put(secretId, null, value, stages));
    }

    /// <summary>Gets the id of the version carrying a staging label.</summary>
    /// <param name="secretId">The secret's name or ARN.</param>
    /// <param name="stage">The label, for example <c>AWSCURRENT</c>.</param>
    /// <returns>The version id, or <see langword="null"/> when no version carries the label.</returns>
    public string? GetVersionId(string secretId, string stage = "AWSCURRENT") => Seed(() => _backend.VersionIdOf(secretId, stage));

    /// <summary>Schedules a secret for deletion (reads then fail with <c>InvalidRequestException</c>), or removes it at once.</summary>
    /// <param name="secretId">The secret's name or ARN.</param>
    /// <param name="force">Remove it now instead of scheduling.</param>
    public void DeleteSecret(string secretId, bool force = false) => Seed<object?>(() =>
    {
        _backend.ScheduleDeletion(secretId, force);
        return null;
    });

    /// <summary>Creates an <see cref="HttpMessageHandler"/> that trusts this emulator's certificate when it serves HTTPS.</summary>
    /// <returns>A handler.</returns>
    public HttpMessageHandler CreateHandler() => Server.CreateHandler();

    /// <summary>Stops the emulator.</summary>
    /// <returns>A task that completes when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => _server is null ? "AwsSecretsManagerEmulator (stopped)" : $"AwsSecretsManagerEmulator {Endpoint} ({Region})";

    private static T Seed<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (AwsEmulatorException ex)
        {
            throw new InvalidOperationException($"{ex.Code}: {ex.Message}", ex);
        }
    }

    private static async Task WriteErrorAsync(HttpContext context, AwsEmulatorException error)
    {
        context.Response.StatusCode = (int)error.Status;
        context.Response.ContentType = JsonContentType;
        context.Response.Headers["x-amzn-ErrorType"] = error.Code;
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("__type", error.Code);
            writer.WriteString("message", error.Message);
            writer.WriteEndObject();
        }

        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requestCount);
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        await Faults.DelayAsync(_options.TimeProvider, context.RequestAborted).ConfigureAwait(false);

        switch (Faults.Next())
        {
            case EmulatorFault.DropConnection:
                context.Abort();
                return;
            case EmulatorFault.Throttle:
                if (Faults.RetryAfter is { } retryAfter)
                {
                    context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }

                await WriteErrorAsync(context, new AwsEmulatorException("ThrottlingException", "Rate exceeded")).ConfigureAwait(false);
                return;
            case EmulatorFault.ServerError:
                await WriteErrorAsync(context, new AwsEmulatorException("InternalServiceError", "An error occurred on the server side.", HttpStatusCode.InternalServerError)).ConfigureAwait(false);
                return;
        }

        try
        {
            if (HttpMethods.IsGet(context.Request.Method) && context.Request.Path == "/secretsmanager/get")
            {
                await HandleAgentAsync(context).ConfigureAwait(false);
                return;
            }

            if (!HttpMethods.IsPost(context.Request.Method) || context.Request.Path != "/")
            {
                throw new AwsEmulatorException("UnknownOperationException", "Requests must be POST / with an X-Amz-Target header.", HttpStatusCode.NotFound);
            }

            var target = context.Request.Headers["X-Amz-Target"].ToString();
            if (!target.StartsWith(TargetPrefix, StringComparison.Ordinal))
            {
                throw new AwsEmulatorException("UnknownOperationException", $"Unknown target '{target}'.");
            }

            var operation = target[TargetPrefix.Length..];
            _operationCounts.AddOrUpdate(operation, 1, static (_, count) => count + 1);
            var body = await ReadBodyAsync(context).ConfigureAwait(false);
            if (_options.RequireSignature)
            {
                _verifier.Verify(context.Request, body);
            }

            if (!context.Request.ContentType?.StartsWith(JsonContentType, StringComparison.OrdinalIgnoreCase) ?? true)
            {
                throw new AwsEmulatorException("SerializationException", $"Content-Type must be {JsonContentType}.");
            }

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(body.Length == 0 ? "{}"u8.ToArray() : body);
            }
            catch (JsonException)
            {
                throw new AwsEmulatorException("SerializationException", "The request body is not valid JSON.");
            }

            var buffer = new ArrayBufferWriter<byte>();
            using (document)
            using (var writer = new Utf8JsonWriter(buffer))
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new AwsEmulatorException("SerializationException", "The request body must be a JSON object.");
                }

                writer.WriteStartObject();
                _backend.Dispatch(operation, document.RootElement, writer);
                writer.WriteEndObject();
            }

            context.Response.StatusCode = 200;
            context.Response.ContentType = JsonContentType;
            context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
        }
        catch (AwsEmulatorException ex)
        {
            await WriteErrorAsync(context, ex).ConfigureAwait(false);
        }
    }

    private async Task HandleAgentAsync(HttpContext context)
    {
        _operationCounts.AddOrUpdate("Agent.GetSecretValue", 1, static (_, count) => count + 1);
        var token = context.Request.Headers["X-Aws-Parameters-Secrets-Token"].ToString();
        if (token != _options.AgentToken)
        {
            throw new AwsEmulatorException("AccessDeniedException", "Forbidden: missing or wrong X-Aws-Parameters-Secrets-Token.", HttpStatusCode.Forbidden);
        }

        var query = context.Request.Query;
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            _backend.AgentGet(query["secretId"].ToString(), NullIfEmpty(query["versionId"].ToString()), NullIfEmpty(query["versionStage"].ToString()), writer);
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private static async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        using var stream = new MemoryStream();
        await context.Request.Body.CopyToAsync(stream, context.RequestAborted).ConfigureAwait(false);
        if (stream.Length > 2 * 1024 * 1024)
        {
            throw new AwsEmulatorException("SerializationException", "The request body is too large.", HttpStatusCode.RequestEntityTooLarge);
        }

        return stream.ToArray();
    }
}
