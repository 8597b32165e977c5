using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Secrets.Client.Azure.Events;

/// <summary>
/// Answers Event Grid's webhook protocol: the CloudEvents abuse-protection handshake (OPTIONS with
/// <c>WebHook-Request-Origin</c>), the Event Grid schema's <c>SubscriptionValidationEvent</c> (echo the validation
/// code), and event deliveries (hand each secret change to the store). Every request is authenticated first.
/// </summary>
internal sealed partial class EventGridWebhookHandler
{
    public const string SourceName = "azure-event-grid-webhook";

    private readonly EventGridWebhookOptions _options;
    private readonly SecretReference? _sharedSecret;
    private readonly Lock _sync = new();
    private EventGridWebhookListener? _listener;

    public EventGridWebhookHandler(EventGridWebhookOptions options)
    {
        options.Validate();
        _options = options;
        _sharedSecret = options.SharedSecretReference is { Length: > 0 } reference ? SecretReference.Parse(reference) : null;
    }

    public EventGridWebhookListener? Listener => _listener;

    public async Task HandleAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger<EventGridWebhookHandler>() ?? (ILogger)NullLogger.Instance;
        var store = services.GetRequiredService<ISecretStore>();
        var listener = ListenerFor(services, store);
        var cancellationToken = context.RequestAborted;

        if (!await AuthenticateAsync(context, store, cancellationToken).ConfigureAwait(false))
        {
            LogRejected(logger, context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
            await listener.PushAsync(null, "rejected", cancellationToken).ConfigureAwait(false);
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        listener.Contact();
        if (HttpMethods.IsOptions(context.Request.Method))
        {
            AnswerAbuseProtection(context, logger);
            return;
        }

        var body = await ReadBodyAsync(context, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }

        List<KeyVaultEvent> events;
        try
        {
            events = KeyVaultEventReader.Read(body);
        }
        catch (KeyVaultEventFormatException ex)
        {
            LogMalformed(logger, ex.Message);
            await listener.PushAsync(null, "malformed", cancellationToken).ConfigureAwait(false);
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var validation = events.Find(e => e.Kind == KeyVaultEventKind.SubscriptionValidation);
        if (validation is not null)
        {
            LogValidated(logger);
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(ValidationResponse(validation.ValidationCode!), cancellationToken).ConfigureAwait(false);
            return;
        }

        var applier = new KeyVaultEventApplier(_options.ProviderName, SourceName, listener.PushAsync, logger);
        foreach (var keyVaultEvent in events)
        {
            // A store failure surfaces as 500, so that Event Grid retries the delivery.
            await applier.ApplyAsync(keyVaultEvent, cancellationToken).ConfigureAwait(false);
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    private static byte[] ValidationResponse(string code)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("validationResponse", code);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private EventGridWebhookListener ListenerFor(IServiceProvider services, ISecretStore store)
    {
        lock (_sync)
        {
            return _listener ??= new EventGridWebhookListener(store, _options.ProviderName, services.GetService<TimeProvider>() ?? TimeProvider.System, services.GetService<ILoggerFactory>(), services.GetService<IMeterFactory>());
        }
    }

    private async ValueTask<bool> AuthenticateAsync(HttpContext context, ISecretStore store, CancellationToken cancellationToken)
    {
        if (_sharedSecret is null)
        {
            return true;
        }

        string? presented = context.Request.Headers[_options.HeaderName];
        if (string.IsNullOrEmpty(presented))
        {
            presented = context.Request.Query[_options.QueryParameterName];
        }

        if (string.IsNullOrEmpty(presented))
        {
            return false;
        }

        var secret = await store.GetSecretAsync(_sharedSecret, cancellationToken).ConfigureAwait(false);
        var presentedHash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        // Hash both sides so the comparison takes the same time whatever the lengths; FixedTimeEquals then compares 32 bytes.
        return secret.Value.Use(presentedHash, static (expected, presentedHash) =>
        {
            Span<byte> expectedHash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(expected, expectedHash);
            return CryptographicOperations.FixedTimeEquals(expectedHash, presentedHash);
        });
    }

    private void AnswerAbuseProtection(HttpContext context, ILogger logger)
    {
        string? origin = context.Request.Headers["WebHook-Request-Origin"];
        if (string.IsNullOrEmpty(origin))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var allowed = _options.AllowedOrigins.Any(o => o == "*" || string.Equals(o, origin, StringComparison.OrdinalIgnoreCase));
        if (!allowed)
        {
            LogOriginRefused(logger, origin);
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        context.Response.Headers["WebHook-Allowed-Origin"] = origin;
        context.Response.Headers["WebHook-Allowed-Rate"] = "*";
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    private async Task<BinaryData?> ReadBodyAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (context.Request.ContentLength > _options.MaxBodyBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > _options.MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return new BinaryData(buffer.ToArray());
    }

    [LoggerMessage(EventId = 1310, Level = LogLevel.Warning, Message = "Refused an Event Grid webhook request from {Remote}: missing or wrong shared secret")]
    private static partial void LogRejected(ILogger logger, string remote);

    [LoggerMessage(EventId = 1311, Level = LogLevel.Warning, Message = "Refused a malformed Event Grid delivery: {Reason}")]
    private static partial void LogMalformed(ILogger logger, string reason);

    [LoggerMessage(EventId = 1312, Level = LogLevel.Information, Message = "Answered Event Grid's subscription validation")]
    private static partial void LogValidated(ILogger logger);

    [LoggerMessage(EventId = 1313, Level = LogLevel.Warning, Message = "Refused the CloudEvents handshake from origin {Origin}: not in AllowedOrigins")]
    private static partial void LogOriginRefused(ILogger logger, string origin);
}
