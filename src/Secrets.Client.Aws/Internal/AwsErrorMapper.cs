using System.Net;

namespace Secrets.Client.Aws;

/// <summary>Maps Secrets Manager error codes onto the core's typed errors.</summary>
internal static class AwsErrorMapper
{
    /// <summary>Reduces an error code to its bare name as the AWS SDKs do: drops a namespace before '#' and anything after ':'.</summary>
    public static string Sanitize(string? code)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            return string.Empty;
        }

        var text = code.Trim();
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            text = text[..colon];
        }

        var hash = text.LastIndexOf('#');
        if (hash >= 0)
        {
            text = text[(hash + 1)..];
        }

        return text.Trim();
    }

    public static SecretStoreException Map(string provider, string? secretName, string code, string? message, HttpStatusCode status, TimeSpan? retryAfter)
    {
        var detail = Detail(code, message, status);
        switch (code)
        {
            case "ResourceNotFoundException":
                return new SecretNotFoundException(provider, secretName, detail) { ErrorCode = code };
            case "AccessDeniedException" or "AccessDenied" or "DecryptionFailure" or "EncryptionFailure" or "UnrecognizedClientException"
                or "InvalidSignatureException" or "IncompleteSignatureException" or "MissingAuthenticationTokenException"
                or "ExpiredTokenException" or "InvalidClientTokenId" or "SignatureDoesNotMatch" or "NotAuthorized" or "KMSAccessDeniedException":
                return new SecretAccessDeniedException(provider, secretName, detail) { ErrorCode = code };
            case "InvalidRequestException" when IsScheduledForDeletion(message):
                return new SecretNotFoundException(provider, secretName, "The secret is scheduled for deletion. " + detail) { ErrorCode = code };
            case "ThrottlingException" or "Throttling" or "TooManyRequestsException" or "RequestLimitExceeded" or "RequestThrottled"
                or "RequestThrottledException" or "SlowDown" or "ProvisionedThroughputExceededException":
                return new SecretUnavailableException(provider, secretName, detail) { ErrorCode = code, IsThrottled = true, RetryAfter = retryAfter };
            case "InternalServiceError" or "InternalFailure" or "ServiceUnavailable" or "ServiceUnavailableException" or "RequestTimeout"
                or "RequestTimeoutException" or "PriorRequestNotComplete" or "EC2ThrottledException":
                return new SecretUnavailableException(provider, secretName, detail) { ErrorCode = code, RetryAfter = retryAfter };
        }

        if ((int)status >= 500 || status == HttpStatusCode.TooManyRequests)
        {
            return new SecretUnavailableException(provider, secretName, detail) { ErrorCode = code.Length == 0 ? null : code, IsThrottled = status == HttpStatusCode.TooManyRequests, RetryAfter = retryAfter };
        }

        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return new SecretAccessDeniedException(provider, secretName, detail) { ErrorCode = code.Length == 0 ? null : code };
        }

        if (status == HttpStatusCode.NotFound && code.Length == 0)
        {
            return new SecretNotFoundException(provider, secretName, detail);
        }

        return new SecretStoreException($"AWS Secrets Manager refused the request for secret '{secretName}' of provider '{provider}'. {detail}", provider, secretName) { ErrorCode = code.Length == 0 ? null : code };
    }

    private static bool IsScheduledForDeletion(string? message) =>
        message is not null && (message.Contains("deletion", StringComparison.OrdinalIgnoreCase) || message.Contains("deleted", StringComparison.OrdinalIgnoreCase));

    private static string Detail(string code, string? message, HttpStatusCode status)
    {
        var text = message ?? string.Empty;
        // Signature errors carry the canonical request after a blank line; the first line says enough.
        var newline = text.IndexOfAny(['\r', '\n']);
        if (newline >= 0)
        {
            text = text[..newline];
        }

        if (text.Length > 300)
        {
            text = text[..300] + "...";
        }

        text = string.Concat(text.Where(c => !char.IsControl(c)));
        var name = code.Length == 0 ? $"HTTP {(int)status}" : $"{code} (HTTP {(int)status})";
        return text.Length == 0 ? $"AWS said {name}." : $"AWS said {name}: {text}";
    }
}
