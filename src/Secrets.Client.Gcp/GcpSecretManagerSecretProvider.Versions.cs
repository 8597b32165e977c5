using Secrets.Client.Transport;

namespace Secrets.Client.Gcp;

/// <content>Disabling a version: <c>versions/N:disable</c>.</content>
public partial class GcpSecretManagerSecretProvider
{
    private static readonly byte[] EmptyJsonObject = "{}"u8.ToArray();

    /// <inheritdoc/>
    public override bool SupportsVersionDisabling => true;

    /// <summary>
    /// Stops Secret Manager serving a version with <c>POST .../versions/N:disable</c>: accessing it fails from then on
    /// (the provider reports it as not found, error code <c>SecretVersionDisabled</c>), and the rotation window skips it.
    /// Reversible with <c>versions/N:enable</c>; destroy the version yourself once nothing needs it. Disabling the newest
    /// version is allowed: reading <c>latest</c> then fails until a new version is added.
    /// </summary>
    /// <param name="reference">The secret (<c>project/id</c> or <c>id</c>), pinned to the version number to disable.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes once the version is disabled.</returns>
    /// <exception cref="SecretNotFoundException">The secret or the version does not exist.</exception>
    /// <exception cref="SecretEnvironmentScopeException">With label scoping on, the secret is labelled for another environment.</exception>
    public override async ValueTask DisableSecretVersionAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        var version = RequireVersion(reference);
        var location = _locations.Resolve(reference);
        using var activity = StartActivity("disable", location);
        var started = _telemetry.Started();
        try
        {
            await CheckScopeAsync(location, cancellationToken).ConfigureAwait(false);
            var (_, document) = await _api.PostAsync(location, location.VersionPath + ":disable", EmptyJsonObject, EmptyJsonObject.Length, cancellationToken).ConfigureAwait(false);
            using (document ?? throw new SecretNotFoundException(Name, location.DisplayName, $"It has no version '{version}'.") { ErrorCode = "NOT_FOUND" })
            {
                Record("disable", null, activity, started);
            }
        }
        catch (Exception ex) when (!SecretProviderTelemetry.IsCallerCancellation(ex, cancellationToken))
        {
            throw Fail("disable", location, ex, activity, started);
        }

        SecretProviderLog.VersionDisabled(_logger, Name, location.DisplayName, version, "project " + location.Project, "state DISABLED");
    }
}
