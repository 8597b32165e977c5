using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

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

    private readonly AzureKeyVaultSecretProviderOptions _options = null!;
    private readonly ILogger _logger = NullLogger.Instance;
    private readonly SecretProviderMetrics _metrics = null!;
    private readonly SecretProviderTelemetry _telemetry = null!;
    private readonly string _environment = string.Empty;
    private readonly KeyVaultCredentials _credentials = null!;
    private readonly KeyVaultApiClient _api = null!;
    private readonly KeyVaultLocationResolver _locations = null!;
    private readonly KeyVaultAccessRules _rules = null!;
    private readonly KeyVaultResponseReader _reader = null!;

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
        var time = options.TimeProvider ?? TimeProvider.System;
        _environment = options.ResolveEnvironment();
        _metrics = new SecretProviderMetrics(Name, "azure-key-vault", meterFactory);
        _telemetry = new SecretProviderTelemetry(AzureKeyVaultTelemetry.Source, DefaultName, _metrics, time);
        var environmentVault = KeyVaultLocationResolver.EnvironmentVault(options);
        _credentials = new KeyVaultCredentials(options, environmentVault);
        _api = new KeyVaultApiClient(options, _credentials, environmentVault);
        _locations = new KeyVaultLocationResolver(Name, options, environmentVault);
        _rules = new KeyVaultAccessRules(Name, options, _environment, time, _logger);
        _reader = new KeyVaultResponseReader(Name, options);
        if (options.DefaultVault is { } defaultVault && _locations.ResolveVault(defaultVault) is null)
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
    public override string? Identity => _credentials?.Identity;

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
            await _credentials.ResolveAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!SecretProviderTelemetry.IsCallerCancellation(ex, cancellationToken))
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
        var location = _locations.Resolve(reference);
        using var activity = StartActivity("get", location, reference.Version);
        var started = _telemetry.Started();
        var version = reference.Version;
        if (_options.EnvironmentTagName is not null)
        {
            // Scope first, from the version's metadata: a secret tagged for another environment is refused before its value
            // is downloaded. The value is then read by that version, so that a version added meanwhile cannot slip past.
            var found = await FindVersionAsync(location, version, activity, started, cancellationToken).ConfigureAwait(false);
            try
            {
                _rules.EnsureUsable(location, found);
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
            var response = await _api.For(location.VaultUri).GetSecretAsync(location.SecretName, version, cancellationToken).ConfigureAwait(false);
            secret = response.Value;
        }
        catch (Exception ex) when (!SecretProviderTelemetry.IsCallerCancellation(ex, cancellationToken))
        {
            throw Fail("get", location, ex, activity, started);
        }

        try
        {
            _rules.EnsureUsable(location, secret.Properties);
            var value = _reader.ToSecretValue(location, secret);
            Record("get", null, activity, started);
            SecretProviderLog.Fetched(_logger, Name, location.DisplayName, secret.Properties.Version, "vault " + location.Vault);
            return new Secret(_reader.ToProperties(location.DisplayName, secret.Properties), value);
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
        var location = _locations.Resolve(reference);
        using var activity = StartActivity("properties", location, reference.Version);
        var started = _telemetry.Started();
        var found = await FindVersionAsync(location, reference.Version, activity, started, cancellationToken).ConfigureAwait(false);
        try
        {
            _rules.EnsureUsable(location, found);
            Record("properties", null, activity, started);
            return _reader.ToProperties(location.DisplayName, found);
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
        var (vaultUri, vaultPrefix, namePrefix) = _locations.ResolvePrefix(prefix);
        var listing = new KeyVaultLocation(vaultUri, namePrefix, prefix ?? string.Empty);
        using var activity = StartActivity("list", listing, version: null);
        var started = _telemetry.Started();
        var enumerator = _api.For(vaultUri).GetPropertiesOfSecretsAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
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
                catch (Exception ex) when (!SecretProviderTelemetry.IsCallerCancellation(ex, cancellationToken))
                {
                    throw Fail("list", listing, ex, activity, started);
                }

                if (!item.Name.StartsWith(namePrefix, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var location = new KeyVaultLocation(vaultUri, item.Name, vaultPrefix + item.Name);
                if (_rules.Allows(item))
                {
                    yield return _reader.ToProperties(location.DisplayName, item);
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
        return StoreAsync(_locations.Resolve(new SecretReference(Name, name)), value, contentType: null, tags: null, "set", cancellationToken);
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
        var location = _locations.Resolve(reference);
        using var activity = StartActivity("rotate", location, version: null);
        var started = _telemetry.Started();
        var current = await FindVersionAsync(location, version: null, activity, started, cancellationToken).ConfigureAwait(false);
        _rules.EnsureInScope(location, current);
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
        var location = _locations.Resolve(reference);
        if (current.CreatedOn is not { } currentCreated)
        {
            return null;
        }

        using var activity = StartActivity("previous", location, current.Version);
        var started = _telemetry.Started();
        KeyVaultSecretProperties? previous;
        try
        {
            var versions = _api.For(location.VaultUri).GetPropertiesOfSecretVersionsAsync(location.SecretName, cancellationToken);
            previous = await KeyVaultVersionFinder.FindPreviousAsync(versions, current.Version, currentCreated, candidate => _rules.UsabilityProblem(candidate) is null).ConfigureAwait(false);
        }
        catch (Exception ex) when (!SecretProviderTelemetry.IsCallerCancellation(ex, cancellationToken))
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
        _api?.Dispose();
        _metrics?.Dispose();
        return base.DisposeAsyncCore();
    }

    private async ValueTask<SecretProperties> StoreAsync(KeyVaultLocation location, SecretValue value, string? contentType, IDictionary<string, string>? tags, string operation, CancellationToken cancellationToken)
    {
        using var activity = StartActivity(operation, location, version: null);
        var started = _telemetry.Started();
        var secret = KeyVaultRequestBodies.NewVersion(location, value, contentType, tags);

        try
        {
            var response = await _api.For(location.VaultUri).SetSecretAsync(secret, cancellationToken).ConfigureAwait(false);
            Record(operation, null, activity, started);
            SecretProviderLog.Stored(_logger, Name, location.DisplayName, response.Value.Properties.Version, "vault " + location.Vault);
            return _reader.ToProperties(location.DisplayName, response.Value.Properties);
        }
        catch (Exception ex) when (!SecretProviderTelemetry.IsCallerCancellation(ex, cancellationToken))
        {
            throw Fail(operation, location, ex, activity, started);
        }
    }

    private async ValueTask<KeyVaultSecretProperties> FindVersionAsync(KeyVaultLocation location, string? version, Activity? activity, long started, CancellationToken cancellationToken)
    {
        KeyVaultSecretProperties? found;
        try
        {
            found = await KeyVaultVersionFinder.FindAsync(_api.For(location.VaultUri).GetPropertiesOfSecretVersionsAsync(location.SecretName, cancellationToken), version).ConfigureAwait(false);
        }
        catch (Exception ex) when (!SecretProviderTelemetry.IsCallerCancellation(ex, cancellationToken))
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

    private SecretStoreException Fail(string operation, KeyVaultLocation location, Exception exception, Activity? activity, long started)
    {
        var error = KeyVaultErrorMapper.Map(Name, location.DisplayName, exception, out var status);
        SecretProviderLog.RequestFailed(_logger, Name, operation, location.DisplayName, "vault " + location.Vault, $"status {status}, code {error.ErrorCode}");
        Record(operation, error, activity, started);
        return error;
    }

    private Activity? StartActivity(string operation, KeyVaultLocation location, string? version)
    {
        var activity = _telemetry.Start(operation, location.DisplayName, version);
        activity?.SetTag("server.address", location.Vault);
        return activity;
    }

    private void Record(string operation, Exception? error, Activity? activity, long started) =>
        _telemetry.Record(operation, error, activity, started);
}
