using Microsoft.Extensions.Logging;

namespace Secrets.Client.Transport;

/// <summary>
/// The log lines every adapter writes the same way (fetched, stored, refused by scope, request failed), source-generated
/// once here so that adapters share their wording and event ids. They name providers, secrets, locations (a vault, a
/// project) and versions; never a value or a credential.
/// </summary>
public static partial class SecretProviderLog
{
    /// <summary>A secret was fetched (debug).</summary>
    /// <param name="logger">The adapter's logger.</param>
    /// <param name="provider">The provider's name.</param>
    /// <param name="secretName">The secret.</param>
    /// <param name="version">The version read, if known.</param>
    /// <param name="location">Where it lives: the vault, project or mount.</param>
    [LoggerMessage(EventId = 100, Level = LogLevel.Debug, Message = "Provider {Provider} fetched secret {SecretName} version {Version} from {Location}.")]
    public static partial void Fetched(ILogger logger, string provider, string secretName, string? version, string location);

    /// <summary>A new version was written (information).</summary>
    /// <param name="logger">The adapter's logger.</param>
    /// <param name="provider">The provider's name.</param>
    /// <param name="secretName">The secret.</param>
    /// <param name="version">The new version, if known.</param>
    /// <param name="location">Where it lives.</param>
    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Provider {Provider} stored a new version {Version} of secret {SecretName} in {Location}.")]
    public static partial void Stored(ILogger logger, string provider, string secretName, string? version, string location);

    /// <summary>A secret scoped to other environments (by a tag or label at the backend) was refused (warning).</summary>
    /// <param name="logger">The adapter's logger.</param>
    /// <param name="provider">The provider's name.</param>
    /// <param name="secretName">The secret.</param>
    /// <param name="location">Where it lives.</param>
    /// <param name="allowed">The environments it is scoped to.</param>
    /// <param name="environment">The environment this process runs in.</param>
    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Provider {Provider} refused secret {SecretName} in {Location}: scoped to environment(s) {Allowed}, this process runs in {Environment}.")]
    public static partial void OutOfScope(ILogger logger, string provider, string secretName, string location, string allowed, string environment);

    /// <summary>A backend request failed (warning).</summary>
    /// <param name="logger">The adapter's logger.</param>
    /// <param name="provider">The provider's name.</param>
    /// <param name="operation">The operation.</param>
    /// <param name="secretName">The secret, if the request was about one.</param>
    /// <param name="location">Where it lives.</param>
    /// <param name="outcome">What went wrong: the status, error type and backend code.</param>
    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "Provider {Provider}: {Operation} of secret {SecretName} in {Location} failed: {Outcome}.")]
    public static partial void RequestFailed(ILogger logger, string provider, string operation, string? secretName, string location, string outcome);

    /// <summary>A version was disabled so that the backend no longer serves it (information).</summary>
    /// <param name="logger">The adapter's logger.</param>
    /// <param name="provider">The provider's name.</param>
    /// <param name="secretName">The secret.</param>
    /// <param name="version">The version disabled.</param>
    /// <param name="location">Where it lives.</param>
    /// <param name="how">What the backend did (labels removed, disabled, deleted).</param>
    [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "Provider {Provider} disabled version {Version} of secret {SecretName} in {Location}: {How}.")]
    public static partial void VersionDisabled(ILogger logger, string provider, string secretName, string version, string location, string how);
}
