using Secrets.Client.Transport;
using KeyVaultSecretProperties = Azure.Security.KeyVault.Secrets.SecretProperties;

namespace Secrets.Client.Azure;

/// <content>Disabling a version: its <c>enabled</c> attribute set to false.</content>
public partial class AzureKeyVaultSecretProvider
{
    /// <inheritdoc/>
    public override bool SupportsVersionDisabling => true;

    /// <summary>
    /// Stops Key Vault serving a version by setting its <c>enabled</c> attribute to false with
    /// <see cref="global::Azure.Security.KeyVault.Secrets.SecretClient.UpdateSecretPropertiesAsync"/> (<c>PATCH
    /// secrets/{name}/{version}</c>): reads of it are refused from then on (the provider reports them as not found, error
    /// code <c>SecretDisabled</c>), and the rotation window skips it. Reversible with
    /// <c>az keyvault secret set-attributes --enabled true</c>. Disabling the current version is allowed: reads of the
    /// secret then fail until a new version is stored. With environment tags on, a version tagged for another
    /// environment is refused first.
    /// </summary>
    /// <param name="reference">The secret (<c>vault/name</c> or <c>name</c>), pinned to the version to disable.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes once the version is disabled.</returns>
    /// <exception cref="SecretNotFoundException">The secret or the version does not exist.</exception>
    /// <exception cref="SecretEnvironmentScopeException">The version is tagged for another environment.</exception>
    public override async ValueTask DisableSecretVersionAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        var version = RequireVersion(reference);
        var location = _locations.Resolve(reference);
        using var activity = StartActivity("disable", location, version);
        var started = _telemetry.Started();
        if (_options.EnvironmentTagName is not null)
        {
            var found = await FindVersionAsync(location, version, activity, started, cancellationToken).ConfigureAwait(false);
            try
            {
                _rules.EnsureInScope(location, found);
            }
            catch (SecretStoreException ex)
            {
                Record("disable", ex, activity, started);
                throw;
            }
        }

        try
        {
            var id = new Uri(location.VaultUri, $"secrets/{Uri.EscapeDataString(location.SecretName)}/{Uri.EscapeDataString(version)}");
            await _api.For(location.VaultUri).UpdateSecretPropertiesAsync(new KeyVaultSecretProperties(id) { Enabled = false }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!SecretProviderTelemetry.IsCallerCancellation(ex, cancellationToken))
        {
            throw Fail("disable", location, ex, activity, started);
        }

        Record("disable", null, activity, started);
        SecretProviderLog.VersionDisabled(_logger, Name, location.DisplayName, version, "vault " + location.Vault, "enabled set to false");
    }
}
