using Microsoft.Extensions.Internal;

namespace Secrets.Client;

/// <summary>Lets <c>MemoryCache</c> follow the store's <see cref="TimeProvider"/>, so tests control expiry.</summary>
internal sealed class TimeProviderClock(TimeProvider timeProvider) : ISystemClock
{
    public DateTimeOffset UtcNow => timeProvider.GetUtcNow();
}
