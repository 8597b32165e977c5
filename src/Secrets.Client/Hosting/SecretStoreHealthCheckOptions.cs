namespace Secrets.Client.Hosting;

/// <summary>Which secrets the <see cref="SecretStoreHealthCheck"/> probes.</summary>
public sealed class SecretStoreHealthCheckOptions
{
    /// <summary>
    /// Gets the secrets the application cannot run without. Empty (the default): the secrets the store watches (those
    /// configuration and typed handles follow). Each is read through the store's cache, so a probe of a fresh secret
    /// costs no backend call.
    /// </summary>
    public IList<SecretReference> Secrets { get; } = new List<SecretReference>();
}
