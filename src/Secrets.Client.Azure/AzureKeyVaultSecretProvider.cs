using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Secrets.Client.Transport;
using KeyVaultSecretProperties = Azure.Security.KeyVault.Secrets.SecretProperties;

namespace Secrets.Client.Azure;

/// <summary>
/// Reads and writes secrets in one or more Azure Key Vaults through the Azure SDK's <see cref="SecretClient"/>.
/// References look like <c>azure-kv://vault/secret-name?version=V#field</c>; see <see cref="AzureKeyVaultSecretProviderOptions"/>.
/// </summary>
/// <remarks>
/// <para>Disabled, not-yet-valid and expired secrets are refused with <see cref="SecretNotFoundException"/> (error code
/// <c>SecretDisabled</c>, <c>SecretNotYetValid</c> or <c>SecretExpired</c>), whether the service or the provider notices,
/// and are left out of listings. Secrets tagged for other environments are refused with
/// <see cref="SecretEnvironmentScopeException"/>.</para>
/// <para>The Azure SDK hands a secret's value over as a managed <see cref="string"/>; the provider copies it into a
/// <see cref="SecretValue"/> at once, but the SDK's string stays on the managed heap until collected. This cannot be
/// avoided while using <see cref="SecretClient"/>.</para>
/// <para>All members are thread-safe.</para>
/// </remarks>
public partial class AzureKeyVaultSecretProvider : SecretProvider
{
    /// <summary>The provider name references use unless another is given: <c>azure-kv</c>.</summary>
    public const string DefaultName = "azure-kv";

    /// <summary>The variable naming the vault used when the options name none (as the Azure SDK samples and <c>secrets-emulator azure</c> use it).</summary>
    public const string VaultUrlVariable = "AZURE_KEYVAULT_URL";

    /// <summary>
    /// The variable holding the bearer token <c>secrets-emulator azure</c> accepts; used as the credential when no
    /// <see cref="AzureKeyVaultSecretProviderOptions.Credential"/> is set and <see cref="VaultUrlVariable"/> names a loopback vault.
    /// </summary>
    public const string EmulatorTokenVariable = "AZURE_KEYVAULT_TOKEN";

    /// <summary>
    /// The variable naming the PEM file of <c>secrets-emulator azure</c>'s self-signed certificate, trusted exactly (by
    /// thumbprint) when no <see cref="SecretProviderOptions.HttpHandler"/> is set and <see cref="VaultUrlVariable"/> names a loopback vault.
    /// </summary>
    public const string EmulatorCertificateVariable = "AZURE_KEYVAULT_CERTIFICATE_PEM";

    private const string KeyVaultScope = "https://vault.azure.net/.default";

    private readonly AzureKeyVaultSecretProviderOptions _options = null!;
    private readonly ILogger _logger = NullLogger.Instance;
    private readonly TokenCredential _credential = null!;
    private readonly SecretClientOptions _clientOptions = null!;
    private readonly ConcurrentDictionary<Uri, SecretClient> _clients = new();
    private readonly HttpClient? _http;
    private readonly SocketsHttpHandler? _ownedHandler;
    private readonly SecretProviderMetrics _metrics = null!;
    private readonly TimeProvider _time = TimeProvider.System;
    private readonly Uri? _environmentVault;
    private readonly string _environment = string.Empty;
    private string? _identity;

    /// <summary>Initializes a new instance of the <see cref="AzureKeyVaultSecretProvider"/> class, for mocking.</summary>
    protected AzureKeyVaultSecretProvider()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="AzureKeyVaultSecretProvider"/> class.</summary>
    /// <param name="options">The settings; <see cref="SecretProviderOptions.Name"/> defaults to <see cref="DefaultName"/>.</param>
    /// <param name="loggerFactory">Creates the provider's logger; <see langword="null"/> logs nothing.</param>
    /// <param name="meterFactory">Creates the provider's meter; <see langword="null"/> uses a meter of its own.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting is invalid; the message names it.</exception>
    /// <exception cref="ArgumentException">The client options would log content or retry twice, or the default vault is unknown.</exception>
    public AzureKeyVaultSecretProvider(AzureKeyVaultSecretProviderOptions options, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
        : base((options ?? throw new ArgumentNullException(nameof(options))).Name ?? DefaultName, options)
    {
        options.Validate(Name);
        _options = options;
        _logger = loggerFactory?.CreateLogger<AzureKeyVaultSecretProvider>() ?? (ILogger)NullLogger.Instance;
        _time = options.TimeProvider ?? TimeProvider.System;
        _environment = options.ResolveEnvironment();
        _metrics = new SecretProviderMetrics(Name, "azure-key-vault", meterFactory);
        if (options.Vaults.Count == 0 && options.DefaultVault is null && System.Environment.GetEnvironmentVariable(VaultUrlVariable) is { Length: > 0 } vaultUrl)
        {
            _environmentVault = Uri.TryCreate(vaultUrl.Trim(), UriKind.Absolute, out var parsed) && parsed.Scheme == Uri.UriSchemeHttps
                ? parsed
                : throw new ArgumentException($"{VaultUrlVariable} must be an absolute https:// address; got '{vaultUrl}'.", nameof(options));
        }

        if (options.Credential is { } credential)
        {
            _credential = new TokenIdentityObserver(credential, ObjectIdResolved);
            _identity = credential.GetType().Name;
        }
        else if (KeyVaultEmulatorEnvironment.Credential(_environmentVault) is { } emulatorToken)
        {
            _credential = emulatorToken;
            _identity = $"emulator token from {EmulatorTokenVariable}";
        }
        else
        {
            _credential = new TokenIdentityObserver(
                new DefaultAzureCredential(new DefaultAzureCredentialOptions
                {
                    TenantId = options.TenantId,
                    ManagedIdentityClientId = options.ClientId,
                    WorkloadIdentityClientId = options.ClientId,
                }),
                ObjectIdResolved);
            _identity = nameof(DefaultAzureCredential)
                + (options.TenantId is null ? string.Empty : $" (tenant {options.TenantId})")
                + (options.ClientId is null ? string.Empty : $" (client id {options.ClientId})");
        }

        _ownedHandler = options.HttpHandler is null ? KeyVaultEmulatorEnvironment.PinnedHandler(_environmentVault) : null;
        _http = (options.HttpHandler ?? _ownedHandler) is { } handler ? SecretHttpTransport.CreateClient(handler) : null;
        _clientOptions = CreateClientOptions(options, _http, _environmentVault);
        if (options.DefaultVault is { } defaultVault && ResolveVault(defaultVault) is null)
        {
            throw new ArgumentException($"{nameof(options.DefaultVault)} '{defaultVault}' is not a key of {nameof(options.Vaults)}{(options.AllowUnlistedVaults ? ", a vault name or a vault host" : string.Empty)}.", nameof(options));
        }
    }

    /// <summary>
    /// Gets the principal Key Vault sees, once a token was issued: the <c>oid</c> claim of the access token (the object id of
    /// the managed identity, workload identity or user), read again whenever the credential hands out a new token. Before
    /// that, or for a credential whose tokens are not JWTs, the kind of credential (and the client id when one was given).
    /// Never a token.
    /// </summary>
    public override string? Identity => Volatile.Read(ref _identity);

    /// <summary>
    /// Resolves <see cref="Identity"/> without reading a secret: asks the credential for a Key Vault token (which it caches
    /// for the requests that follow) and reads its <c>oid</c>. A failure names the link of the credential chain that failed.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The principal.</returns>
    /// <exception cref="SecretAccessDeniedException">No credential is available.</exception>
    /// <exception cref="SecretUnavailableException">The token service failed.</exception>
    public override async ValueTask<string?> ResolveIdentityAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            _ = await _credential.GetTokenAsync(new TokenRequestContext([KeyVaultScope], tenantId: _options.TenantId), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw KeyVaultErrorMapper.Map(Name, secretName: string.Empty, ex, out _);
        }

        return Identity;
    }

    /// <inheritdoc/>
    public override bool SupportsListing => true;

    /// <summary>Gets the environment compared with secrets' environment tags.</summary>
    public string Environment => _environment;

    /// <inheritdoc/>
    public override async ValueTask<Secret> GetSecretAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        var location = Resolve(reference);
        using var activity = StartActivity("get", location, reference.Version);
        var started = _time.GetTimestamp();
        var version = reference.Version;
        if (_options.EnvironmentTagName is not null)
        {
            // Scope first, from the version's metadata: a secret tagged for another environment is refused before its value
            // is downloaded. The value is then read by that version, so that a version added meanwhile cannot slip past.
            var found = await FindVersionAsync(location, version, activity, started, cancellationToken).ConfigureAwait(false);
            try
            {
                EnsureUsable(location, found);
            }
            catch (SecretStoreException ex)
            {
                Record("get", ex, activity, started);
                throw;
            }

            version = found.Version;
        }

        KeyVaultSecret secret;
        try
        {
            var response = await GetClient(location.VaultUri).GetSecretAsync(location.SecretName, version, cancellationToken).ConfigureAwait(false);
            secret = response.Value;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw Fail("get", location, ex, activity, started);
        }

        try
        {
            EnsureUsable(location, secret.Properties);
            var value = ToSecretValue(location, secret);
            Record("get", null, activity, started);
            SecretProviderLog.Fetched(_logger, Name, location.DisplayName, secret.Properties.Version, "vault " + location.Vault);
            return new Secret(ToProperties(location.DisplayName, secret.Properties), value);
        }
        catch (SecretStoreException ex)
        {
            Record("get", ex, activity, started);
            throw;
        }
    }

    /// <summary>
    /// Gets a secret's metadata without its value, from the list of its versions (one call per 25 versions): the pinned
    /// version, or the newest one. Disabled, out-of-period and out-of-scope secrets are refused as by <see cref="GetSecretAsync"/>.
    /// </summary>
    /// <param name="reference">The secret.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The metadata.</returns>
    public override async ValueTask<SecretProperties> GetPropertiesAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        var location = Resolve(reference);
        using var activity = StartActivity("properties", location, reference.Version);
        var started = _time.GetTimestamp();
        var found = await FindVersionAsync(location, reference.Version, activity, started, cancellationToken).ConfigureAwait(false);
        try
        {
            EnsureUsable(location, found);
            Record("properties", null, activity, started);
            return ToProperties(location.DisplayName, found);
        }
        catch (SecretStoreException ex)
        {
            Record("properties", ex, activity, started);
            throw;
        }
    }

    /// <summary>Fetches several secrets concurrently (at most <see cref="SecretProviderOptions.MaxConcurrentRequests"/> at once).</summary>
    /// <param name="references">The secrets.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One result per reference, in order.</returns>
    public override ValueTask<IReadOnlyList<SecretResult>> GetSecretsAsync(IReadOnlyList<SecretReference> references, CancellationToken cancellationToken = default) =>
        GetSecretsConcurrentlyAsync(references, _options.MaxConcurrentRequests, cancellationToken);

    /// <summary>
    /// Lists usable secrets (enabled, within their validity period, in scope for this environment) whose names start with a
    /// prefix, following the service's paging. The prefix is <c>vault/name-prefix</c>, or <c>name-prefix</c> for the default
    /// vault; the returned names have the same form, so that they can be used as reference paths. Names compare
    /// case-insensitively, as in Key Vault. The result carries each secret's <c>UpdatedOn</c> (no version), enough to
    /// tell whether its value changed.
    /// </summary>
    /// <param name="prefix">The prefix, or <see langword="null"/> for every secret of the default vault.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The secrets' metadata.</returns>
    public override async IAsyncEnumerable<SecretProperties> ListSecretsAsync(string? prefix = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (vaultUri, vaultPrefix, namePrefix) = ResolvePrefix(prefix);
        var listing = new KeyVaultLocation(vaultUri, namePrefix, prefix ?? string.Empty);
        using var activity = StartActivity("list", listing, version: null);
        var started = _time.GetTimestamp();
        var enumerator = GetClient(vaultUri).GetPropertiesOfSecretsAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                KeyVaultSecretProperties item;
                try
                {
                    if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }

                    item = enumerator.Current;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    throw Fail("list", listing, ex, activity, started);
                }

                if (!item.Name.StartsWith(namePrefix, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var location = new KeyVaultLocation(vaultUri, item.Name, vaultPrefix + item.Name);
                if (UsabilityProblem(item) is null && ScopeProblem(item) is null)
                {
                    yield return ToProperties(location.DisplayName, item);
                }
            }
        }
        finally
        {
            await enumerator.DisposeAsync().ConfigureAwait(false);
        }

        Record("list", null, activity, started);
    }

    /// <summary>Stores <paramref name="value"/> as the new current version of a secret (creating the secret if needed).</summary>
    /// <param name="name">The secret's path: <c>vault/name</c> or <c>name</c>.</param>
    /// <param name="value">The value; it is copied into the managed string the Azure SDK requires.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new version's metadata.</returns>
    public override ValueTask<SecretProperties> SetSecretAsync(string name, SecretValue value, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        return StoreAsync(Resolve(new SecretReference(Name, name)), value, contentType: null, tags: null, "set", cancellationToken);
    }

    /// <summary>
    /// Rotates a secret now: the <see cref="AzureKeyVaultSecretProviderOptions.RotationValueGenerator"/> makes a new value,
    /// stored as a new version with the current version's content type and tags.
    /// </summary>
    /// <param name="reference">The secret; a pinned version is ignored.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new version's metadata.</returns>
    /// <exception cref="NotSupportedException">No generator is configured: Key Vault cannot rotate a secret by itself.</exception>
    public override async ValueTask<SecretProperties> RotateSecretAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var generator = _options.RotationValueGenerator
            ?? throw new NotSupportedException($"Provider '{Name}' cannot rotate '{reference.Path}': Azure Key Vault has no server-side rotation for secrets. Set {nameof(AzureKeyVaultSecretProviderOptions)}.{nameof(AzureKeyVaultSecretProviderOptions.RotationValueGenerator)} to rotate by storing a new version.");
        var location = Resolve(reference);
        using var activity = StartActivity("rotate", location, version: null);
        var started = _time.GetTimestamp();
        var current = await FindVersionAsync(location, version: null, activity, started, cancellationToken).ConfigureAwait(false);
        EnsureInScope(location, current);
        var value = await generator(reference, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"The rotation value generator returned no value for '{reference.Path}'.");
        using (value)
        {
            return await StoreAsync(location, value, current.ContentType, current.Tags, "rotate", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The previous version, for the store's rotation window: Key Vault's versions are not numbered, so it is the newest
    /// usable version created before the current one, found in one listing of the versions (25 per call).
    /// </summary>
    /// <param name="reference">The secret.</param>
    /// <param name="current">The current version's metadata.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The previous version's reference, or null when there is none.</returns>
    public override async ValueTask<SecretReference?> GetPreviousVersionReferenceAsync(SecretReference reference, SecretProperties current, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(current);
        var location = Resolve(reference);
        if (current.CreatedOn is not { } currentCreated)
        {
            return null;
        }

        using var activity = StartActivity("previous", location, current.Version);
        var started = _time.GetTimestamp();
        KeyVaultSecretProperties? previous = null;
        var currentSeen = false;
        try
        {
            // Creation times have one-second resolution: on a tie, the service's listing (creation order) decides.
            await foreach (var candidate in GetClient(location.VaultUri).GetPropertiesOfSecretVersionsAsync(location.SecretName, cancellationToken).ConfigureAwait(false))
            {
                if (string.Equals(candidate.Version, current.Version, StringComparison.OrdinalIgnoreCase))
                {
                    currentSeen = true;
                }
                else if ((candidate.CreatedOn < currentCreated || (candidate.CreatedOn == currentCreated && !currentSeen)) && UsabilityProblem(candidate) is null && (previous is null || candidate.CreatedOn >= previous.CreatedOn))
                {
                    previous = candidate;
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw Fail("previous", location, ex, activity, started);
        }

        return previous is null ? null : new SecretReference(Name, reference.Path, previous.Version);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{nameof(AzureKeyVaultSecretProvider)}({Name}, vaults: {string.Join(", ", _options?.Vaults.Keys ?? [])})";

    /// <inheritdoc/>
    protected override ValueTask DisposeAsyncCore()
    {
        _http?.Dispose();
        _ownedHandler?.Dispose();
        _metrics?.Dispose();
        return base.DisposeAsyncCore();
    }

    private async ValueTask<SecretProperties> StoreAsync(KeyVaultLocation location, SecretValue value, string? contentType, IDictionary<string, string>? tags, string operation, CancellationToken cancellationToken)
    {
        using var activity = StartActivity(operation, location, version: null);
        var started = _time.GetTimestamp();
        var secret = new KeyVaultSecret(location.SecretName, value.ExposeAsString());
        secret.Properties.ContentType = contentType;
        if (tags is not null)
        {
            foreach (var (key, tag) in tags)
            {
                secret.Properties.Tags[key] = tag;
            }
        }

        try
        {
            var response = await GetClient(location.VaultUri).SetSecretAsync(secret, cancellationToken).ConfigureAwait(false);
            Record(operation, null, activity, started);
            SecretProviderLog.Stored(_logger, Name, location.DisplayName, response.Value.Properties.Version, "vault " + location.Vault);
            return ToProperties(location.DisplayName, response.Value.Properties);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw Fail(operation, location, ex, activity, started);
        }
    }

    private async ValueTask<KeyVaultSecretProperties> FindVersionAsync(KeyVaultLocation location, string? version, Activity? activity, long started, CancellationToken cancellationToken)
    {
        KeyVaultSecretProperties? found = null;
        try
        {
            await foreach (var candidate in GetClient(location.VaultUri).GetPropertiesOfSecretVersionsAsync(location.SecretName, cancellationToken).ConfigureAwait(false))
            {
                if (version is not null)
                {
                    if (string.Equals(candidate.Version, version, StringComparison.OrdinalIgnoreCase))
                    {
                        found = candidate;
                        break;
                    }
                }
                else if (found is null || candidate.CreatedOn >= found.CreatedOn)
                {
                    // The current version is the newest one; on a tie the later one in the listing wins, as the service lists in creation order.
                    found = candidate;
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw Fail("properties", location, ex, activity, started);
        }

        if (found is null)
        {
            var error = new SecretNotFoundException(Name, location.DisplayName, version is null ? "It has no versions." : $"It has no version '{version}'.") { ErrorCode = "SecretNotFound" };
            Record("properties", error, activity, started);
            throw error;
        }

        return found;
    }

    private void EnsureUsable(KeyVaultLocation location, KeyVaultSecretProperties properties)
    {
        if (UsabilityProblem(properties) is { } problem)
        {
            AzureKeyVaultLog.NotUsable(_logger, location.DisplayName, location.Vault, problem.Reason);
            throw new SecretNotFoundException(Name, location.DisplayName, $"It is {problem.Reason}.") { ErrorCode = problem.Code };
        }

        EnsureInScope(location, properties);
    }

    private void EnsureInScope(KeyVaultLocation location, KeyVaultSecretProperties properties)
    {
        if (ScopeProblem(properties) is { } allowed)
        {
            SecretProviderLog.OutOfScope(_logger, Name, location.DisplayName, "vault " + location.Vault, allowed, _environment);
            throw new SecretEnvironmentScopeException(
                $"Access to secret '{location.DisplayName}' in provider '{Name}' was denied: it is tagged {_options.EnvironmentTagName}={allowed} and this process runs in '{_environment}'.")
            {
                ErrorCode = "EnvironmentScope",
            };
        }
    }

    private (string Reason, string Code)? UsabilityProblem(KeyVaultSecretProperties properties)
    {
        if (properties.Enabled == false)
        {
            return ("disabled", "SecretDisabled");
        }

        var now = _time.GetUtcNow();
        if (properties.NotBefore is { } notBefore && notBefore > now)
        {
            return ($"not valid before {notBefore:O}", "SecretNotYetValid");
        }

        if (properties.ExpiresOn is { } expiresOn && expiresOn <= now)
        {
            return ($"expired since {expiresOn:O}", "SecretExpired");
        }

        return null;
    }

    private string? ScopeProblem(KeyVaultSecretProperties properties)
    {
        if (_options.EnvironmentTagName is not { } tagName || !properties.Tags.TryGetValue(tagName, out var allowed) || string.IsNullOrWhiteSpace(allowed))
        {
            return null;
        }

        foreach (var environment in allowed.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (string.Equals(environment, _environment, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }
        }

        return allowed;
    }

    private SecretValue ToSecretValue(KeyVaultLocation location, KeyVaultSecret secret)
    {
        var text = secret.Value ?? string.Empty;
        var contentType = secret.Properties.ContentType;
        if (contentType is null || !_options.Base64ContentTypes.Contains(contentType, StringComparer.OrdinalIgnoreCase))
        {
            return SecretValue.FromText(text);
        }

        try
        {
            return SecretValue.Create(((text.Length + 3) / 4) * 3, text, static (destination, base64) =>
                Convert.TryFromBase64String(base64, destination, out var written) ? written : throw new FormatException());
        }
        catch (FormatException)
        {
            throw new SecretFormatException(Name, location.DisplayName, $"Its content type is '{contentType}' but its value is not valid base64.") { ErrorCode = "InvalidBase64" };
        }
    }

    private SecretProperties ToProperties(string displayName, KeyVaultSecretProperties properties) =>
        new(Name, displayName)
        {
            Version = properties.Version,
            CreatedOn = properties.CreatedOn,
            UpdatedOn = properties.UpdatedOn,
            ExpiresOn = properties.ExpiresOn,
            ContentType = properties.ContentType,
            Tags = new Dictionary<string, string>(properties.Tags, StringComparer.Ordinal),
        };

    private KeyVaultLocation Resolve(SecretReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.Stage is not null)
        {
            throw new InvalidSecretReferenceException(reference.ToString(), "Azure Key Vault has no version stages or labels; pin a version with ?version=.", Name);
        }

        var path = reference.Path;
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        var vault = slash < 0 ? null : path[..slash];
        var name = slash < 0 ? path : path[(slash + 1)..];
        if (!SecretNamePattern().IsMatch(name))
        {
            throw new InvalidSecretReferenceException(reference.ToString(), $"'{name}' is not a Key Vault secret name: use 1 to 127 letters, digits and dashes, after an optional 'vault/'.", Name);
        }

        if (reference.Version is { } version && !VersionPattern().IsMatch(version))
        {
            throw new InvalidSecretReferenceException(reference.ToString(), $"'{version}' is not a Key Vault version id (letters and digits, such as 32 hex digits).", Name);
        }

        var vaultUri = ResolveVault(vault) ?? throw new InvalidSecretReferenceException(reference.ToString(), VaultProblem(vault), Name);
        return new KeyVaultLocation(vaultUri, name, path);
    }

    private (Uri VaultUri, string DisplayPrefix, string NamePrefix) ResolvePrefix(string? prefix)
    {
        prefix ??= string.Empty;
        var slash = prefix.IndexOf('/', StringComparison.Ordinal);
        var vault = slash < 0 ? null : prefix[..slash];
        var namePrefix = slash < 0 ? prefix : prefix[(slash + 1)..];
        if (namePrefix.Length > 0 && !SecretNamePrefixPattern().IsMatch(namePrefix))
        {
            throw new ArgumentException($"'{namePrefix}' cannot start a Key Vault secret name: use letters, digits and dashes, after an optional 'vault/'.", nameof(prefix));
        }

        var vaultUri = ResolveVault(vault) ?? throw new ArgumentException(VaultProblem(vault), nameof(prefix));
        return (vaultUri, vault is null ? string.Empty : vault + "/", namePrefix);
    }

    private Uri? ResolveVault(string? vault)
    {
        vault ??= _options.DefaultVault ?? (_options.Vaults.Count == 1 ? _options.Vaults.Keys.First() : null);
        if (vault is null)
        {
            return _environmentVault;
        }

        if (_options.Vaults.TryGetValue(vault, out var listed))
        {
            return listed;
        }

        if (!_options.AllowUnlistedVaults)
        {
            return null;
        }

        if (VaultNamePattern().IsMatch(vault))
        {
            return new Uri($"https://{vault.ToLowerInvariant()}.{_options.VaultDnsSuffix}/");
        }

        return vault.EndsWith("." + _options.VaultDnsSuffix, StringComparison.OrdinalIgnoreCase) && Uri.CheckHostName(vault) == UriHostNameType.Dns
            ? new Uri($"https://{vault.ToLowerInvariant()}/")
            : null;
    }

    private string VaultProblem(string? vault) =>
        vault is null
            ? $"it names no vault and provider '{Name}' has no default vault; write 'vault/secret-name' or set {nameof(AzureKeyVaultSecretProviderOptions.DefaultVault)}."
            : _options.AllowUnlistedVaults
                ? $"vault '{vault}' is not configured and is neither a vault name nor a host ending in '.{_options.VaultDnsSuffix}'."
                : $"vault '{vault}' is not configured (known: {string.Join(", ", _options.Vaults.Keys)}).";

    private void ObjectIdResolved(string objectId) => Volatile.Write(ref _identity, objectId);

    private SecretClient GetClient(Uri vaultUri) =>
        _clients.GetOrAdd(vaultUri, static (uri, self) => new SecretClient(uri, self._credential, self._clientOptions), this);

    private SecretStoreException Fail(string operation, KeyVaultLocation location, Exception exception, Activity? activity, long started)
    {
        var error = KeyVaultErrorMapper.Map(Name, location.DisplayName, exception, out var status);
        SecretProviderLog.RequestFailed(_logger, Name, operation, location.DisplayName, "vault " + location.Vault, $"status {status}, code {error.ErrorCode}");
        Record(operation, error, activity, started);
        return error;
    }

    private static Activity? StartActivity(string operation, KeyVaultLocation location, string? version)
    {
        var activity = AzureKeyVaultTelemetry.Source.StartActivity("azure-kv " + operation, ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag("secrets.operation", operation);
            activity.SetTag("secrets.name", location.DisplayName);
            activity.SetTag("server.address", location.Vault);
            if (version is not null)
            {
                activity.SetTag("secrets.version", version);
            }
        }

        return activity;
    }

    private void Record(string operation, Exception? error, Activity? activity, long started)
    {
        var outcome = SecretProviderMetrics.Outcome(error);
        _metrics.Record(operation, outcome, _time.GetElapsedTime(started));
        if (activity is not null)
        {
            activity.SetTag("secrets.outcome", outcome);
            activity.SetStatus(error is null ? ActivityStatusCode.Ok : ActivityStatusCode.Error, error is null ? null : outcome);
        }
    }

    private static SecretClientOptions CreateClientOptions(AzureKeyVaultSecretProviderOptions options, HttpClient? http, Uri? environmentVault)
    {
        var clientOptions = new SecretClientOptions();
        if (http is not null)
        {
            // The one transport hook every adapter shares; a Transport set in ConfigureClientOptions still wins.
            clientOptions.Transport = new HttpClientTransport(http);
        }

        if (environmentVault is { IsLoopback: true })
        {
            // A loopback emulator cannot be a subdomain of vault.azure.net, which the SDK checks the challenge against.
            clientOptions.DisableChallengeResourceVerification = true;
        }

        // The store's pipeline retries; the SDK's own retries would multiply its attempts.
        clientOptions.Retry.MaxRetries = 0;
        clientOptions.Retry.NetworkTimeout = options.Resilience.AttemptTimeout;
        options.ConfigureClientOptions?.Invoke(clientOptions);
        if (clientOptions.Diagnostics.IsLoggingContentEnabled)
        {
            throw new ArgumentException("SecretClientOptions.Diagnostics.IsLoggingContentEnabled would write secret values to logs; it cannot be turned on.", nameof(options));
        }

        if (clientOptions.Retry.MaxRetries > 0 && options.Resilience.MaxRetryAttempts > 0)
        {
            throw new ArgumentException(
                $"Two retry policies would multiply attempts: SecretClientOptions.Retry.MaxRetries is {clientOptions.Retry.MaxRetries} and Resilience.MaxRetryAttempts is {options.Resilience.MaxRetryAttempts}. Set one of them to 0.",
                nameof(options));
        }

        return clientOptions;
    }

    [GeneratedRegex("^[0-9a-zA-Z-]{1,127}$")]
    private static partial Regex SecretNamePattern();

    [GeneratedRegex("^[0-9a-zA-Z]{1,64}$")]
    private static partial Regex VersionPattern();

    [GeneratedRegex("^[0-9a-zA-Z-]{0,127}$")]
    private static partial Regex SecretNamePrefixPattern();

    [GeneratedRegex("^[a-zA-Z][0-9a-zA-Z-]{1,22}[0-9a-zA-Z]$")]
    private static partial Regex VaultNamePattern();
}
