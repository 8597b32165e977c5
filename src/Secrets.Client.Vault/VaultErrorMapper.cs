using System.Text.Json;
using Secrets.Client.Transport;

namespace Secrets.Client.Vault;

/// <summary>
/// Turns Vault answers into the core's typed errors: 404 (also deleted and destroyed versions) → not found, 401/403 →
/// access denied, 429 → throttled, 5xx (a sealed Vault answers 503) and network failures → unavailable, 400 → invalid
/// reference. Messages quote only Vault's <c>errors</c> array, which never holds a value.
/// </summary>
internal static class VaultErrorMapper
{
    public static SecretStoreException Map(string provider, string secretName, SecretHttpResponse response, string? referenceText = null)
    {
        var errors = VaultJson.ReadErrors(response.Body);
        var status = (int)response.Status;
        var detail = $"Vault answered {status}{(errors is null ? string.Empty : ": " + errors)}.";
        switch (status)
        {
            case 404:
                return NotFound(provider, secretName, response, detail);
            case 401 or 403:
                return new SecretAccessDeniedException(provider, secretName, detail) { ErrorCode = "PermissionDenied" };
            case 429:
                return new SecretUnavailableException(provider, secretName, detail) { ErrorCode = "RateLimited", IsThrottled = true, RetryAfter = response.RetryAfter };
            case 503 when errors?.Contains("sealed", StringComparison.OrdinalIgnoreCase) == true:
                return new SecretUnavailableException(provider, secretName, detail) { ErrorCode = "Sealed", RetryAfter = response.RetryAfter };
            case 408 or 412 or 473 or >= 500:
                // 412: a performance standby has not caught up yet; 473: a standby that cannot serve the request.
                return new SecretUnavailableException(provider, secretName, detail) { ErrorCode = "ServerError", RetryAfter = response.RetryAfter };
            case 400:
                return new InvalidSecretReferenceException(referenceText ?? secretName, $"Vault refused the request. {detail}", provider) { ErrorCode = "BadRequest" };
            default:
                return new SecretStoreException($"Vault request for {(referenceText ?? secretName)} in provider '{provider}' failed. {detail}", provider, secretName) { ErrorCode = "Status" + status };
        }
    }

    public static SecretStoreException MapException(string provider, string secretName, Exception exception) =>
        exception switch
        {
            SecretStoreException known => known,
            OperationCanceledException or TimeoutException =>
                new SecretUnavailableException(provider, secretName, "The request to Vault timed out.", exception) { ErrorCode = "Timeout" },
            HttpRequestException http =>
                new SecretUnavailableException(provider, secretName, $"Vault could not be reached ({http.HttpRequestError}).", exception) { ErrorCode = "NetworkError" },
            JsonException =>
                new SecretStoreException($"Vault's answer for secret '{secretName}' in provider '{provider}' is not the JSON Vault sends.", provider, secretName, exception) { ErrorCode = "MalformedResponse" },
            _ => new SecretUnavailableException(provider, secretName, $"The request to Vault failed: {exception.GetType().Name}.", exception),
        };

    private static SecretNotFoundException NotFound(string provider, string secretName, SecretHttpResponse response, string detail)
    {
        // A deleted or destroyed version answers 404 with its metadata: say which, so that nobody hunts for a typo.
        VaultKvVersion? metadata = null;
        try
        {
            metadata = VaultJson.ReadKvData(response.Body).Metadata;
        }
        catch (JsonException)
        {
        }

        if (metadata is { Destroyed: true })
        {
            return new SecretNotFoundException(provider, secretName, $"Version {metadata.Version} was destroyed.") { ErrorCode = "SecretDestroyed" };
        }

        if (metadata?.DeletedOn is { } deleted)
        {
            return new SecretNotFoundException(provider, secretName, $"Version {metadata.Version} was deleted at {deleted:O}.") { ErrorCode = "SecretDeleted" };
        }

        return new SecretNotFoundException(provider, secretName, detail) { ErrorCode = "NotFound" };
    }
}
