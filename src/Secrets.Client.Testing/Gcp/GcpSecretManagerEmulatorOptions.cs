namespace Secrets.Client.Testing;

/// <summary>Settings for <see cref="GcpSecretManagerEmulator"/>.</summary>
public sealed class GcpSecretManagerEmulatorOptions : EmulatorOptions
{
    /// <summary>
    /// Gets or sets a value indicating whether to serve HTTPS with a certificate generated at start instead of plain HTTP
    /// on 127.0.0.1. Default <see langword="false"/>: Google's clients accept plain HTTP to an emulator endpoint.
    /// </summary>
    public bool UseHttps { get; set; }

    /// <summary>Gets or sets the project the seeding helpers write to. Requests may name any project. Default <c>emulator-project</c>.</summary>
    public string ProjectId { get; set; } = "emulator-project";

    /// <summary>
    /// Gets or sets the bearer token the emulator accepts; <see langword="null"/> (the default) makes a random one at start.
    /// Any other token, or none, is refused with 401 <c>UNAUTHENTICATED</c>.
    /// </summary>
    public string? TestToken { get; set; }

    /// <summary>Gets or sets the largest page a listing returns, whatever <c>pageSize</c> asks for. Default 25000, the service's cap.</summary>
    public int MaxPageSize { get; set; } = 25000;

    /// <summary>
    /// Gets or sets a value indicating whether every request is served whatever token it carries (or none), as Google's
    /// emulators do for clients pointed at them through <c>SECRET_MANAGER_EMULATOR_HOST</c>; an
    /// <see cref="EmulatorOptions.Authenticator"/>, when set, still decides. Default <see langword="false"/>.
    /// </summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>
    /// Gets or sets the Pub/Sub emulator the secrets' event notifications go to (with <see cref="NotificationTopics"/>);
    /// <see langword="null"/> (the default) publishes none.
    /// </summary>
    public PubSubEmulator? NotificationPubSub { get; set; }

    /// <summary>
    /// Gets the topics (ids or full names on <see cref="NotificationPubSub"/>) every secret notifies, as a secret's
    /// <c>topics</c> field does in the service: SECRET_CREATE, SECRET_UPDATE, SECRET_DELETE, SECRET_VERSION_ADD,
    /// SECRET_VERSION_ENABLE, SECRET_VERSION_DISABLE and SECRET_VERSION_DESTROY, for changes through the API and the
    /// seeding helpers alike.
    /// </summary>
    public IList<string> NotificationTopics { get; } = [];
}
