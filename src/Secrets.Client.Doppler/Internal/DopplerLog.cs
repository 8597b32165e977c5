using Microsoft.Extensions.Logging;

namespace Secrets.Client.Doppler;

/// <summary>The package's log messages: provider names and counts only, never values.</summary>
internal static partial class DopplerLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Doppler provider '{Provider}' uses the CLI in the Production environment because AllowInProduction is set.")]
    internal static partial void CliInProduction(ILogger logger, string provider);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Doppler provider '{Provider}' loaded its config ({Count} secrets).")]
    internal static partial void Loaded(ILogger logger, string provider, int count);
}
