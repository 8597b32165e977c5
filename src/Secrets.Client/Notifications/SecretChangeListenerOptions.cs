namespace Secrets.Client;

/// <summary>Settings every change listener shares: which provider its events are about, reconnect backoff, health and clock.</summary>
public class SecretChangeListenerOptions
{
    /// <summary>Gets or sets the store's provider name the events are about (for example <c>aws-sm</c>). Each listener sets its cloud's default.</summary>
    public string ProviderName { get; set; } = string.Empty;

    /// <summary>Gets or sets the wait after the first transport failure; it doubles per failure up to <see cref="MaxBackoff"/>. Default 1 second.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest wait between reconnect attempts. Default 1 minute.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Gets or sets how long a listener may fail before its health check reports unhealthy (degraded before). Default
    /// 5 minutes: meanwhile the store's safety-net poll still catches rotations, only later.
    /// </summary>
    public TimeSpan UnhealthyAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets the safety-net poll a listener relies on: with events carrying rotations, the store's
    /// <see cref="SecretStoreOptions.CacheDuration"/> only has to catch what an event lost (a delivery dropped, a
    /// listener down), so a listener's registration raises it to this interval (never lowers it) through
    /// <see cref="ApplySafetyNet"/>. Default 48 hours: with the store's refresh-ahead a held secret is version-checked
    /// every 35 to 38 hours, and a lost delivery leaves a value stale for at most that long (issue #13, P6: with 1 % of
    /// deliveries lost, every one caught; the net costs about a third of a version check per held secret per day, against
    /// about 0.9 at 24 hours). Lower it where a value stale for a day and a half after a lost event is too long.
    /// <see langword="null"/> leaves the store's setting alone.
    /// </summary>
    public TimeSpan? SafetyNetInterval { get; set; } = TimeSpan.FromHours(48);

    /// <summary>Gets or sets the clock for backoff, heartbeats and lag. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Gets or sets the source of randomness for backoff jitter, returning values in [0, 1).</summary>
    public Func<double> Randomizer { get; set; } = Random.Shared.NextDouble;

    /// <summary>Checks the shared settings; derived options add their own.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    public virtual void Validate()
    {
        if (string.IsNullOrWhiteSpace(ProviderName))
        {
            throw new ArgumentException($"{GetType().Name}.{nameof(ProviderName)} must name the store's provider.", nameof(ProviderName));
        }

        if (InitialBackoff <= TimeSpan.Zero || MaxBackoff < InitialBackoff)
        {
            throw new ArgumentException($"{GetType().Name}.{nameof(InitialBackoff)} must be positive and at most {nameof(MaxBackoff)}.", nameof(InitialBackoff));
        }

        if (UnhealthyAfter <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{GetType().Name}.{nameof(UnhealthyAfter)} must be positive.", nameof(UnhealthyAfter));
        }

        if (SafetyNetInterval is { } net && net < TimeSpan.FromMinutes(1))
        {
            throw new ArgumentException($"{GetType().Name}.{nameof(SafetyNetInterval)} must be at least 1 minute, or null to keep the store's CacheDuration.", nameof(SafetyNetInterval));
        }

        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
        ArgumentNullException.ThrowIfNull(Randomizer, nameof(Randomizer));
    }

    /// <summary>
    /// Raises the store's <see cref="SecretStoreOptions.CacheDuration"/> to <see cref="SafetyNetInterval"/> (never
    /// lowers it; nothing when null). Listener registrations call it as a post-configuration of the store's options.
    /// </summary>
    /// <param name="storeOptions">The store's options.</param>
    public void ApplySafetyNet(SecretStoreOptions storeOptions)
    {
        ArgumentNullException.ThrowIfNull(storeOptions);
        if (SafetyNetInterval is { } net && storeOptions.CacheDuration < net)
        {
            storeOptions.CacheDuration = net;
        }
    }
}
