using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Identity;

namespace Secrets.Client.Azure;

/// <summary>
/// Turns Azure SDK failures into the core's typed errors: 404 and disabled/expired secrets → not found, 401/403 → access
/// denied, 408/429/5xx and network failures → unavailable (with <c>Retry-After</c>). Messages carry the secret's name,
/// the status and the service's error code; the service's error bodies never hold a value.
/// </summary>
internal static class KeyVaultErrorMapper
{
    public static SecretStoreException Map(string provider, string secretName, Exception exception, out int status)
    {
        status = 0;
        switch (exception)
        {
            case RequestFailedException failed:
                status = failed.Status;
                return MapResponse(provider, secretName, failed);
            case CredentialUnavailableException:
                return new SecretAccessDeniedException(provider, secretName, "No Azure credential is available: " + exception.Message, exception) { ErrorCode = "CredentialUnavailable" };
            case AuthenticationFailedException:
                return new SecretUnavailableException(provider, secretName, "Getting an Azure access token failed: " + exception.Message, exception) { ErrorCode = "AuthenticationFailed" };
            case OperationCanceledException or TimeoutException:
                return new SecretUnavailableException(provider, secretName, "The request timed out.", exception) { ErrorCode = "Timeout" };
            default:
                return new SecretUnavailableException(provider, secretName, $"The request failed: {exception.GetType().Name}.", exception);
        }
    }

    private static SecretStoreException MapResponse(string provider, string secretName, RequestFailedException failed)
    {
        var code = failed.ErrorCode;
        var innerCode = ReadInnerErrorCode(failed);
        var detail = $"Azure Key Vault answered {failed.Status}{(code is null ? string.Empty : " " + code)}{(innerCode is null ? string.Empty : "/" + innerCode)}.";
        return failed.Status switch
        {
            0 => new SecretUnavailableException(provider, secretName, "Azure Key Vault could not be reached.", failed) { ErrorCode = code },
            404 => new SecretNotFoundException(provider, secretName, detail, failed) { ErrorCode = code ?? "SecretNotFound" },
            403 when innerCode is "SecretDisabled" or "SecretExpired" or "SecretNotYetValid" =>
                new SecretNotFoundException(provider, secretName, detail, failed) { ErrorCode = innerCode },
            401 or 403 => new SecretAccessDeniedException(provider, secretName, detail, failed) { ErrorCode = code },
            429 => new SecretUnavailableException(provider, secretName, detail, failed) { ErrorCode = code, IsThrottled = true, RetryAfter = ReadRetryAfter(failed) },
            408 or >= 500 => new SecretUnavailableException(provider, secretName, detail, failed) { ErrorCode = code, RetryAfter = ReadRetryAfter(failed) },
            400 => new InvalidSecretReferenceException(secretName, detail, provider),
            _ => new SecretStoreException(detail, provider, secretName, failed) { ErrorCode = code },
        };
    }

    internal static TimeSpan? ReadRetryAfter(RequestFailedException failed)
    {
        var response = failed.GetRawResponse();
        if (response is null)
        {
            return null;
        }

        foreach (var header in (ReadOnlySpan<string>)["retry-after-ms", "x-ms-retry-after-ms"])
        {
            if (response.Headers.TryGetValue(header, out var ms) && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds) && milliseconds >= 0)
            {
                return TimeSpan.FromMilliseconds(milliseconds);
            }
        }

        if (!response.Headers.TryGetValue("Retry-After", out var value) || string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        if (DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) && response.Headers.Date is { } now)
        {
            var wait = date - now;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    private static string? ReadInnerErrorCode(RequestFailedException failed)
    {
        var content = failed.GetRawResponse()?.Content;
        if (content is null || failed.Status != 403)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(content.ToMemory());
            return document.RootElement.TryGetProperty("error", out var error)
                && error.TryGetProperty("innererror", out var inner)
                && inner.TryGetProperty("code", out var code)
                && code.ValueKind == JsonValueKind.String
                ? code.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
