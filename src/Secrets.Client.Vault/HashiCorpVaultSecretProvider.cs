using System.Buffers;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Secrets.Client.Transport;

namespace Secrets.Client.Vault;

/// <summary>
/// Reads and writes HashiCorp Vault KV v2 secrets over Vault's HTTP API. References look like
/// <c>vault://mount/path/to/secret?version=3#key</c>; see <see cref="HashiCorpVaultSecretProviderOptions"/>.
/// </summary>
/// <remarks>
/// <para>A secret's value is its data object as JSON (<c>{"username":"app","password":"..."}</c>), copied from the
/// response bytes into secret memory without passing through a managed string; <c>#key</c> selects one key.</para>
/// <para>The version number is the change token: <see cref="GetPropertiesAsync"/> reads only the secret's metadata.
/// Soft-deleted and destroyed versions are refused with <see cref="SecretNotFoundException"/> (error code
/// <c>SecretDeleted</c> or <c>SecretDestroyed</c>).</para>
/// <para>All members are thread-safe.</para>
/// </remarks>
public partial class HashiCorpVaultSecretProvider : SecretProvider
{
    /// <summary>The provider name references use unless another is given: <c>vault</c>.</summary>
    public const string DefaultName = "vault";

    private readonly HashiCorpVaultSecretProviderOptions _options = null!;
    private readonly ILogger _logger = NullLogger.Instance;
    private readonly SecretHttpTransport _transport = null!;
    private readonly SecretProviderMetrics _metrics = null!;
    private readonly SecretProviderTelemetry _telemetry = null!;
    private readonly string? _namespace;
    private readonly VaultTokenSource _tokens = null!;
    private readonly VaultLocationResolver _locations = null!;
    private readonly VaultApiClient _api = null!;
    private readonly VaultResponseReader _reader = null!;
    private readonly string _identity = string.Empty;

    /// <summary>Initializes a new instance of the <see cref="HashiCorpVaultSecretProvider"/> class, for mocking.</summary>
    protected HashiCorpVaultSecretProvider()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="HashiCorpVaultSecretProvider"/> class.</summary>
    /// <param name="options">The settings; <see cref="SecretProviderOptions.Name"/> defaults to <see cref="DefaultName"/>.</param>
    /// <param name="loggerFactory">Creates the provider's logger; <see langword="null"/> logs nothing.</param>
    /// <param name="meterFactory">Creates the provider's meter; <see langword="null"/> uses a meter of its own.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting is invalid; the message names it.</exception>
    /// <exception cref="ArgumentException">No address is configured, or it is plain http to a host that is not loopback.</exception>
    public HashiCorpVaultSecretProvider(HashiCorpVaultSecretProviderOptions options, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
        : base((options ?? throw new ArgumentNullException(nameof(options))).Name ?? DefaultName, options)
    {
        options.Validate(Name);
        _options = options;
        _logger = loggerFactory?.CreateLogger<HashiCorpVaultSecretProvider>() ?? (ILogger)NullLogger.Instance;
        var time = options.TimeProvider ?? TimeProvider.System;
        Endpoint = VaultEndpoint.Resolve(options);
        Environment = options.ResolveEnvironment();
        if (options.AuthMethod == VaultAuthMethod.Token && SecretEnvironment.IsProduction(Environment) && !options.AllowTokenInProduction)
        {
            throw new ArgumentException($"Provider '{Name}': token auth reads a static token from {options.TokenEnvironmentVariable}, which is refused in Production. Use Kubernetes or AppRole auth, or set {nameof(options.AllowTokenInProduction)}.", nameof(options));
        }

        _namespace = options.Namespace ?? NullIfBlank(System.Environment.GetEnvironmentVariable("VAULT_NAMESPACE"));
        _metrics = new SecretProviderMetrics(Name, "hashicorp-vault", meterFactory);
        _transport = new SecretHttpTransport(Name, options.HttpHandler, time, _metrics);
        _telemetry = new SecretProviderTelemetry(VaultTelemetry.Source, DefaultName, _metrics, time);
        _tokens = new VaultTokenSource(_transport, Endpoint, _namespace, options, Name, _logger);
        _locations = new VaultLocationResolver(Name);
        _api = new VaultApiClient(Name, Endpoint, _namespace, _tokens, _transport, _logger);
        _reader = new VaultResponseReader(Name, time);
        _identity = options.AuthMethod switch
        {
            VaultAuthMethod.Kubernetes => $"kubernetes auth/{_tokens.AuthMount} role {options.Role}",
            VaultAuthMethod.AppRole => $"approle auth/{_tokens.AuthMount} role id {options.AppRoleRoleId}",
            _ => $"token from {options.TokenEnvironmentVariable}",
        };
    }

    /// <summary>Gets the Vault Enterprise namespace requests carry, if any (the event listener subscribes in it).</summary>
    internal string? Namespace => _namespace;

    /// <summary>Gets the handler requests go through, if the options set one (the event listener's websocket uses it too).</summary>
    internal HttpMessageHandler? HttpHandler => _options.HttpHandler;

    /// <summary>Gets a token for the event subscription from the provider's own login and renewal.</summary>
    internal ValueTask<VaultToken> GetTokenAsync(CancellationToken cancellationToken) => _tokens.GetTokenAsync(cancellationToken);

    /// <summary>Forgets a token Vault refused, so that the next call logs in again.</summary>
    internal bool InvalidateToken(VaultToken token) => _tokens.Invalidate(token);

    /// <summary>Gets the Vault address requests go to.</summary>
    public Uri Endpoint { get; } = null!;

    /// <summary>Gets the environment this process runs in (it decides whether token auth is allowed).</summary>
    public string Environment { get; } = string.Empty;

    /// <summary>Gets the auth method, its mount and the role; never a token or secret id.</summary>
    public override string? Identity => _identity;

    /// <inheritdoc/>
    public override bool SupportsListing => true;

    /// <summary>Reads a KV v2 secret (the pinned <c>?version=N</c>, else the current one): its data object as JSON.</summary>
    /// <param name="reference">The secret: <c>vault://mount/path</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The secret; the caller owns it.</returns>
    public override async ValueTask<Secret> GetSecretAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        var location = _locations.Resolve(reference);
        var version = _locations.ParseVersion(reference);
        var path = location.ApiPath("data") + (version is null ? string.Empty : "?version=" + version.Value.ToString(CultureInfo.InvariantCulture));
        using var activity = StartActivity("get", location, reference.Version);
        var started = _telemetry.Started();
        try
        {
            using var response = await _api.SendAsync(HttpMethod.Get, path, body: default, location, cancellationToken).ConfigureAwait(false);
            if (((int)response.Status) != 200)
            {
                throw VaultErrorMapper.Map(Name, location.DisplayName, response, reference.ToString());
            }

            var (data, metadata) = VaultJson.ReadKvData(response.Body);
            if (data is not { } range || metadata is null)
            {
                throw new SecretNotFoundException(Name, location.DisplayName, "Vault returned no data for it.") { ErrorCode = "NotFound" };
            }

            var value = SecretValue.FromBytes(response.Body[range]);
            Record("get", "ok", activity, started);
            VaultLog.Fetched(_logger, location.DisplayName, metadata.Version);
            return new Secret(_reader.ToProperties(location, metadata, updatedOn: null), value);
        }
        catch (Exception ex) when (!SecretProviderTelemetry.IsCallerCancellation(ex, cancellationToken))
        {
            throw Fail("get", location, ex, activity, started);
        }
    }

    /// <summary>
    /// Reads a secret's metadata only (<c>GET mount/metadata/path</c>), without its value: the version number is the change
    /// token. When the policy does not grant the metadata path, the value is read and dropped instead.
    /// </summary>
    /// <param name="reference">The secret.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The metadata of the pinned or current version.</returns>
    public override async ValueTask<SecretProperties> GetPropertiesAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        var location = _locations.Resolve(reference);
        var version = _locations.ParseVersion(reference);
        using var activity = StartActivity("properties", location, reference.Version);
        var started = _telemetry.Started();
        try
        {
            // A 403 here is usually a policy that grants data/ but not metadata/: no re-login for it; the data read below
            // re-logs in if the token itself was refused.
            using var response = await _api.SendAsync(HttpMethod.Get, location.ApiPath("metadata"), body: default, location, cancellationToken, reloginOnForbidden: false).ConfigureAwait(false);
            if (((int)response.Status) == 403)
            {
                Record("properties", "metadata-denied", activity, started);
                using var secret = await GetSecretAsync(reference, cancellationToken).ConfigureAwait(false);
                return secret.Properties;
            }

            if (((int)response.Status) != 200)
            {
                throw VaultErrorMapper.Map(Name, location.DisplayName, response, reference.ToString());
            }

            var properties = _reader.ReadMetadata(location, response.Body, version);
            Record("properties", "ok", activity, started);
            return properties;
        }
        catch (Exception ex) when (!SecretProviderTelemetry.IsCallerCancellation(ex, cancellationToken))
        {
            throw Fail("properties", location, ex, activity, started);
        }
    }

    /// <summary>
    /// Lists secrets under a prefix, descending into folders: <c>mount/</c>, <c>mount/folder/</c>, or <c>mount/folder/na</c>
    /// (names starting with <c>na</c> in <c>folder</c>, and everything under matching subfolders). Names come back as
    /// <c>mount/path</c>, usable as reference paths; they carry no version (listing does not return one).
    /// </summary>
    /// <param name="prefix">The prefix; it must start with the mount.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The secrets' names.</returns>
    /// <exception cref="ArgumentException">The prefix names no mount.</exception>
    public override async IAsyncEnumerable<SecretProperties> ListSecretsAsync(string? prefix = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (mount, folder, namePrefix, listing) = VaultLocationResolver.ResolvePrefix(prefix);
        using var activity = StartActivity("list", listing, version: null);
        var started = _telemetry.Started();
        var pending = new Stack<string>();
        pending.Push(folder);
        var top = true;
        while (pending.TryPop(out var current))
        {
            List<string> keys;
            try
            {
                keys = await _api.ListFolderAsync(mount, current, listing, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!SecretProviderTelemetry.IsCallerCancellation(ex, cancellationToken))
            {
                throw Fail("list", listing, ex, activity, started);
            }

            // Depth-first in Vault's (sorted) order: push folders in reverse so the first is listed first.
            var folders = new List<string>();
            foreach (var key in keys)
            {
                if (top && !key.StartsWith(namePrefix, StringComparison.Ordinal))
                {
                    continue;
                }

                if (key.EndsWith('/'))
                {
                    folders.Add(current + key);
                }
                else
                {
                    yield return new SecretProperties(Name, mount + "/" + current + key);
                }
            }

            for (var i = folders.Count - 1; i >= 0; i--)
            {
                pending.Push(folders[i]);
            }

            top = false;
        }

        Record("list", "ok", activity, started);
    }

    /// <summary>
    /// Writes a new version of a secret (<c>POST mount/data/path</c>). A value that is a JSON object becomes the version's
    /// data as it is; any other value is stored as <c>{"value": "..."}</c>, readable with <c>#value</c>.
    /// </summary>
    /// <param name="name">The secret's path: <c>mount/path</c>.</param>
    /// <param name="value">The value; the caller keeps ownership.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new version's metadata.</returns>
    public override async ValueTask<SecretProperties> SetSecretAsync(string name, SecretValue value, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        var location = _locations.Resolve(new SecretReference(Name, name));
        using var activity = StartActivity("set", location, version: null);
        var started = _telemetry.Started();
        ArrayBufferWriter<byte>? body = null;
        try
        {
            body = VaultRequestBodies.WriteData(value);
            using var response = await _api.SendAsync(HttpMethod.Post, location.ApiPath("data"), body.WrittenMemory, location, cancellationToken).ConfigureAwait(false);
            if (((int)response.Status) is not (200 or 204))
            {
                throw VaultErrorMapper.Map(Name, location.DisplayName, response);
            }

            var written = ((int)response.Status) == 200 ? VaultJson.ReadWriteResult(response.Body) : null;
            Record("set", "ok", activity, started);
            VaultLog.Stored(_logger, location.DisplayName, written?.Version ?? 0);
            return written is null ? new SecretProperties(Name, location.DisplayName) : _reader.ToProperties(location, written, written.CreatedOn);
        }
        catch (Exception ex) when (!SecretProviderTelemetry.IsCallerCancellation(ex, cancellationToken))
        {
            throw Fail("set", location, ex, activity, started);
        }
        finally
        {
            body?.Clear();
        }
    }

    /// <summary>
    /// Rotates a secret now: the <see cref="HashiCorpVaultSecretProviderOptions.RotationValueGenerator"/> makes a new value,
    /// written as a new version.
    /// </summary>
    /// <param name="reference">The secret; a pinned version is ignored.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new version's metadata.</returns>
    /// <exception cref="NotSupportedException">No generator is configured: KV v2 cannot rotate a secret by itself.</exception>
    public override async ValueTask<SecretProperties> RotateSecretAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var generator = _options.RotationValueGenerator
            ?? throw new NotSupportedException($"Provider '{Name}' cannot rotate '{reference.Path}': Vault's KV v2 engine has no rotation. Set {nameof(HashiCorpVaultSecretProviderOptions)}.{nameof(HashiCorpVaultSecretProviderOptions.RotationValueGenerator)} to rotate by writing a new version.");
        var location = _locations.Resolve(reference);
        var value = await generator(reference, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"The rotation value generator returned no value for '{reference.Path}'.");
        using (value)
        {
            return await SetSecretAsync(location.DisplayName, value, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    /// <remarks>Versions are numbered: the previous one is version n-1 (null for version 1; the store treats a destroyed or disabled one as none).</remarks>
    public override ValueTask<SecretReference?> GetPreviousVersionReferenceAsync(SecretReference reference, SecretProperties current, CancellationToken cancellationToken = default) =>
        new(PreviousNumberedVersion(reference, current));

    /// <inheritdoc/>
    public override string ToString() => $"{nameof(HashiCorpVaultSecretProvider)}({Name}, {Endpoint}, {_identity})";

    /// <inheritdoc/>
    protected override async ValueTask DisposeAsyncCore()
    {
        _transport?.Dispose();
        _metrics?.Dispose();
        _tokens?.Dispose();
        await base.DisposeAsyncCore().ConfigureAwait(false);
    }

    private SecretStoreException Fail(string operation, VaultLocation location, Exception exception, Activity? activity, long started)
    {
        var error = VaultErrorMapper.MapException(Name, location.DisplayName, exception);
        VaultLog.RequestFailed(_logger, operation, location.DisplayName, (exception as HttpRequestException)?.StatusCode is { } code ? (int)code : 0, error.ErrorCode);
        Record(operation, error, activity, started);
        return error;
    }

    private static string? NullIfBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private Activity? StartActivity(string operation, VaultLocation location, string? version) =>
        _telemetry.Start(operation, location.DisplayName, version);

    private void Record(string operation, Exception? error, Activity? activity, long started) =>
        _telemetry.Record(operation, error, activity, started);

    private void Record(string operation, string outcome, Activity? activity, long started) =>
        _telemetry.Record(operation, outcome, activity, started);
}
