using System.Buffers;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Secrets.Client.Transport;

namespace Secrets.Client.Gcp;

/// <summary>
/// Reads and writes secrets in Google Cloud Secret Manager through its v1 REST API.
/// References look like <c>gcp-sm://project/secret?version=5#field</c>; see <see cref="GcpSecretManagerSecretProviderOptions"/>.
/// </summary>
/// <remarks>
/// <para>Payloads are decoded from base64 straight into a <see cref="SecretValue"/>, so no managed string of the value is
/// made; the response buffer is wiped after use. Each payload's CRC32C is checked against <c>dataCrc32c</c>; a mismatch
/// raises <see cref="SecretIntegrityException"/>. Values written carry their CRC32C so that the service checks them too.</para>
/// <para>Disabled and destroyed versions are refused with <see cref="SecretNotFoundException"/> (error code
/// <c>SecretVersionDisabled</c> or <c>SecretVersionDestroyed</c>). <c>latest</c> is the most recently created version,
/// as the service defines it: when that one is disabled, reading <c>latest</c> fails rather than falling back.</para>
/// <para>All members are thread-safe.</para>
/// </remarks>
public partial class GcpSecretManagerSecretProvider : SecretProvider
{
    /// <summary>The provider name references use unless another is given: <c>gcp-sm</c>.</summary>
    public const string DefaultName = "gcp-sm";

    /// <summary>The variable naming a loopback Secret Manager emulator (<c>host:port</c>), after Google's <c>&lt;SERVICE&gt;_EMULATOR_HOST</c> convention.</summary>
    public const string EmulatorHostVariable = "SECRET_MANAGER_EMULATOR_HOST";

    /// <summary>
    /// The variable naming Secret Manager's base address when <see cref="GcpSecretManagerSecretProviderOptions.Endpoint"/>
    /// is unset, reached with the platform's credentials (unlike <see cref="EmulatorHostVariable"/>). Google's .NET client
    /// libraries have no such variable (their endpoint is a client builder setting), so this one is the adapter's own, as
    /// <c>secrets-emulator gcp-identity</c> prints it; the same rule as <c>Endpoint</c> applies (https, or http to loopback).
    /// </summary>
    public const string EndpointVariable = "SECRET_MANAGER_ENDPOINT";

    private readonly GcpSecretManagerSecretProviderOptions _options = null!;
    private readonly ILogger _logger = NullLogger.Instance;
    private readonly SecretHttpTransport _transport = null!;
    private readonly SecretProviderMetrics _metrics = null!;
    private readonly SecretProviderTelemetry _telemetry = null!;
    private readonly string _environment = string.Empty;
    private readonly GcpLocationResolver _locations = null!;
    private readonly GcpCredentials _credentials = null!;
    private readonly GcpApiClient _api = null!;
    private readonly GcpResponseReader _reader = null!;

    /// <summary>Initializes a new instance of the <see cref="GcpSecretManagerSecretProvider"/> class, for mocking.</summary>
    protected GcpSecretManagerSecretProvider()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="GcpSecretManagerSecretProvider"/> class.</summary>
    /// <param name="options">The settings; <see cref="SecretProviderOptions.Name"/> defaults to <see cref="DefaultName"/>.</param>
    /// <param name="loggerFactory">Creates the provider's logger; <see langword="null"/> logs nothing.</param>
    /// <param name="meterFactory">Creates the provider's meter; <see langword="null"/> uses a meter of its own.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting is invalid; the message names it.</exception>
    public GcpSecretManagerSecretProvider(GcpSecretManagerSecretProviderOptions options, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
        : base((options ?? throw new ArgumentNullException(nameof(options))).Name ?? DefaultName, options)
    {
        options.Validate(Name);
        _options = options;
        _logger = loggerFactory?.CreateLogger<GcpSecretManagerSecretProvider>() ?? (ILogger)NullLogger.Instance;
        var time = options.TimeProvider ?? TimeProvider.System;
        _environment = options.ResolveEnvironment();
        _locations = new GcpLocationResolver(Name, options.DefaultProject ?? NullIfBlank(System.Environment.GetEnvironmentVariable("GOOGLE_CLOUD_PROJECT")));
        var configured = options.Endpoint ?? GcpEndpoint.FromVariable(NullIfBlank(System.Environment.GetEnvironmentVariable(EndpointVariable)));
        var emulatorHost = configured is null ? NullIfBlank(System.Environment.GetEnvironmentVariable(EmulatorHostVariable)) : null;
        var endpoint = GcpEndpoint.Resolve(configured, emulatorHost);
        // An emulator named by SECRET_MANAGER_EMULATOR_HOST takes no credentials, as Google's client libraries do.
        _credentials = emulatorHost is null ? GcpCredentials.Create(Name, _logger, options) : GcpCredentials.ForEmulator(Name, _logger);
        _metrics = new SecretProviderMetrics(Name, "gcp-secret-manager", meterFactory);
        _transport = new SecretHttpTransport(Name, options.HttpHandler, time, _metrics);
        _telemetry = new SecretProviderTelemetry(GcpSecretManagerTelemetry.Source, DefaultName, _metrics, time);
        _api = new GcpApiClient(Name, endpoint, _credentials, _transport);
        _reader = new GcpResponseReader(Name, _logger);
    }

    /// <summary>
    /// Gets the principal the API sees once known: the service account e-mail (from the metadata server, the key file or
    /// the impersonation a workload identity federation configuration names); before that, or for an access token
    /// callback, the kind of credential in use. Never a token.
    /// </summary>
    public override string? Identity => _credentials?.Identity;

    /// <summary>Resolves <see cref="Identity"/> without reading a secret (the metadata server's e-mail, or the credential's configuration).</summary>
    /// <param name="cancellationToken">Cancels the resolution.</param>
    /// <returns>The service account e-mail or the kind of credential.</returns>
    /// <exception cref="SecretAccessDeniedException">The credential could not be loaded; the message names the link that failed.</exception>
    public override async ValueTask<string?> ResolveIdentityAsync(CancellationToken cancellationToken = default)
    {
        await _credentials.ResolvePrincipalAsync(throwOnFailure: true, cancellationToken).ConfigureAwait(false);
        return Identity;
    }

    /// <inheritdoc/>
    public override bool SupportsListing => true;

    /// <summary>Gets the environment compared with secrets' environment label.</summary>
    public string Environment => _environment;

    /// <inheritdoc/>
    public override async ValueTask<Secret> GetSecretAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        var location = _locations.Resolve(reference);
        using var activity = StartActivity("get", location);
        var started = _telemetry.Started();
        try
        {
            var labels = await CheckScopeAsync(location, cancellationToken).ConfigureAwait(false);
            using var response = await _api.SendAsync(HttpMethod.Get, location.VersionPath + ":access", content: null, "access", location, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccess)
            {
                throw _api.MapResponse(location, response);
            }

            var (version, value) = _reader.ReadAccessResponse(location, response.Body);
            Record("get", null, activity, started);
            SecretProviderLog.Fetched(_logger, Name, location.DisplayName, version, "project " + location.Project);
            return new Secret(new SecretProperties(Name, location.DisplayName) { Version = version, Tags = labels ?? GcpResponseReader.EmptyTags }, value);
        }
        catch (Exception ex) when (!SecretProviderTelemetry.IsCallerCancellation(ex, cancellationToken))
        {
            throw Fail("get", location, ex, activity, started);
        }
    }

    /// <summary>
    /// Gets a version's metadata without its value (one request, two when label scoping is on): the pinned version, or the
    /// most recently created one. The version number is the change token. Disabled and destroyed versions are refused as by
    /// <see cref="GetSecretAsync"/>.
    /// </summary>
    /// <param name="reference">The secret.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The metadata.</returns>
    public override async ValueTask<SecretProperties> GetPropertiesAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        var location = _locations.Resolve(reference);
        using var activity = StartActivity("properties", location);
        var started = _telemetry.Started();
        try
        {
            var labels = await CheckScopeAsync(location, cancellationToken).ConfigureAwait(false);
            using var document = await _api.GetJsonAsync(location, location.VersionPath, cancellationToken).ConfigureAwait(false);
            var root = document.RootElement;
            var version = GcpResponseReader.VersionFromName(root.GetProperty("name").GetString());
            var state = root.TryGetProperty("state", out var s) ? GcpResponseReader.StateName(s) : null;
            if (state is not null and not "ENABLED")
            {
                var code = state == "DISABLED" ? "SecretVersionDisabled" : state == "DESTROYED" ? "SecretVersionDestroyed" : "SecretVersion" + state;
                throw new SecretNotFoundException(Name, location.DisplayName, $"Version {version} is {state}.") { ErrorCode = code };
            }

            Record("properties", null, activity, started);
            return new SecretProperties(Name, location.DisplayName)
            {
                Version = version,
                CreatedOn = GcpResponseReader.ReadTime(root, "createTime"),
                Tags = labels ?? GcpResponseReader.EmptyTags,
            };
        }
        catch (Exception ex) when (!SecretProviderTelemetry.IsCallerCancellation(ex, cancellationToken))
        {
            throw Fail("properties", location, ex, activity, started);
        }
    }

    /// <summary>Fetches several secrets concurrently (at most <see cref="SecretProviderOptions.MaxConcurrentRequests"/> at once).</summary>
    /// <param name="references">The secrets.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One result per reference, in order.</returns>
    public override ValueTask<IReadOnlyList<SecretResult>> GetSecretsAsync(IReadOnlyList<SecretReference> references, CancellationToken cancellationToken = default) =>
        GetSecretsConcurrentlyAsync(references, _options.MaxConcurrentRequests, cancellationToken);

    /// <summary>
    /// Lists secrets whose ids start with a prefix, following the service's paging (the prefix goes to the service as a
    /// <c>name:</c> filter and is checked again here, as that filter matches anywhere in the id). The prefix is
    /// <c>project/id-prefix</c>, or <c>id-prefix</c> for the default project; the returned names have the same form, so
    /// that they can be used as reference paths. Each item carries the secret's creation time and labels (as tags), not a
    /// version: a secret's versions are not listed. With label scoping on, secrets labelled for other environments are left out.
    /// </summary>
    /// <param name="prefix">The prefix, or <see langword="null"/> for every secret of the default project.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The secrets' metadata.</returns>
    public override async IAsyncEnumerable<SecretProperties> ListSecretsAsync(string? prefix = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (project, displayPrefix, idPrefix) = _locations.ResolvePrefix(prefix);
        var listing = new GcpLocation(project, idPrefix, GcpLocationResolver.Latest, prefix ?? string.Empty);
        using var activity = StartActivity("list", listing);
        var started = _telemetry.Started();
        string? pageToken = null;
        do
        {
            var query = new StringBuilder($"v1/projects/{Uri.EscapeDataString(project)}/secrets?pageSize={_options.PageSize.ToString(CultureInfo.InvariantCulture)}");
            if (idPrefix.Length > 0)
            {
                query.Append("&filter=").Append(Uri.EscapeDataString("name:" + idPrefix));
            }

            if (pageToken is not null)
            {
                query.Append("&pageToken=").Append(Uri.EscapeDataString(pageToken));
            }

            List<SecretProperties> page;
            try
            {
                using var document = await _api.GetJsonAsync(listing, query.ToString(), cancellationToken).ConfigureAwait(false);
                page = _reader.ReadSecretsPage(document.RootElement, displayPrefix, idPrefix, labels => ScopeProblem(labels) is null, out pageToken);
            }
            catch (Exception ex) when (!SecretProviderTelemetry.IsCallerCancellation(ex, cancellationToken))
            {
                throw Fail("list", listing, ex, activity, started);
            }

            foreach (var item in page)
            {
                yield return item;
            }
        }
        while (!string.IsNullOrEmpty(pageToken));

        Record("list", null, activity, started);
    }

    /// <summary>
    /// Adds <paramref name="value"/> as a new version of a secret (creating the secret, with automatic replication, when it
    /// does not exist) and returns the new version's metadata. The payload carries its CRC32C, which the service verifies.
    /// </summary>
    /// <param name="name">The secret's path: <c>project/id</c> or <c>id</c>.</param>
    /// <param name="value">The value; the caller keeps ownership.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new version's metadata.</returns>
    public override ValueTask<SecretProperties> SetSecretAsync(string name, SecretValue value, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        return AddVersionAsync(_locations.Resolve(new SecretReference(Name, name)), value, "set", createIfMissing: true, cancellationToken);
    }

    /// <summary>
    /// Rotates a secret now: the <see cref="GcpSecretManagerSecretProviderOptions.RotationValueGenerator"/> makes a new value,
    /// added as a new version of the existing secret.
    /// </summary>
    /// <param name="reference">The secret; a pinned version is ignored.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new version's metadata.</returns>
    /// <exception cref="NotSupportedException">No generator is configured: Secret Manager only notifies a rotator through Pub/Sub.</exception>
    public override async ValueTask<SecretProperties> RotateSecretAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var generator = _options.RotationValueGenerator
            ?? throw new NotSupportedException($"Provider '{Name}' cannot rotate '{reference.Path}': Secret Manager's rotation schedule only publishes Pub/Sub notifications for a rotator you run. Set {nameof(GcpSecretManagerSecretProviderOptions)}.{nameof(GcpSecretManagerSecretProviderOptions.RotationValueGenerator)} to rotate by adding a new version.");
        var location = _locations.Resolve(reference);
        try
        {
            await CheckScopeAsync(location, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!SecretProviderTelemetry.IsCallerCancellation(ex, cancellationToken))
        {
            throw Fail("rotate", location, ex, activity: null, _telemetry.Started());
        }

        var value = await generator(reference, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"The rotation value generator returned no value for '{reference.Path}'.");
        using (value)
        {
            return await AddVersionAsync(location, value, "rotate", createIfMissing: false, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    /// <remarks>Versions are numbered: the previous one is version n-1 (null for version 1; the store treats a destroyed or disabled one as none).</remarks>
    public override ValueTask<SecretReference?> GetPreviousVersionReferenceAsync(SecretReference reference, SecretProperties current, CancellationToken cancellationToken = default) =>
        new(PreviousNumberedVersion(reference, current));

    /// <inheritdoc/>
    public override string ToString() => $"{nameof(GcpSecretManagerSecretProvider)}({Name}, project: {_locations?.DefaultProject ?? "(none)"})";

    /// <inheritdoc/>
    protected override ValueTask DisposeAsyncCore()
    {
        _transport?.Dispose();
        _metrics?.Dispose();
        return base.DisposeAsyncCore();
    }

    private async ValueTask<SecretProperties> AddVersionAsync(GcpLocation location, SecretValue value, string operation, bool createIfMissing, CancellationToken cancellationToken)
    {
        using var activity = StartActivity(operation, location);
        var started = _telemetry.Started();
        var (body, length) = GcpRequestBodies.AddVersion(value);
        try
        {
            var path = location.SecretPath + ":addVersion";
            var (status, document) = await _api.PostAsync(location, path, body, length, cancellationToken).ConfigureAwait(false);
            if (status == HttpStatusCode.NotFound && createIfMissing)
            {
                var create = GcpRequestBodies.CreateSecret.ToArray();
                // 409 means another writer created it first, which is as good.
                var (_, created) = await _api.PostAsync(location, $"v1/projects/{Uri.EscapeDataString(location.Project)}/secrets?secretId={location.SecretId}", create, create.Length, cancellationToken).ConfigureAwait(false);
                created?.Dispose();

                (status, document) = await _api.PostAsync(location, path, body, length, cancellationToken).ConfigureAwait(false);
            }

            if (document is null)
            {
                throw new SecretNotFoundException(Name, location.DisplayName, "The secret does not exist.") { ErrorCode = "NOT_FOUND" };
            }

            using (document)
            {
                var version = GcpResponseReader.VersionFromName(document.RootElement.GetProperty("name").GetString());
                Record(operation, null, activity, started);
                SecretProviderLog.Stored(_logger, Name, location.DisplayName, version, "project " + location.Project);
                return new SecretProperties(Name, location.DisplayName) { Version = version, CreatedOn = GcpResponseReader.ReadTime(document.RootElement, "createTime") };
            }
        }
        catch (Exception ex) when (!SecretProviderTelemetry.IsCallerCancellation(ex, cancellationToken))
        {
            throw Fail(operation, location, ex, activity, started);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(body.AsSpan(0, length));
            ArrayPool<byte>.Shared.Return(body);
        }
    }

    /// <summary>With label scoping on, reads the secret's labels and refuses a secret labelled for another environment; otherwise does nothing.</summary>
    private async ValueTask<IReadOnlyDictionary<string, string>?> CheckScopeAsync(GcpLocation location, CancellationToken cancellationToken)
    {
        if (_options.EnvironmentLabelName is null)
        {
            return null;
        }

        using var document = await _api.GetJsonAsync(location, location.SecretPath, cancellationToken).ConfigureAwait(false);
        var labels = GcpResponseReader.ReadLabels(document.RootElement);
        if (ScopeProblem(labels) is { } allowed)
        {
            SecretProviderLog.OutOfScope(_logger, Name, location.DisplayName, "project " + location.Project, allowed, _environment);
            throw new SecretEnvironmentScopeException(
                $"Access to secret '{location.DisplayName}' in provider '{Name}' was denied: it is labelled {_options.EnvironmentLabelName}={allowed} and this process runs in '{_environment}'.")
            {
                ErrorCode = "EnvironmentScope",
            };
        }

        return labels;
    }

    private string? ScopeProblem(Dictionary<string, string> labels) =>
        _options.EnvironmentLabelName is { } labelName
        && labels.TryGetValue(labelName, out var allowed)
        && !string.IsNullOrWhiteSpace(allowed)
        && !string.Equals(allowed, _environment, StringComparison.OrdinalIgnoreCase)
            ? allowed
            : null;

    private SecretStoreException Fail(string operation, GcpLocation location, Exception exception, Activity? activity, long started)
    {
        var error = exception as SecretStoreException ?? GcpErrorMapper.MapException(Name, location.DisplayName, exception);
        SecretProviderLog.RequestFailed(_logger, Name, operation, location.DisplayName, "project " + location.Project, $"{error.GetType().Name}, code {error.ErrorCode}");

        Record(operation, error, activity, started);
        return error;
    }

    private Activity? StartActivity(string operation, GcpLocation location)
    {
        var activity = _telemetry.Start(operation, location.DisplayName, location.Version);
        activity?.SetTag("gcp.project", location.Project);
        return activity;
    }

    private void Record(string operation, Exception? error, Activity? activity, long started) =>
        _telemetry.Record(operation, error, activity, started);

    private static string? NullIfBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
