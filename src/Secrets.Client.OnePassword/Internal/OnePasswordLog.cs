using Microsoft.Extensions.Logging;

namespace Secrets.Client.OnePassword;

/// <summary>The package's log messages: provider names only, never values.</summary>
internal static partial class OnePasswordLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "1Password provider '{Provider}' uses the CLI in the Production environment because AllowInProduction is set.")]
    internal static partial void CliInProduction(ILogger logger, string provider);
}
