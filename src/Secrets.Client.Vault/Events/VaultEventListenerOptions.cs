namespace Secrets.Client.Vault;

/// <summary>
/// Settings for <see cref="VaultEventListener"/>: what to subscribe to and how to reconnect. The listener sets
/// <see cref="SecretChangeListenerOptions.ProviderName"/> to its provider's name.
/// </summary>
public sealed class VaultEventListenerOptions : SecretChangeListenerOptions
{
    /// <summary>Initializes a new instance of the <see cref="VaultEventListenerOptions"/> class, backing off up to 2 minutes.</summary>
    public VaultEventListenerOptions()
    {
        ProviderName = HashiCorpVaultSecretProvider.DefaultName;
        MaxBackoff = TimeSpan.FromMinutes(2);
    }

    /// <summary>
    /// Gets or sets the event type pattern subscribed to (Vault takes one glob per connection). Default <c>kv-v2/*</c>:
    /// data-write, data-patch, data-delete, delete, undelete, destroy and metadata-write/patch/delete.
    /// </summary>
    public string EventTypePattern { get; set; } = "kv-v2/*";

    /// <summary>Gets other Vault Enterprise namespaces (patterns) to receive events from, besides the provider's own. Empty by default.</summary>
    public IList<string> Namespaces { get; } = [];

    /// <summary>
    /// Gets or sets how long to wait before trying again when Vault has no event subscription (404: Community Vault,
    /// or Enterprise before 1.16 without the events feature). Version checks and the safety-net poll carry rotation meanwhile. Default 1 hour.
    /// </summary>
    public TimeSpan UnsupportedRetryInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets the websocket keep-alive (ping) interval. Default 30 seconds, as Vault pings.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the largest event message accepted; larger ones are counted as malformed. Default 256 KiB.</summary>
    public int MaxMessageBytes { get; set; } = 256 * 1024;

    /// <summary>Validates the settings once, at start.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    public override void Validate()
    {
        base.Validate();
        // Checked by hand rather than with data annotations: this package is trimming- and AOT-compatible.
        Check(!string.IsNullOrWhiteSpace(EventTypePattern), nameof(EventTypePattern), "must name an event type pattern, such as kv-v2/*");
        Check(UnsupportedRetryInterval > TimeSpan.Zero, nameof(UnsupportedRetryInterval), "must be positive");
        Check(KeepAliveInterval >= TimeSpan.Zero, nameof(KeepAliveInterval), "must not be negative");
        Check(MaxMessageBytes >= 1024, nameof(MaxMessageBytes), "must be at least 1024");
    }

    private static void Check(bool ok, string name, string problem)
    {
        if (!ok)
        {
            throw new ArgumentException($"VaultEventListenerOptions.{name} {problem}.", name);
        }
    }
}
