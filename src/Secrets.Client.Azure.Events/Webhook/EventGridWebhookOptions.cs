using System.ComponentModel.DataAnnotations;

namespace Secrets.Client.Azure.Events;

/// <summary>
/// Settings for the Event Grid webhook endpoint (<c>MapKeyVaultEventGridWebhook</c>): how requests authenticate and
/// which origins may deliver CloudEvents.
/// </summary>
/// <remarks>
/// Event Grid cannot sign webhook deliveries with a key the receiver holds, so the endpoint is authenticated by a shared
/// secret that the subscription's endpoint URL carries (a query parameter) or that Event Grid sends as a delivery header
/// (a "secret" delivery attribute). The expected value is read from <see cref="ISecretStore"/> on every request (so it
/// rotates like any other secret) and compared in constant time.
/// </remarks>
public sealed class EventGridWebhookOptions
{
    /// <summary>Gets or sets the store's name of the Key Vault provider the events are for. Default <c>azure-kv</c>.</summary>
    public string ProviderName { get; set; } = "azure-kv";

    /// <summary>
    /// Gets or sets the reference of the shared secret a request must present (for example
    /// <c>azure-kv://my-vault/eventgrid-webhook-key</c>), read through the store. Required unless
    /// <see cref="AllowUnauthenticated"/> is set.
    /// </summary>
    public string? SharedSecretReference { get; set; }

    /// <summary>Gets or sets the query parameter that may carry the shared secret. Default <c>code</c>.</summary>
    public string QueryParameterName { get; set; } = "code";

    /// <summary>Gets or sets the request header that may carry the shared secret. Default <c>X-Secrets-Webhook-Key</c>.</summary>
    public string HeaderName { get; set; } = "X-Secrets-Webhook-Key";

    /// <summary>
    /// Gets or sets a value indicating whether requests are accepted without a shared secret. Default <see langword="false"/>.
    /// An unauthenticated endpoint still cannot inject a value (an event only triggers a version check), but anyone can make it check.
    /// </summary>
    public bool AllowUnauthenticated { get; set; }

    /// <summary>
    /// Gets the origins allowed to deliver CloudEvents (the <c>WebHook-Request-Origin</c> of the OPTIONS handshake).
    /// Default <c>eventgrid.azure.net</c>; <c>*</c> allows any.
    /// </summary>
    public IList<string> AllowedOrigins { get; } = ["eventgrid.azure.net"];

    /// <summary>Gets or sets the largest body accepted (Event Grid batches are at most 1 MB). Default 1 MiB.</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Validates the settings once, when the endpoint is mapped.</summary>
    /// <exception cref="ValidationException">A setting is out of range, or no shared secret is set and unauthenticated requests are not allowed.</exception>
    public void Validate()
    {
        // Checked by hand rather than with data annotations' reflection: this package is trimming- and AOT-compatible.
        ValidateRanges();
        if (string.IsNullOrEmpty(SharedSecretReference) && !AllowUnauthenticated)
        {
            throw new ValidationException("Set SharedSecretReference (the secret Event Grid presents), or AllowUnauthenticated to accept any caller.");
        }

        if (SharedSecretReference is { Length: > 0 } reference && !SecretReference.TryParse(reference, out _))
        {
            throw new ValidationException("SharedSecretReference is not a valid secret reference.");
        }
    }

    private void ValidateRanges()
    {
        Check(!string.IsNullOrWhiteSpace(ProviderName), nameof(ProviderName), "must name the store's Key Vault provider");
        Check(!string.IsNullOrWhiteSpace(QueryParameterName), nameof(QueryParameterName), "must be set");
        Check(!string.IsNullOrWhiteSpace(HeaderName), nameof(HeaderName), "must be set");
        Check(MaxBodyBytes is >= 1024 and <= 64 * 1024 * 1024, nameof(MaxBodyBytes), "must be 1 KiB to 64 MiB");
    }

    private static void Check(bool ok, string name, string problem)
    {
        if (!ok)
        {
            throw new ValidationException($"EventGridWebhookOptions.{name} {problem}.");
        }
    }
}
