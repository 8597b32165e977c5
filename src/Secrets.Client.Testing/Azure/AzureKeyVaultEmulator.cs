using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Azure.Core;

namespace Secrets.Client.Testing;

/// <summary>
/// An in-process Azure Key Vault (secrets) that speaks the service's REST API over HTTPS on 127.0.0.1, with a
/// certificate generated at start, challenge-based bearer authentication, versions, paging, disabled and expired
/// secrets, the service's error JSON, and fault knobs. Point the real <c>SecretClient</c> at <see cref="VaultUri"/>.
/// </summary>
/// <example>
/// <code>
/// await using var vault = await AzureKeyVaultEmulator.StartAsync();
/// var client = new SecretClient(vault.VaultUri, vault.CreateCredential(), new SecretClientOptions
/// {
///     Transport = new HttpClientTransport(vault.CreateHandler()),
///     DisableChallengeResourceVerification = true,
/// });
/// </code>
/// </example>
public sealed class AzureKeyVaultEmulator : LoopbackEmulator
{
    private readonly KeyVaultState _state;
    private readonly KeyVaultProtocol _protocol;
    private readonly KeyVaultEventEmitter _events;

    private AzureKeyVaultEmulator(AzureKeyVaultEmulatorOptions options, KeyVaultState state, string testToken)
        : this(new KeyVaultProtocol(state, options, testToken), state, testToken, new KeyVaultEventEmitter([.. options.EventSinks], options.EventVaultName, options.TimeProvider))
    {
    }

    private AzureKeyVaultEmulator(KeyVaultProtocol protocol, KeyVaultState state, string testToken, KeyVaultEventEmitter events)
        : base(protocol)
    {
        _protocol = protocol;
        _state = state;
        _events = events;
        TestToken = testToken;
        Counters = new AzureKeyVaultEmulatorCounters(protocol.Traffic);
        state.VersionAdded = version => events.Publish("Microsoft.KeyVault.SecretNewVersionCreated", version, VaultUri);
    }

    /// <summary>Gets the vault's address, for example <c>https://127.0.0.1:49152/</c>: the <see cref="LoopbackEmulator.Endpoint"/>.</summary>
    public Uri VaultUri => Endpoint;

    /// <summary>Gets the self-signed certificate the emulator serves (always: Key Vault is HTTPS only); trust exactly this one (see <see cref="LoopbackEmulator.CreateHandler"/>).</summary>
    public override X509Certificate2 Certificate => base.Certificate!;

    /// <summary>Gets the bearer token the emulator accepts.</summary>
    public string TestToken { get; }

    /// <summary>Gets the request counters.</summary>
    public AzureKeyVaultEmulatorCounters Counters { get; }

    /// <summary>Gets how many Event Grid events the emulator published (including those dropped on purpose).</summary>
    public long EventsPublished => _events.Published;

    /// <summary>Gets how many event deliveries a sink accepted (2xx).</summary>
    public long EventsDelivered => _events.Delivered;

    /// <summary>Gets how many event deliveries failed (a sink's error status or no connection).</summary>
    public long EventsFailed => _events.Failed;

    /// <summary>
    /// Publishes a Key Vault event about the current version of a secret to the configured sinks, for the events the
    /// emulator does not raise by itself (<c>Microsoft.KeyVault.SecretNearExpiry</c>, <c>Microsoft.KeyVault.SecretExpired</c>).
    /// </summary>
    /// <param name="eventType">The Event Grid event type, for example <c>Microsoft.KeyVault.SecretExpired</c>.</param>
    /// <param name="name">The secret's name.</param>
    /// <exception cref="KeyNotFoundException">No such secret.</exception>
    public void PublishEvent(string eventType, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventType);
        ArgumentNullException.ThrowIfNull(name);
        lock (_state.Sync)
        {
            var current = _state.Find(name, null) ?? throw new KeyNotFoundException($"The emulator holds no secret '{name}'.");
            _events.Publish(eventType, current, VaultUri);
        }
    }

    /// <summary>Loses the next events on purpose (published but never delivered), as a lost delivery would.</summary>
    /// <param name="count">How many events to drop.</param>
    public void DropNextEvents(int count) => _events.DropNext(count);

    /// <summary>Starts an emulator.</summary>
    /// <param name="options">Settings, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator.</returns>
    public static Task<AzureKeyVaultEmulator> StartAsync(AzureKeyVaultEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new AzureKeyVaultEmulatorOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxPageSize, 1, nameof(options));
        options.Validate();
        var token = options.TestToken ?? "emulator-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var emulator = new AzureKeyVaultEmulator(options, new KeyVaultState(options.TimeProvider), token);
        return ListenAsync(emulator, options, useHttps: true, cancellationToken);
    }

    /// <summary>Creates a credential that hands out <see cref="TestToken"/>.</summary>
    /// <returns>The credential.</returns>
    public EmulatorTokenCredential CreateCredential() => new(TestToken);

    /// <summary>Exports the emulator's certificate as PEM, for clients in other processes (for example Node's <c>NODE_EXTRA_CA_CERTS</c>).</summary>
    /// <returns>The certificate, PEM-encoded.</returns>
    public string ExportCertificatePem() => Certificate.ExportCertificatePem();

    /// <summary>Stores a new version of a secret directly, without a request, and makes it current.</summary>
    /// <param name="name">The secret's name (letters, digits and dashes, at most 127).</param>
    /// <param name="value">The value.</param>
    /// <param name="contentType">The content type, if any.</param>
    /// <param name="tags">The tags, if any.</param>
    /// <param name="enabled">Whether the version is enabled.</param>
    /// <param name="notBefore">When the version becomes valid, if set.</param>
    /// <param name="expiresOn">When the version expires, if set.</param>
    /// <returns>The new version's id.</returns>
    /// <exception cref="ArgumentException">The name is not a valid Key Vault secret name.</exception>
    public string SetSecret(
        string name,
        string value,
        string? contentType = null,
        IReadOnlyDictionary<string, string>? tags = null,
        bool enabled = true,
        DateTimeOffset? notBefore = null,
        DateTimeOffset? expiresOn = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        if (!KeyVaultState.IsValidName(name))
        {
            throw new ArgumentException($"'{name}' is not a valid Key Vault secret name: use 1 to 127 letters, digits and dashes.", nameof(name));
        }

        lock (_state.Sync)
        {
            var tagCopy = tags is null ? null : new Dictionary<string, string>(tags, StringComparer.Ordinal);
            return _state.AddVersion(name, value, contentType, tagCopy, enabled, notBefore, expiresOn).Version;
        }
    }

    /// <summary>Enables or disables one version of a secret (the current one when <paramref name="version"/> is <see langword="null"/>).</summary>
    /// <param name="name">The secret's name.</param>
    /// <param name="enabled">Whether it is enabled.</param>
    /// <param name="version">The version, or <see langword="null"/> for the current one.</param>
    /// <exception cref="KeyNotFoundException">No such secret or version.</exception>
    public void SetEnabled(string name, bool enabled, string? version = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_state.Sync)
        {
            var found = _state.Find(name, version) ?? throw new KeyNotFoundException($"The emulator holds no secret '{name}'{(version is null ? string.Empty : " version " + version)}.");
            found.Enabled = enabled;
            found.Updated = DateTimeOffset.FromUnixTimeSeconds(_state.Now.ToUnixTimeSeconds());
        }
    }

    // Answers name the vault by its address, known only once the server listens.
    private protected override void OnStarted(Uri endpoint) => _protocol.VaultUri = endpoint;

    private protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore().ConfigureAwait(false);
        await _events.DisposeAsync().ConfigureAwait(false);
    }
}
