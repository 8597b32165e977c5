using Microsoft.Extensions.Logging;

namespace Secrets.Client.Azure;

/// <summary>The provider's log lines. They name secrets, vaults and versions; never values.</summary>
internal static partial class AzureKeyVaultLog
{
    [LoggerMessage(1, LogLevel.Debug, "Fetched secret {SecretName} version {Version} from vault {Vault}.")]
    public static partial void Fetched(ILogger logger, string secretName, string? version, string vault);

    [LoggerMessage(2, LogLevel.Warning, "Key Vault {Operation} of secret {SecretName} in vault {Vault} failed: status {Status}, code {ErrorCode}.")]
    public static partial void RequestFailed(ILogger logger, string operation, string? secretName, string vault, int status, string? errorCode);

    [LoggerMessage(3, LogLevel.Warning, "Refused secret {SecretName} in vault {Vault}: tagged for environment(s) {Allowed}, this process runs in {Environment}.")]
    public static partial void OutOfScope(ILogger logger, string secretName, string vault, string allowed, string environment);

    [LoggerMessage(4, LogLevel.Debug, "Secret {SecretName} in vault {Vault} is not usable: {Reason}.")]
    public static partial void NotUsable(ILogger logger, string secretName, string vault, string reason);

    [LoggerMessage(5, LogLevel.Information, "Stored a new version {Version} of secret {SecretName} in vault {Vault}.")]
    public static partial void Stored(ILogger logger, string secretName, string? version, string vault);
}
