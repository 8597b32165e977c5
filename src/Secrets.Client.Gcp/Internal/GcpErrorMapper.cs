using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Secrets.Client.Gcp;

/// <summary>
/// Turns Secret Manager failures into the core's typed errors. Google's error body is
/// <c>{"error":{"code":404,"message":"...","status":"NOT_FOUND","details":[...]}}</c>; its messages name resources, never
/// payloads, so they are kept (shortened) in ours.
/// </summary>
internal static class GcpErrorMapper
{
    private const int MaxMessageLength = 300;

    public static SecretStoreException MapResponse(string provider, string secretName, int httpStatus, TimeSpan? retryAfterHeader, ReadOnlySpan<byte> body)
    {
        var (status, message, retryDelay) = ReadError(body);
        status ??= StatusFromHttp(httpStatus);
        var detail = $"Secret Manager answered {httpStatus} {status}{(string.IsNullOrEmpty(message) ? "." : ": " + Shorten(message))}";
        var retryAfter = retryAfterHeader ?? retryDelay;
        return status switch
        {
            "NOT_FOUND" => new SecretNotFoundException(provider, secretName, detail) { ErrorCode = status },
            "FAILED_PRECONDITION" => new SecretNotFoundException(provider, secretName, detail) { ErrorCode = PreconditionCode(message) },
            "PERMISSION_DENIED" or "UNAUTHENTICATED" => new SecretAccessDeniedException(provider, secretName, detail) { ErrorCode = status },
            "RESOURCE_EXHAUSTED" => new SecretUnavailableException(provider, secretName, detail) { ErrorCode = status, IsThrottled = true, RetryAfter = retryAfter },
            "UNAVAILABLE" or "DEADLINE_EXCEEDED" or "INTERNAL" or "ABORTED" or "UNKNOWN" =>
                new SecretUnavailableException(provider, secretName, detail) { ErrorCode = status, RetryAfter = retryAfter },
            _ when httpStatus is 408 or 429 or >= 500 =>
                new SecretUnavailableException(provider, secretName, detail) { ErrorCode = status, IsThrottled = httpStatus == 429, RetryAfter = retryAfter },
            _ => new SecretStoreException(Capitalize(SecretStoreExceptionText(provider, secretName)) + " failed. " + detail, provider, secretName) { ErrorCode = status },
        };
    }

    public static SecretStoreException MapException(string provider, string secretName, Exception exception) =>
        exception switch
        {
            OperationCanceledException or TimeoutException =>
                new SecretUnavailableException(provider, secretName, "The request to Secret Manager timed out.", exception) { ErrorCode = "Timeout" },
            HttpRequestException http =>
                new SecretUnavailableException(provider, secretName, $"Secret Manager could not be reached ({http.HttpRequestError}).", exception) { ErrorCode = "ConnectionFailed" },
            JsonException or FormatException =>
                new SecretStoreException($"{Capitalize(SecretStoreExceptionText(provider, secretName))} failed: Secret Manager's answer could not be read ({exception.GetType().Name}).", provider, secretName, exception) { ErrorCode = "MalformedResponse" },
            _ => new SecretUnavailableException(provider, secretName, $"The request failed: {exception.GetType().Name}.", exception),
        };

    internal static string StatusFromHttp(int httpStatus) => httpStatus switch
    {
        400 => "INVALID_ARGUMENT",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        409 => "ALREADY_EXISTS",
        429 => "RESOURCE_EXHAUSTED",
        499 => "CANCELLED",
        500 => "INTERNAL",
        501 => "UNIMPLEMENTED",
        503 => "UNAVAILABLE",
        504 => "DEADLINE_EXCEEDED",
        _ => "HTTP_" + httpStatus.ToString(CultureInfo.InvariantCulture),
    };

    internal static (string? Status, string? Message, TimeSpan? RetryDelay) ReadError(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return (null, null, null);
        }

        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            if (!document.RootElement.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object)
            {
                return (null, null, null);
            }

            var status = error.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            TimeSpan? delay = null;
            if (error.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in details.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.Object
                        && item.TryGetProperty("@type", out var type)
                        && type.GetString()?.EndsWith("google.rpc.RetryInfo", StringComparison.Ordinal) == true
                        && item.TryGetProperty("retryDelay", out var retryDelay)
                        && retryDelay.GetString() is { } text
                        && text.EndsWith('s')
                        && double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
                        && seconds >= 0)
                    {
                        delay = TimeSpan.FromSeconds(seconds);
                    }
                }
            }

            return (status, message, delay);
        }
        catch (JsonException)
        {
            return (null, null, null);
        }
    }

    private static string PreconditionCode(string? message) =>
        message switch
        {
            not null when message.Contains("DISABLED", StringComparison.Ordinal) => "SecretVersionDisabled",
            not null when message.Contains("DESTROYED", StringComparison.Ordinal) => "SecretVersionDestroyed",
            _ => "FAILED_PRECONDITION",
        };

    private static string Shorten(string message) =>
        message.Length <= MaxMessageLength ? message : message[..MaxMessageLength] + "...";

    private static string SecretStoreExceptionText(string provider, string secretName) => $"secret '{secretName}' in provider '{provider}'";

    private static string Capitalize(string text) => char.ToUpperInvariant(text[0]) + text[1..];
}
