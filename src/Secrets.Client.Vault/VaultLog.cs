using Microsoft.Extensions.Logging;

namespace Secrets.Client.Vault;

/// <summary>The provider's log lines. They name secrets, mounts, auth methods and versions; never values or tokens.</summary>
internal static partial class VaultLog
{
    [LoggerMessage(1, LogLevel.Debug, "Fetched secret {SecretName} version {Version} from Vault.")]
    public static partial void Fetched(ILogger logger, string secretName, int version);

    [LoggerMessage(2, LogLevel.Warning, "Vault {Operation} of {SecretName} failed: status {Status}, code {ErrorCode}.")]
    public static partial void RequestFailed(ILogger logger, string operation, string secretName, int status, string? errorCode);

    [LoggerMessage(3, LogLevel.Information, "Logged in to Vault with {AuthMethod} at auth/{AuthMount}; token lease {LeaseSeconds} s, renewable {Renewable}.")]
    public static partial void LoggedIn(ILogger logger, string authMethod, string authMount, long leaseSeconds, bool renewable);

    [LoggerMessage(4, LogLevel.Debug, "Renewed the Vault token; lease {LeaseSeconds} s.")]
    public static partial void Renewed(ILogger logger, long leaseSeconds);

    [LoggerMessage(5, LogLevel.Warning, "Vault login with {AuthMethod} at auth/{AuthMount} failed: status {Status}, code {ErrorCode}.")]
    public static partial void LoginFailed(ILogger logger, string authMethod, string authMount, int status, string? errorCode);

    [LoggerMessage(6, LogLevel.Information, "Stored version {Version} of secret {SecretName} in Vault.")]
    public static partial void Stored(ILogger logger, string secretName, int version);

    [LoggerMessage(7, LogLevel.Information, "Vault refused the token for {SecretName}; logging in again once.")]
    public static partial void Relogin(ILogger logger, string secretName);

    [LoggerMessage(8, LogLevel.Debug, "Renewing the Vault token was refused (status {Status}); logging in again.")]
    public static partial void RenewRefused(ILogger logger, int status);
}
