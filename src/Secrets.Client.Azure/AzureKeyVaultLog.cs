using Microsoft.Extensions.Logging;

namespace Secrets.Client.Azure;

/// <summary>The provider's log lines. They name secrets, vaults and versions; never values.</summary>
internal static partial class AzureKeyVaultLog
{
    [LoggerMessage(4, LogLevel.Debug, "Secret {SecretName} in vault {Vault} is not usable: {Reason}.")]
    public static partial void NotUsable(ILogger logger, string secretName, string vault, string reason);
}
