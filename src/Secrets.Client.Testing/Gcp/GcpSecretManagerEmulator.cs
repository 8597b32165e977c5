using System.Security.Cryptography;
using System.Text;

namespace Secrets.Client.Testing;

/// <summary>
/// An in-process Google Cloud Secret Manager that speaks the v1 REST API on 127.0.0.1: bearer authentication (it accepts
/// <see cref="TestToken"/>), secrets with labels, numbered versions with the ENABLED/DISABLED/DESTROYED states,
/// <c>latest</c>, paging, CRC32C checksums in both directions, Google's error JSON, and fault knobs.
/// </summary>
/// <example>
/// <code>
/// await using var sm = await GcpSecretManagerEmulator.StartAsync();
/// sm.AddVersion("db-password", "p@ss");
/// var provider = new GcpSecretManagerSecretProvider(new GcpSecretManagerSecretProviderOptions
/// {
///     Endpoint = sm.Endpoint,
///     DefaultProject = sm.ProjectId,
///     AccessTokenProvider = _ => new ValueTask&lt;string&gt;(sm.TestToken),
/// });
/// </code>
/// </example>
public sealed class GcpSecretManagerEmulator : LoopbackEmulator
{
    private readonly GcpSecretState _state;
    private readonly GcpSecretManagerProtocol _protocol;

    private GcpSecretManagerEmulator(GcpSecretManagerProtocol protocol, GcpSecretState state, string projectId, string testToken)
        : base(protocol)
    {
        _protocol = protocol;
        _state = state;
        ProjectId = projectId;
        TestToken = testToken;
        Counters = new GcpSecretManagerEmulatorCounters(protocol.Traffic);
    }

    /// <summary>Gets the project the seeding helpers write to.</summary>
    public string ProjectId { get; }

    /// <summary>Gets the bearer token the emulator accepts.</summary>
    public string TestToken { get; }

    /// <summary>Gets the request counters.</summary>
    public GcpSecretManagerEmulatorCounters Counters { get; }

    /// <summary>
    /// Gets or sets a value indicating whether <c>:access</c> answers carry a wrong <c>dataCrc32c</c>, as a corrupted
    /// payload would, so that clients' integrity checks can be tested. Default <see langword="false"/>.
    /// </summary>
    public bool CorruptChecksums
    {
        get => _protocol.CorruptChecksums;
        set => _protocol.CorruptChecksums = value;
    }

    private protected override string Scope => "project " + ProjectId;

    /// <summary>Starts an emulator.</summary>
    /// <param name="options">Settings, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator.</returns>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public static Task<GcpSecretManagerEmulator> StartAsync(GcpSecretManagerEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new GcpSecretManagerEmulatorOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxPageSize, 1, nameof(options));
        options.Validate();
        if (options.ProjectId is null || !GcpSecretState.IsValidProject(options.ProjectId))
        {
            throw new ArgumentException($"'{options.ProjectId}' is not a project id.", nameof(options));
        }

        var token = options.TestToken ?? "ya29.emulator-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var state = new GcpSecretState(options.TimeProvider) { Notifier = new GcpSecretNotifier(options) };
        var emulator = new GcpSecretManagerEmulator(new GcpSecretManagerProtocol(state, options, token), state, options.ProjectId, token);
        return ListenAsync(emulator, options, options.UseHttps, cancellationToken);
    }

    /// <summary>Adds a version holding the UTF-8 bytes of <paramref name="value"/>, creating the secret if needed.</summary>
    /// <param name="secretId">The secret's id (1 to 255 letters, digits, '_' and '-').</param>
    /// <param name="value">The value.</param>
    /// <returns>The new version's number.</returns>
    /// <exception cref="ArgumentException">The id is not a valid secret id.</exception>
    public long AddVersion(string secretId, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return AddVersion(secretId, Encoding.UTF8.GetBytes(value));
    }

    /// <summary>Adds a version holding <paramref name="data"/>, creating the secret if needed.</summary>
    /// <param name="secretId">The secret's id (1 to 255 letters, digits, '_' and '-').</param>
    /// <param name="data">The payload.</param>
    /// <returns>The new version's number.</returns>
    /// <exception cref="ArgumentException">The id is not a valid secret id.</exception>
    public long AddVersion(string secretId, ReadOnlySpan<byte> data)
    {
        var copy = data.ToArray();
        lock (_state.Sync)
        {
            var secret = GetOrCreate(secretId);
            var version = _state.AddVersion(secret, copy);
            _state.Notifier?.Notify("SECRET_VERSION_ADD", secret, version);
            return version.Number;
        }
    }

    /// <summary>Replaces a secret's labels, creating the secret (without versions) if needed.</summary>
    /// <param name="secretId">The secret's id (1 to 255 letters, digits, '_' and '-').</param>
    /// <param name="labels">The new labels.</param>
    /// <exception cref="ArgumentException">The id is not a valid secret id.</exception>
    public void SetLabels(string secretId, IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        lock (_state.Sync)
        {
            var secret = GetOrCreate(secretId);
            secret.Labels.Clear();
            foreach (var (key, value) in labels)
            {
                secret.Labels[key] = value;
            }
        }
    }

    /// <summary>Disables a version (it can no longer be accessed until enabled again).</summary>
    /// <param name="secretId">The secret's id.</param>
    /// <param name="version">The version number.</param>
    /// <exception cref="KeyNotFoundException">No such secret or version.</exception>
    public void DisableVersion(string secretId, long version) => SetState(secretId, version, GcpSecretVersionStates.Disabled);

    /// <summary>Enables a disabled version.</summary>
    /// <param name="secretId">The secret's id.</param>
    /// <param name="version">The version number.</param>
    /// <exception cref="KeyNotFoundException">No such secret or version.</exception>
    /// <exception cref="InvalidOperationException">The version is destroyed.</exception>
    public void EnableVersion(string secretId, long version) => SetState(secretId, version, GcpSecretVersionStates.Enabled);

    /// <summary>Destroys a version: its payload is erased for good.</summary>
    /// <param name="secretId">The secret's id.</param>
    /// <param name="version">The version number.</param>
    /// <exception cref="KeyNotFoundException">No such secret or version.</exception>
    public void DestroyVersion(string secretId, long version) => SetState(secretId, version, GcpSecretVersionStates.Destroyed);

    internal static void ApplyState(GcpStoredVersion version, string state, DateTimeOffset now)
    {
        version.State = state;
        if (state == GcpSecretVersionStates.Destroyed && version.Destroyed is null)
        {
            CryptographicOperations.ZeroMemory(version.Data);
            version.Data = [];
            version.Destroyed = now;
        }
    }

    private void SetState(string secretId, long version, string state)
    {
        lock (_state.Sync)
        {
            var found = FindSecret(secretId).Find(version.ToString(System.Globalization.CultureInfo.InvariantCulture))
                ?? throw new KeyNotFoundException($"Secret '{secretId}' has no version {version}.");
            if (found.State == GcpSecretVersionStates.Destroyed && state != GcpSecretVersionStates.Destroyed)
            {
                throw new InvalidOperationException($"Version {version} of secret '{secretId}' is destroyed.");
            }

            var secret = FindSecret(secretId);
            ApplyState(found, state, _state.Now);
            _state.Notifier?.Notify("SECRET_VERSION_" + state switch { GcpSecretVersionStates.Enabled => "ENABLE", GcpSecretVersionStates.Disabled => "DISABLE", _ => "DESTROY" }, secret, found);
        }
    }

    private GcpStoredSecret FindSecret(string secretId)
    {
        ArgumentNullException.ThrowIfNull(secretId);
        return _state.Secrets.TryGetValue(GcpSecretState.Key(ProjectId, secretId), out var secret)
            ? secret
            : throw new KeyNotFoundException($"The emulator holds no secret '{secretId}' in project '{ProjectId}'.");
    }

    private GcpStoredSecret GetOrCreate(string secretId)
    {
        ArgumentNullException.ThrowIfNull(secretId);
        if (!GcpSecretState.IsValidSecretId(secretId))
        {
            throw new ArgumentException($"'{secretId}' is not a valid secret id: use 1 to 255 letters, digits, '_' and '-'.", nameof(secretId));
        }

        return _state.Secrets.TryGetValue(GcpSecretState.Key(ProjectId, secretId), out var secret)
            ? secret
            : _state.Create(ProjectId, secretId, labels: null);
    }
}
