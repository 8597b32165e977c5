using Microsoft.Extensions.Logging;

namespace Secrets.Client.Local;

/// <summary>The package's log messages. They name providers, files and keys, never values.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Provider '{Provider}' loaded {Count} keys from .env file '{Path}'.")]
    internal static partial void DotEnvLoaded(ILogger logger, string provider, int count, string path);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Provider '{Provider}' reloaded .env file '{Path}' after it changed on disk ({Count} keys).")]
    internal static partial void DotEnvReloaded(ILogger logger, string provider, string path, int count);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Provider '{Provider}': optional .env file '{Path}' does not exist; it serves no keys.")]
    internal static partial void DotEnvMissingOptional(ILogger logger, string provider, string path);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Provider '{Provider}' could not load .env file '{Path}'.")]
    internal static partial void DotEnvLoadFailed(ILogger logger, string provider, string path, Exception exception);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Local secret provider '{Provider}' runs in the Production environment because AllowInProduction is set.")]
    internal static partial void RunningInProduction(ILogger logger, string provider);

    [LoggerMessage(EventId = 6, Level = LogLevel.Debug, Message = "Provider '{Provider}' loaded {Count} variables from direnv for '{Directory}'.")]
    internal static partial void DirenvLoaded(ILogger logger, string provider, int count, string directory);
}
