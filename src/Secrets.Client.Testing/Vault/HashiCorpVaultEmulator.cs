using System.Text.Json;

namespace Secrets.Client.Testing;

/// <summary>
/// An in-process HashiCorp Vault that speaks Vault's HTTP API on <c>http://127.0.0.1</c>: KV v2 mounts with versions,
/// soft delete, undelete and destroy, metadata and <c>LIST</c>; Kubernetes and AppRole login issuing tokens with a TTL;
/// <c>renew-self</c>; 403 <c>permission denied</c> for unknown, revoked or expired tokens; a sealed switch (503); fault
/// knobs and request counters. Point a Vault client at <see cref="Address"/>.
/// </summary>
/// <example>
/// <code>
/// await using var vault = await HashiCorpVaultEmulator.StartAsync();
/// vault.WriteSecret("secret", "myapp/db", new Dictionary&lt;string, string&gt; { ["password"] = "p@ss" });
/// // VAULT_ADDR = vault.Address, VAULT_TOKEN = vault.RootToken
/// </code>
/// </example>
public sealed class HashiCorpVaultEmulator : LoopbackEmulator
{
    private readonly VaultEmulatorState _state;
    private readonly VaultProtocol _protocol;
    private readonly HashiCorpVaultEmulatorOptions _options;

    private HashiCorpVaultEmulator(VaultProtocol protocol, VaultEmulatorState state, HashiCorpVaultEmulatorOptions options, string rootToken, string jwt, string roleId, string secretId)
        : base(protocol)
    {
        _state = state;
        _protocol = protocol;
        RootToken = rootToken;
        KubernetesRole = options.KubernetesRole;
        _options = options;
        KubernetesJwt = jwt;
        AppRoleRoleId = roleId;
        AppRoleSecretId = secretId;
    }

    /// <summary>Gets the address, for example <c>http://127.0.0.1:49152/</c> (what <c>VAULT_ADDR</c> holds): the <see cref="LoopbackEmulator.Endpoint"/>.</summary>
    public Uri Address => Endpoint;

    /// <summary>Gets the root token: it never expires and may do anything, as in Vault's dev server.</summary>
    public string RootToken { get; }

    /// <summary>Gets the Kubernetes auth role the emulator accepts.</summary>
    public string KubernetesRole { get; }

    /// <summary>Gets the service account JWT the emulator accepts for Kubernetes login.</summary>
    public string KubernetesJwt { get; }

    /// <summary>Gets the AppRole role id the emulator accepts.</summary>
    public string AppRoleRoleId { get; }

    /// <summary>Gets the AppRole secret id the emulator accepts.</summary>
    public string AppRoleSecretId { get; }

    /// <summary>Gets the request counters.</summary>
    public HashiCorpVaultEmulatorCounters Counters => _protocol.Counters;

    /// <summary>Gets how many KV v2 events the emulator published (including those dropped on purpose).</summary>
    public long EventsPublished => _protocol.Events.Published;

    /// <summary>Gets how many event subscriptions (websockets) are open now.</summary>
    public int EventSubscriberCount => _protocol.Events.SubscriberCount;

    /// <summary>Loses the next events on purpose (published, never sent), as a lost event would be.</summary>
    /// <param name="count">How many events to drop.</param>
    public void DropNextEvents(int count) => _protocol.Events.DropNext(count);

    /// <summary>Cuts every event subscription's connection abruptly, as a Vault restart would.</summary>
    public void DisconnectEventSubscribers() => _protocol.Events.DisconnectAll();

    /// <summary>Gets or sets a value indicating whether the Vault is sealed: every request but <c>sys/health</c> then gets 503 <c>Vault is sealed</c>.</summary>
    public bool Sealed
    {
        get
        {
            lock (_state.Sync)
            {
                return _state.Sealed;
            }
        }

        set
        {
            lock (_state.Sync)
            {
                _state.Sealed = value;
            }
        }
    }

    /// <summary>Starts an emulator.</summary>
    /// <param name="options">Settings, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator.</returns>
    public static Task<HashiCorpVaultEmulator> StartAsync(HashiCorpVaultEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new HashiCorpVaultEmulatorOptions();
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.TokenTtl, TimeSpan.Zero, nameof(options));
        if (options.Mounts.Count == 0 || options.Mounts.Any(m => string.IsNullOrWhiteSpace(m) || m.Trim('/').Contains('/', StringComparison.Ordinal)))
        {
            throw new ArgumentException("Mounts must hold at least one single-segment mount name, such as 'secret'.", nameof(options));
        }

        var root = options.RootToken ?? VaultEmulatorState.NewId("hvs.root");
        var jwt = options.KubernetesJwt ?? "eyJhbGciOiJSUzI1NiJ9." + VaultEmulatorState.NewId("sa");
        var roleId = options.AppRoleRoleId ?? Guid.NewGuid().ToString();
        var secretId = options.AppRoleSecretId ?? Guid.NewGuid().ToString();
        var state = new VaultEmulatorState(options.TimeProvider, options.Mounts);
        state.Tokens[root] = new VaultEmulatedToken { Token = root, Accessor = VaultEmulatorState.NewId(string.Empty), Method = "root", IssuedAt = state.Now };
        state.Events = new VaultEventBus(options.TimeProvider);
        var emulator = new HashiCorpVaultEmulator(new VaultProtocol(state, options, jwt, roleId, secretId), state, options, root, jwt, roleId, secretId);
        return ListenAsync(emulator, options, useHttps: false, cancellationToken);
    }

    /// <summary>Writes a new version of a KV v2 secret directly, without a request.</summary>
    /// <param name="mount">The mount, for example <c>secret</c>.</param>
    /// <param name="path">The secret's path in the mount, for example <c>myapp/db</c>.</param>
    /// <param name="data">The version's key/value data.</param>
    /// <returns>The new version number.</returns>
    public int WriteSecret(string mount, string path, IReadOnlyDictionary<string, string> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return WriteSecretJson(mount, path, JsonSerializer.Serialize(data));
    }

    /// <summary>Writes a new version of a KV v2 secret directly from its data object's JSON (values may be any JSON).</summary>
    /// <param name="mount">The mount.</param>
    /// <param name="path">The secret's path in the mount.</param>
    /// <param name="dataJson">The data object, for example <c>{"password":"p","port":5432}</c>.</param>
    /// <returns>The new version number.</returns>
    /// <exception cref="ArgumentException">The mount is unknown, the path empty, or the JSON not an object.</exception>
    public int WriteSecretJson(string mount, string path, string dataJson)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(dataJson);
        using (var document = JsonDocument.Parse(dataJson))
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ArgumentException("KV v2 data must be a JSON object.", nameof(dataJson));
            }
        }

        lock (_state.Sync)
        {
            EnsureMount(mount);
            return _state.Write(mount, path.Trim('/'), dataJson).Version;
        }
    }

    /// <summary>Sets a secret's custom metadata (returned by metadata reads and with each version).</summary>
    /// <param name="mount">The mount.</param>
    /// <param name="path">The secret's path.</param>
    /// <param name="metadata">The key/value metadata.</param>
    public void SetCustomMetadata(string mount, string path, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        lock (_state.Sync)
        {
            Find(mount, path).CustomMetadata = new Dictionary<string, string>(metadata, StringComparer.Ordinal);
        }
    }

    /// <summary>Soft-deletes versions of a secret (the current one when none are given), as <c>POST mount/delete/path</c> does.</summary>
    /// <param name="mount">The mount.</param>
    /// <param name="path">The secret's path.</param>
    /// <param name="versions">The version numbers.</param>
    public void DeleteVersions(string mount, string path, params int[] versions) =>
        Change(mount, path, versions, v => v.Deleted ??= _state.Now);

    /// <summary>Destroys versions of a secret (the current one when none are given): their data is gone for good.</summary>
    /// <param name="mount">The mount.</param>
    /// <param name="path">The secret's path.</param>
    /// <param name="versions">The version numbers.</param>
    public void DestroyVersions(string mount, string path, params int[] versions) =>
        Change(mount, path, versions, v =>
        {
            v.Destroyed = true;
            v.DataJson = "{}";
        });

    /// <summary>Writes (or replaces) an ACL policy, as <c>PUT sys/policies/acl/{name}</c> does.</summary>
    /// <param name="name">The policy's name (lower case).</param>
    /// <param name="policy">The policy in Vault's HCL or JSON form, for example <c>path "secret/data/app/*" { capabilities = ["read"] }</c>.</param>
    /// <exception cref="ArgumentException">The policy cannot be parsed, or the name is <c>root</c>.</exception>
    public void WritePolicy(string name, string policy)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(policy);
        try
        {
            _protocol.WritePolicy(name.ToLowerInvariant(), policy);
        }
        catch (EmulatorException ex)
        {
            throw new ArgumentException(ex.Message, nameof(policy));
        }
    }

    /// <summary>Creates a token that carries exactly <paramref name="policies"/> (and <c>default</c>), as <c>auth/token/create</c> does.</summary>
    /// <param name="policies">The policy names.</param>
    /// <returns>The token.</returns>
    public string CreateToken(params string[] policies)
    {
        ArgumentNullException.ThrowIfNull(policies);
        lock (_state.Sync)
        {
            return _state.Issue("token", _options.TokenTtl, _options.TokenMaxTtl, [.. policies.Append("default").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]).Token;
        }
    }

    /// <summary>Revokes every token issued by a login (not the root token): later requests with them get 403.</summary>
    public void RevokeLoginTokens()
    {
        lock (_state.Sync)
        {
            foreach (var token in _state.Tokens.Values.Where(t => t.Method != "root"))
            {
                token.Revoked = true;
            }
        }
    }

    private void Change(string mount, string path, int[] versions, Action<VaultKvStoredVersion> change)
    {
        ArgumentNullException.ThrowIfNull(versions);
        lock (_state.Sync)
        {
            var secret = Find(mount, path);
            foreach (var number in versions.Length == 0 ? [secret.CurrentVersion] : versions)
            {
                change(secret.Find(number) ?? throw new KeyNotFoundException($"Secret '{mount}/{path}' has no version {number}."));
            }

            secret.Updated = _state.Now;
        }
    }

    private VaultKvSecret Find(string mount, string path)
    {
        EnsureMount(mount);
        return _state.Mounts[mount].GetValueOrDefault(path.Trim('/')) ?? throw new KeyNotFoundException($"The emulator holds no secret '{mount}/{path}'.");
    }

    private void EnsureMount(string mount)
    {
        ArgumentException.ThrowIfNullOrEmpty(mount);
        if (!_state.Mounts.ContainsKey(mount))
        {
            throw new ArgumentException($"'{mount}' is not a KV v2 mount of this emulator (mounts: {string.Join(", ", _state.Mounts.Keys)}).", nameof(mount));
        }
    }
}
