using System.Globalization;
using System.Text;
using Secrets.Client.Transport;

namespace Secrets.Client.Vault;

/// <content>Disabling a version: a KV v2 soft delete of that version.</content>
public partial class HashiCorpVaultSecretProvider
{
    /// <inheritdoc/>
    public override bool SupportsVersionDisabling => true;

    /// <summary>
    /// Stops Vault serving a version with a KV v2 soft delete of that version (<c>POST mount/delete/path</c> with
    /// <c>{"versions":[N]}</c>): reads of it are refused from then on (the provider reports them as not found, error code
    /// <c>SecretDeleted</c>), and the rotation window skips it. The data stays until it is destroyed: a soft delete, unlike
    /// <c>destroy</c>, can be undone (<c>vault kv undelete -versions=N</c>) if the wrong version was named in a hurry,
    /// as disabling can on the other backends; destroy it (<c>vault kv destroy -versions=N</c>) once nothing needs it.
    /// Deleting the current version is allowed: reads of the secret then fail until a new version is written. Vault
    /// answers the same whether or not the version exists.
    /// </summary>
    /// <param name="reference">The secret (<c>mount/path</c>), pinned to the version number to disable.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes once the version is deleted.</returns>
    /// <exception cref="InvalidSecretReferenceException">The version is not a positive number.</exception>
    public override async ValueTask DisableSecretVersionAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        RequireVersion(reference);
        var location = _locations.Resolve(reference);
        var version = _locations.ParseVersion(reference)!.Value;
        using var activity = StartActivity("disable", location, reference.Version);
        var started = _telemetry.Started();
        try
        {
            var body = Encoding.UTF8.GetBytes($"{{\"versions\":[{version.ToString(CultureInfo.InvariantCulture)}]}}");
            using var response = await _api.SendAsync(HttpMethod.Post, location.ApiPath("delete"), body, location, cancellationToken).ConfigureAwait(false);
            if (((int)response.Status) is not (200 or 204))
            {
                throw VaultErrorMapper.Map(Name, location.DisplayName, response, reference.ToString());
            }
        }
        catch (Exception ex) when (!SecretProviderTelemetry.IsCallerCancellation(ex, cancellationToken))
        {
            throw Fail("disable", location, ex, activity, started);
        }

        Record("disable", "ok", activity, started);
        SecretProviderLog.VersionDisabled(_logger, Name, location.DisplayName, reference.Version!, "mount " + location.Mount, "soft-deleted");
    }
}
