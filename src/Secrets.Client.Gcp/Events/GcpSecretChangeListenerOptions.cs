using Google.Apis.Auth.OAuth2;

namespace Secrets.Client.Gcp;

/// <summary>
/// Settings of a <see cref="GcpSecretChangeListener"/>: the Pub/Sub topic the secrets notify (the listener then makes
/// an expiring subscription per instance) or a subscription made by IaC, how to authenticate, and how project ids and
/// numbers map so that a notification naming <c>projects/123/secrets/db</c> matches a reference to <c>my-project/db</c>.
/// </summary>
public sealed class GcpSecretChangeListenerOptions : SecretChangeListenerOptions
{
    /// <summary>The environment variable naming a Pub/Sub emulator's <c>host:port</c> (Google's convention); then no credentials are sent.</summary>
    public const string EmulatorHostVariable = "PUBSUB_EMULATOR_HOST";

    /// <summary>Initializes a new instance of the <see cref="GcpSecretChangeListenerOptions"/> class, for the provider <c>gcp-sm</c>.</summary>
    public GcpSecretChangeListenerOptions()
    {
        ProviderName = "gcp-sm";
    }

    /// <summary>Gets or sets Pub/Sub's base address; null reads <see cref="EmulatorHostVariable"/>, else <c>https://pubsub.googleapis.com/</c>.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>
    /// Gets or sets the topic the secrets notify (<c>projects/P/topics/T</c>): the listener creates the subscription
    /// <c>projects/P/subscriptions/{SubscriptionPrefix}{InstanceId}</c> with an expiration policy, and deletes it on
    /// stop. Give this or <see cref="Subscription"/>.
    /// </summary>
    public string? Topic { get; set; }

    /// <summary>Gets or sets a subscription that only this instance pulls (<c>projects/P/subscriptions/S</c>), made by IaC.</summary>
    public string? Subscription { get; set; }

    /// <summary>Gets or sets the per-instance subscription's name prefix. Default <c>secrets-client-</c>.</summary>
    public string SubscriptionPrefix { get; set; } = "secrets-client-";

    /// <summary>Gets or sets this instance's id in the subscription name. Default: random.</summary>
    public string InstanceId { get; set; } = Guid.NewGuid().ToString("N");

    /// <summary>
    /// Gets or sets how long a per-instance subscription survives without pulls before Pub/Sub deletes it (its
    /// <c>expirationPolicy.ttl</c>): what a dead instance leaves behind goes by itself. Default 1 day, Pub/Sub's minimum.
    /// </summary>
    public TimeSpan SubscriptionExpiration { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Gets or sets the ack deadline of a per-instance subscription, 10 to 600 seconds. Default 30.</summary>
    public int AckDeadlineSeconds { get; set; } = 30;

    /// <summary>Gets or sets the most messages one pull takes. Default 100.</summary>
    public int MaxMessages { get; set; } = 100;

    /// <summary>Gets or sets how long the listener waits on one pull before asking again (the server answers sooner when a message comes). Default 60 seconds.</summary>
    public TimeSpan PullTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets the project id the secrets live in, so that notifications naming its number match references by id.</summary>
    public string? ProjectId { get; set; }

    /// <summary>Gets or sets the project number of <see cref="ProjectId"/> (notifications name secrets by project number).</summary>
    public string? ProjectNumber { get; set; }

    /// <summary>Gets or sets a value indicating whether a notification also matches references without a project (the provider's default project). Default <see langword="true"/>.</summary>
    public bool MatchReferencesWithoutProject { get; set; } = true;

    /// <summary>Gets or sets the Google credential; null uses Application Default Credentials unless <see cref="AccessTokenProvider"/> is set.</summary>
    public GoogleCredential? Credential { get; set; }

    /// <summary>Gets or sets a callback returning an OAuth 2 access token for each request, in place of a Google credential.</summary>
    public Func<CancellationToken, ValueTask<string>>? AccessTokenProvider { get; set; }

    /// <summary>Gets or sets the HTTP handler (tests, proxies); null uses a default one.</summary>
    public HttpMessageHandler? HttpHandler { get; set; }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        if (string.IsNullOrEmpty(Topic) == string.IsNullOrEmpty(Subscription))
        {
            throw new ArgumentException($"Give {nameof(GcpSecretChangeListenerOptions)}.{nameof(Topic)} or {nameof(Subscription)}, not both or neither.", nameof(Topic));
        }

        if (Topic is { } topic && !IsName(topic, "topics"))
        {
            throw new ArgumentException($"{nameof(GcpSecretChangeListenerOptions)}.{nameof(Topic)} must be projects/PROJECT/topics/TOPIC; got '{topic}'.", nameof(Topic));
        }

        if (Subscription is { } subscription && !IsName(subscription, "subscriptions"))
        {
            throw new ArgumentException($"{nameof(GcpSecretChangeListenerOptions)}.{nameof(Subscription)} must be projects/PROJECT/subscriptions/NAME; got '{subscription}'.", nameof(Subscription));
        }

        var id = SubscriptionPrefix + InstanceId;
        if (id.Length is < 3 or > 255 || !char.IsAsciiLetter(id[0]) || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' or '+' or '%'))
        {
            throw new ArgumentException($"{nameof(GcpSecretChangeListenerOptions)}.{nameof(SubscriptionPrefix)} + {nameof(InstanceId)} must be a Pub/Sub subscription id (3 to 255 characters, starting with a letter).", nameof(InstanceId));
        }

        if (SubscriptionExpiration < TimeSpan.FromDays(1) || AckDeadlineSeconds is < 10 or > 600 || MaxMessages < 1 || PullTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(GcpSecretChangeListenerOptions)}: {nameof(SubscriptionExpiration)} must be at least a day, {nameof(AckDeadlineSeconds)} 10 to 600, {nameof(MaxMessages)} and {nameof(PullTimeout)} positive.", nameof(SubscriptionExpiration));
        }

        if (Credential is not null && AccessTokenProvider is not null)
        {
            throw new ArgumentException($"Set at most one of {nameof(Credential)} and {nameof(AccessTokenProvider)}.", nameof(Credential));
        }
    }

    private static bool IsName(string name, string collection)
    {
        var parts = name.Split('/');
        return parts.Length == 4 && parts[0] == "projects" && parts[1].Length > 0 && parts[2] == collection && parts[3].Length > 0;
    }
}
