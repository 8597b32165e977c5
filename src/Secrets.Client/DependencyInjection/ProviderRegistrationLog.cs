using Microsoft.Extensions.Logging;

namespace Secrets.Client;

/// <summary>Log events of provider registration. None takes a value.</summary>
internal static partial class ProviderRegistrationLog
{
    [LoggerMessage(EventId = 60, Level = LogLevel.Warning, Message = "Provider {Provider} is configured for environment {ProviderEnvironment} while the store runs in {StoreEnvironment}; the provider runs as {EffectiveEnvironment}")]
    public static partial void EnvironmentDiffers(ILogger logger, string provider, string providerEnvironment, string storeEnvironment, string effectiveEnvironment);
}
