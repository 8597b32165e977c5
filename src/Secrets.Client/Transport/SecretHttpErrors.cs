using System.Net;

namespace Secrets.Client.Transport;

/// <summary>
/// Turns an HTTP status into the SDK's typed errors, the same way for every adapter: adapters first map the error codes
/// their backend documents, then fall back to this. Messages name the provider and the secret, never a value.
/// </summary>
public static class SecretHttpErrors
{
    /// <summary>Classifies a failed response by its status.</summary>
    /// <param name="provider">The provider's name.</param>
    /// <param name="secretName">The secret, if the request was about one.</param>
    /// <param name="status">The HTTP status.</param>
    /// <param name="errorCode">The backend's error code, if any (recorded on the error, used as its metric outcome).</param>
    /// <param name="detail">What the backend said, already free of values.</param>
    /// <param name="retryAfter">The wait the backend asked for, if any.</param>
    /// <returns>
    /// <see cref="SecretNotFoundException"/> for 404 and 410; <see cref="SecretAccessDeniedException"/> for 401 and 403;
    /// <see cref="SecretUnavailableException"/> (transient, retried) for 408, 429 (throttled) and 5xx; otherwise
    /// <see cref="SecretStoreException"/>.
    /// </returns>
    public static SecretStoreException FromStatus(string provider, string? secretName, HttpStatusCode status, string? errorCode, string detail, TimeSpan? retryAfter)
    {
        var code = string.IsNullOrEmpty(errorCode) ? null : errorCode;
        return (int)status switch
        {
            404 or 410 => new SecretNotFoundException(provider, secretName, detail) { ErrorCode = code },
            401 or 403 => new SecretAccessDeniedException(provider, secretName, detail) { ErrorCode = code },
            429 => new SecretUnavailableException(provider, secretName, detail) { ErrorCode = code, IsThrottled = true, RetryAfter = retryAfter },
            408 or >= 500 => new SecretUnavailableException(provider, secretName, detail) { ErrorCode = code, RetryAfter = retryAfter },
            _ => new SecretStoreException($"Provider '{provider}' refused the request{(secretName is null ? string.Empty : $" for secret '{secretName}'")}. {detail}", provider, secretName) { ErrorCode = code },
        };
    }

    /// <summary>The error for a redirect, which providers never follow: a token or signature must not be replayed to another host.</summary>
    /// <param name="provider">The provider's name.</param>
    /// <param name="secretName">The secret, if the request was about one.</param>
    /// <param name="status">The 3xx status.</param>
    /// <returns>A non-transient error naming the status (not the target, which may carry a token in its query).</returns>
    public static SecretStoreException RedirectRefused(string provider, string? secretName, HttpStatusCode status) =>
        new($"Provider '{provider}' answered HTTP {(int)status}, a redirect; redirects are never followed, so that credentials are not sent to another host. Point the provider's endpoint at the final address.", provider, secretName)
        {
            ErrorCode = "RedirectRefused",
        };
}
