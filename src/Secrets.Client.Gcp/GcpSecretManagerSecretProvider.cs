using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Google.Apis.Auth.OAuth2;
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

    private const string CloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";
    private const string Latest = "latest";

    /// <summary>The variable naming a loopback Secret Manager emulator (<c>host:port</c>), after Google's <c>&lt;SERVICE&gt;_EMULATOR_HOST</c> convention.</summary>
    public const string EmulatorHostVariable = "SECRET_MANAGER_EMULATOR_HOST";

    /// <summary>
    /// The variable naming Secret Manager's base address when <see cref="GcpSecretManagerSecretProviderOptions.Endpoint"/>
    /// is unset, reached with the platform's credentials (unlike <see cref="EmulatorHostVariable"/>). Google's .NET client
    /// libraries have no such variable (their endpoint is a client builder setting), so this one is the adapter's own, as
    /// <c>secrets-emulator gcp-identity</c> prints it; the same rule as <c>Endpoint</c> applies (https, or http to loopback).
    /// </summary>
    public const string EndpointVariable = "SECRET_MANAGER_ENDPOINT";

    private static readonly ProductInfoHeaderValue UserAgent = new("Secrets.Client.Gcp", typeof(GcpSecretManagerSecretProvider).Assembly.GetName().Version?.ToString(3) ?? "1.0.0");

    private readonly GcpSecretManagerSecretProviderOptions _options = null!;
    private readonly ILogger _logger = NullLogger.Instance;
    private readonly SecretHttpTransport _transport = null!;
    private readonly SecretProviderMetrics _metrics = null!;
    private readonly TimeProvider _time = TimeProvider.System;
    private readonly Uri _endpoint = null!;
    private readonly string? _defaultProject;
    private readonly Func<CancellationToken, ValueTask<string>>? _tokens;
    private readonly string _environment = string.Empty;
    private readonly string? _identity;
    private readonly Func<CancellationToken, Task<string?>>? _resolvePrincipal;
    private Task<string?>? _principal;

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
        _time = options.TimeProvider ?? TimeProvider.System;
        _environment = options.ResolveEnvironment();
        _defaultProject = options.DefaultProject ?? NullIfBlank(System.Environment.GetEnvironmentVariable("GOOGLE_CLOUD_PROJECT"));
        var configured = options.Endpoint ?? GcpEndpoint.FromVariable(NullIfBlank(System.Environment.GetEnvironmentVariable(EndpointVariable)));
        var emulatorHost = configured is null ? NullIfBlank(System.Environment.GetEnvironmentVariable(EmulatorHostVariable)) : null;
        _endpoint = GcpEndpoint.Resolve(configured, emulatorHost);
        // An emulator named by SECRET_MANAGER_EMULATOR_HOST takes no credentials, as Google's client libraries do.
        (_tokens, _identity, _resolvePrincipal) = emulatorHost is null ? CreateTokenSource(options) : (null, "emulator (" + EmulatorHostVariable + ")", null);
        _metrics = new SecretProviderMetrics(Name, "gcp-secret-manager", meterFactory);
        _transport = new SecretHttpTransport(Name, options.HttpHandler, _time, _metrics);
    }

    /// <summary>
    /// Gets the principal the API sees once known: the service account e-mail (from the metadata server, the key file or
    /// the impersonation a workload identity federation configuration names); before that, or for an access token
    /// callback, the kind of credential in use. Never a token.
    /// </summary>
    public override string? Identity => Volatile.Read(ref _principal) is { IsCompletedSuccessfully: true } principal ? principal.Result ?? _identity : _identity;

    /// <summary>Resolves <see cref="Identity"/> without reading a secret (the metadata server's e-mail, or the credential's configuration).</summary>
    /// <param name="cancellationToken">Cancels the resolution.</param>
    /// <returns>The service account e-mail or the kind of credential.</returns>
    /// <exception cref="SecretAccessDeniedException">The credential could not be loaded; the message names the link that failed.</exception>
    public override async ValueTask<string?> ResolveIdentityAsync(CancellationToken cancellationToken = default)
    {
        await ResolvePrincipalAsync(throwOnFailure: true, cancellationToken).ConfigureAwait(false);
        return Identity;
    }

    /// <inheritdoc/>
    public override bool SupportsListing => true;

    /// <summary>Gets the environment compared with secrets' environment label.</summary>
    public string Environment => _environment;

    /// <inheritdoc/>
    public override async ValueTask<Secret> GetSecretAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        var location = Resolve(reference);
        using var activity = StartActivity("get", location);
        var started = _time.GetTimestamp();
        try
        {
            var labels = await CheckScopeAsync(location, cancellationToken).ConfigureAwait(false);
            using var response = await SendAsync(HttpMethod.Get, location.VersionPath + ":access", content: null, "access", location, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccess)
            {
                throw MapResponse(location, response);
            }

            var (version, value) = ReadAccessResponse(location, response.Body);
            Record("get", null, activity, started);
            SecretProviderLog.Fetched(_logger, Name, location.DisplayName, version, "project " + location.Project);
            return new Secret(new SecretProperties(Name, location.DisplayName) { Version = version, Tags = labels ?? EmptyTags }, value);
        }
        catch (Exception ex) when (!IsCallerCancellation(ex, cancellationToken))
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
        var location = Resolve(reference);
        using var activity = StartActivity("properties", location);
        var started = _time.GetTimestamp();
        try
        {
            var labels = await CheckScopeAsync(location, cancellationToken).ConfigureAwait(false);
            using var document = await GetJsonAsync(location, location.VersionPath, cancellationToken).ConfigureAwait(false);
            var root = document.RootElement;
            var version = VersionFromName(root.GetProperty("name").GetString());
            var state = root.TryGetProperty("state", out var s) ? StateName(s) : null;
            if (state is not null and not "ENABLED")
            {
                var code = state == "DISABLED" ? "SecretVersionDisabled" : state == "DESTROYED" ? "SecretVersionDestroyed" : "SecretVersion" + state;
                throw new SecretNotFoundException(Name, location.DisplayName, $"Version {version} is {state}.") { ErrorCode = code };
            }

            Record("properties", null, activity, started);
            return new SecretProperties(Name, location.DisplayName)
            {
                Version = version,
                CreatedOn = ReadTime(root, "createTime"),
                Tags = labels ?? EmptyTags,
            };
        }
        catch (Exception ex) when (!IsCallerCancellation(ex, cancellationToken))
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
        var (project, displayPrefix, idPrefix) = ResolvePrefix(prefix);
        var listing = new GcpLocation(project, idPrefix, Latest, prefix ?? string.Empty);
        using var activity = StartActivity("list", listing);
        var started = _time.GetTimestamp();
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
                using var document = await GetJsonAsync(listing, query.ToString(), cancellationToken).ConfigureAwait(false);
                page = ReadSecretsPage(document.RootElement, displayPrefix, idPrefix, out pageToken);
            }
            catch (Exception ex) when (!IsCallerCancellation(ex, cancellationToken))
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
        return AddVersionAsync(Resolve(new SecretReference(Name, name)), value, "set", createIfMissing: true, cancellationToken);
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
        var location = Resolve(reference);
        try
        {
            await CheckScopeAsync(location, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!IsCallerCancellation(ex, cancellationToken))
        {
            throw Fail("rotate", location, ex, activity: null, _time.GetTimestamp());
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
    public override string ToString() => $"{nameof(GcpSecretManagerSecretProvider)}({Name}, project: {_defaultProject ?? "(none)"})";

    /// <inheritdoc/>
    protected override ValueTask DisposeAsyncCore()
    {
        _transport?.Dispose();
        _metrics?.Dispose();
        return base.DisposeAsyncCore();
    }

    private static IReadOnlyDictionary<string, string> EmptyTags { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    private async ValueTask<SecretProperties> AddVersionAsync(GcpLocation location, SecretValue value, string operation, bool createIfMissing, CancellationToken cancellationToken)
    {
        using var activity = StartActivity(operation, location);
        var started = _time.GetTimestamp();
        var (body, length) = BuildAddVersionBody(value);
        try
        {
            var path = location.SecretPath + ":addVersion";
            var (status, document) = await PostAsync(location, path, body, length, cancellationToken).ConfigureAwait(false);
            if (status == HttpStatusCode.NotFound && createIfMissing)
            {
                var create = "{\"replication\":{\"automatic\":{}}}"u8.ToArray();
                // 409 means another writer created it first, which is as good.
                var (_, created) = await PostAsync(location, $"v1/projects/{Uri.EscapeDataString(location.Project)}/secrets?secretId={location.SecretId}", create, create.Length, cancellationToken).ConfigureAwait(false);
                created?.Dispose();

                (status, document) = await PostAsync(location, path, body, length, cancellationToken).ConfigureAwait(false);
            }

            if (document is null)
            {
                throw new SecretNotFoundException(Name, location.DisplayName, "The secret does not exist.") { ErrorCode = "NOT_FOUND" };
            }

            using (document)
            {
                var version = VersionFromName(document.RootElement.GetProperty("name").GetString());
                Record(operation, null, activity, started);
                SecretProviderLog.Stored(_logger, Name, location.DisplayName, version, "project " + location.Project);
                return new SecretProperties(Name, location.DisplayName) { Version = version, CreatedOn = ReadTime(document.RootElement, "createTime") };
            }
        }
        catch (Exception ex) when (!IsCallerCancellation(ex, cancellationToken))
        {
            throw Fail(operation, location, ex, activity, started);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(body.AsSpan(0, length));
            ArrayPool<byte>.Shared.Return(body);
        }
    }

    /// <summary>POSTs a body; answers 404 and 409 with their status and no document (callers decide), other failures throw.</summary>
    private async Task<(HttpStatusCode Status, JsonDocument? Document)> PostAsync(GcpLocation location, string path, byte[] body, int length, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body, 0, length);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        using var response = await SendAsync(HttpMethod.Post, path, content, "post", location, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccess)
        {
            return (response.Status, ParseCopy(response.Body));
        }

        var error = MapResponse(location, response);
        return response.Status is HttpStatusCode.NotFound or HttpStatusCode.Conflict && error is SecretNotFoundException or { ErrorCode: "ALREADY_EXISTS" }
            ? (response.Status, null)
            : throw error;
    }

    private static (byte[] Buffer, int Length) BuildAddVersionBody(SecretValue value)
    {
        ReadOnlySpan<byte> head = "{\"payload\":{\"data\":\""u8;
        ReadOnlySpan<byte> middle = "\",\"dataCrc32c\":\""u8;
        ReadOnlySpan<byte> tail = "\"}}"u8;
        var capacity = head.Length + Base64.GetMaxEncodedToUtf8Length(value.Length) + middle.Length + 20 + tail.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(capacity);
        var length = value.Use(buffer, static (secret, destination) =>
        {
            ReadOnlySpan<byte> head = "{\"payload\":{\"data\":\""u8;
            ReadOnlySpan<byte> middle = "\",\"dataCrc32c\":\""u8;
            ReadOnlySpan<byte> tail = "\"}}"u8;
            var span = destination.AsSpan();
            head.CopyTo(span);
            var written = head.Length;
            Base64.EncodeToUtf8(secret, span[written..], out _, out var encoded);
            written += encoded;
            middle.CopyTo(span[written..]);
            written += middle.Length;
            Crc32C.Compute(secret).TryFormat(span[written..], out var digits, provider: CultureInfo.InvariantCulture);
            written += digits;
            tail.CopyTo(span[written..]);
            return written + tail.Length;
        });
        return (buffer, length);
    }

    private (string Version, SecretValue Value) ReadAccessResponse(GcpLocation location, ReadOnlySpan<byte> body)
    {
        try
        {
            return ReadAccessResponseCore(location, body);
        }
        catch (Exception ex) when (IsMalformed(ex))
        {
            throw Malformed(location.DisplayName, "access");
        }
    }

    /// <summary>
    /// Whether reading an answer failed on its content: bad JSON, a property of the wrong type or a string that decodes to
    /// a lone surrogate (<see cref="InvalidOperationException"/> from the reader), a required property missing
    /// (<see cref="KeyNotFoundException"/>), or a number or name that is not what Secret Manager sends.
    /// </summary>
    private static bool IsMalformed(Exception exception) =>
        exception is JsonException or InvalidOperationException or KeyNotFoundException or FormatException;

    // No inner exception: the reader's message quotes bytes of the answer, which may be the secret.
    private SecretFormatException Malformed(string secretName, string operation) =>
        new(Name, secretName, $"Secret Manager's {operation} answer is not the JSON it sends.") { ErrorCode = "MalformedResponse" };

    private (string Version, SecretValue Value) ReadAccessResponseCore(GcpLocation location, ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        string? name = null;
        long? checksum = null;
        var dataStart = -1;
        var dataLength = 0;
        var escaped = false;
        var inPayload = false;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 1)
            {
                inPayload = false;
                continue;
            }

            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                continue;
            }

            if (reader.CurrentDepth == 1)
            {
                if (reader.ValueTextEquals("name"u8))
                {
                    reader.Read();
                    name = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else if (reader.ValueTextEquals("payload"u8))
                {
                    reader.Read();
                    inPayload = reader.TokenType == JsonTokenType.StartObject;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            else if (inPayload && reader.CurrentDepth == 2 && reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    dataStart = (int)reader.TokenStartIndex + 1;
                    dataLength = reader.ValueSpan.Length;
                    escaped = reader.ValueIsEscaped;
                }
            }
            else if (inPayload && reader.CurrentDepth == 2 && reader.ValueTextEquals("dataCrc32c"u8))
            {
                reader.Read();
                checksum = reader.TokenType switch
                {
                    JsonTokenType.String when long.TryParse(reader.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) => parsed,
                    JsonTokenType.Number when reader.TryGetInt64(out var number) => number,
                    _ => throw new FormatException("dataCrc32c is not an int64."),
                };
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        var version = VersionFromName(name);
        SecretValue value;
        if (dataStart < 0)
        {
            // proto3 JSON leaves an empty payload out.
            value = SecretValue.FromBytes([]);
        }
        else if (!escaped)
        {
            value = Decode(location, body.Slice(dataStart, dataLength));
        }
        else
        {
            var unescaped = ArrayPool<byte>.Shared.Rent(dataLength);
            try
            {
                var nested = new Utf8JsonReader(body[(dataStart - 1)..]);
                nested.Read();
                var count = nested.CopyString(unescaped);
                value = Decode(location, unescaped.AsSpan(0, count));
            }
            finally
            {
                CryptographicOperations.ZeroMemory(unescaped);
                ArrayPool<byte>.Shared.Return(unescaped);
            }
        }

        if (checksum is { } expected)
        {
            var actual = value.Use(0, static (secret, _) => Crc32C.Compute(secret));
            if (actual != expected)
            {
                value.Dispose();
                GcpSecretManagerLog.ChecksumMismatch(_logger, location.DisplayName, version, location.Project);
                throw new SecretIntegrityException(Name, location.DisplayName, $"Version {version}'s payload does not match its CRC32C checksum: it was corrupted in transit or storage.") { ErrorCode = "ChecksumMismatch" };
            }
        }

        return (version, value);
    }

    private SecretValue Decode(GcpLocation location, ReadOnlySpan<byte> base64)
    {
        try
        {
            return SecretValue.Create(Base64.GetMaxDecodedFromUtf8Length(base64.Length), base64, static (destination, source) =>
                Base64.DecodeFromUtf8(source, destination, out _, out var written) == OperationStatus.Done ? written : throw new FormatException());
        }
        catch (FormatException)
        {
            throw new SecretFormatException(Name, location.DisplayName, "Secret Manager returned a payload that is not valid base64.") { ErrorCode = "InvalidBase64" };
        }
    }

    private List<SecretProperties> ReadSecretsPage(JsonElement root, string displayPrefix, string idPrefix, out string? nextPageToken)
    {
        try
        {
            return ReadSecretsPageCore(root, displayPrefix, idPrefix, out nextPageToken);
        }
        catch (Exception ex) when (IsMalformed(ex))
        {
            throw Malformed(displayPrefix, "list");
        }
    }

    private List<SecretProperties> ReadSecretsPageCore(JsonElement root, string displayPrefix, string idPrefix, out string? nextPageToken)
    {
        nextPageToken = root.TryGetProperty("nextPageToken", out var token) && token.ValueKind == JsonValueKind.String ? token.GetString() : null;
        var page = new List<SecretProperties>();
        if (!root.TryGetProperty("secrets", out var secrets) || secrets.ValueKind != JsonValueKind.Array)
        {
            return page;
        }

        foreach (var secret in secrets.EnumerateArray())
        {
            var name = secret.GetProperty("name").GetString() ?? string.Empty;
            var id = name[(name.LastIndexOf('/') + 1)..];
            if (!id.StartsWith(idPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var labels = ReadLabels(secret);
            if (ScopeProblem(labels) is not null)
            {
                continue;
            }

            page.Add(new SecretProperties(Name, displayPrefix + id) { CreatedOn = ReadTime(secret, "createTime"), Tags = labels });
        }

        return page;
    }

    /// <summary>With label scoping on, reads the secret's labels and refuses a secret labelled for another environment; otherwise does nothing.</summary>
    private async ValueTask<IReadOnlyDictionary<string, string>?> CheckScopeAsync(GcpLocation location, CancellationToken cancellationToken)
    {
        if (_options.EnvironmentLabelName is null)
        {
            return null;
        }

        using var document = await GetJsonAsync(location, location.SecretPath, cancellationToken).ConfigureAwait(false);
        var labels = ReadLabels(document.RootElement);
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

    private static Dictionary<string, string> ReadLabels(JsonElement secret)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (secret.TryGetProperty("labels", out var element) && element.ValueKind == JsonValueKind.Object)
        {
            foreach (var label in element.EnumerateObject())
            {
                labels[label.Name] = label.Value.ValueKind == JsonValueKind.String ? label.Value.GetString()! : label.Value.GetRawText();
            }
        }

        return labels;
    }

    private async Task<JsonDocument> GetJsonAsync(GcpLocation location, string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, path, content: null, "get", location, cancellationToken).ConfigureAwait(false);
        return response.IsSuccess ? ParseCopy(response.Body) : throw MapResponse(location, response);
    }

    /// <summary>Parses metadata into a document that owns its own copy: the pooled buffer goes back to the pool right after.</summary>
    private static JsonDocument ParseCopy(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        return JsonDocument.ParseValue(ref reader);
    }

    private async ValueTask<SecretHttpResponse> SendAsync(HttpMethod method, string path, HttpContent? content, string operation, GcpLocation location, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(_endpoint, path)) { Content = content };
        if (_tokens is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await GetTokenAsync(cancellationToken).ConfigureAwait(false));
        }

        request.Headers.UserAgent.Add(UserAgent);
        return await _transport.SendAsync(request, operation, location.DisplayName, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        string? token;
        try
        {
            token = await _tokens!(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!IsCallerCancellation(ex, cancellationToken) && ex is not SecretStoreException)
        {
            throw CredentialFailure(ex);
        }

        if (_resolvePrincipal is not null && Volatile.Read(ref _principal) is not { IsCompletedSuccessfully: true })
        {
            await ResolvePrincipalAsync(throwOnFailure: Options.ProductionIdentities.Count > 0, cancellationToken).ConfigureAwait(false);
        }

        return string.IsNullOrEmpty(token)
            ? throw new SecretAccessDeniedException($"The access token provider of provider '{Name}' returned no token.") { ErrorCode = "CredentialUnavailable" }
            : token;
    }

    private SecretStoreException MapResponse(GcpLocation location, SecretHttpResponse response) =>
        GcpErrorMapper.MapResponse(Name, location.DisplayName, (int)response.Status, response.RetryAfter, response.Body);

    private SecretStoreException Fail(string operation, GcpLocation location, Exception exception, Activity? activity, long started)
    {
        var error = exception as SecretStoreException ?? GcpErrorMapper.MapException(Name, location.DisplayName, exception);
        SecretProviderLog.RequestFailed(_logger, Name, operation, location.DisplayName, "project " + location.Project, $"{error.GetType().Name}, code {error.ErrorCode}");

        Record(operation, error, activity, started);
        return error;
    }

    private static bool IsCallerCancellation(Exception exception, CancellationToken cancellationToken) =>
        exception is OperationCanceledException && cancellationToken.IsCancellationRequested;

    private static Activity? StartActivity(string operation, GcpLocation location)
    {
        var activity = GcpSecretManagerTelemetry.Source.StartActivity("gcp-sm " + operation, ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag("secrets.operation", operation);
            activity.SetTag("secrets.name", location.DisplayName);
            activity.SetTag("secrets.version", location.Version);
            activity.SetTag("gcp.project", location.Project);
        }

        return activity;
    }

    private void Record(string operation, Exception? error, Activity? activity, long started)
    {
        _transport.Record(operation, started, error);
        if (activity is not null)
        {
            var outcome = SecretProviderMetrics.Outcome(error);
            activity.SetTag("secrets.outcome", outcome);
            activity.SetStatus(error is null ? ActivityStatusCode.Ok : ActivityStatusCode.Error, error is null ? null : outcome);
        }
    }

    private static string? NullIfBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static string VersionFromName(string? name)
    {
        var slash = name?.LastIndexOf('/') ?? -1;
        return slash < 0 || slash == name!.Length - 1 ? throw new FormatException("The version's resource name is missing.") : name[(slash + 1)..];
    }

    private static string? StateName(JsonElement state) =>
        state.ValueKind switch
        {
            JsonValueKind.String => state.GetString(),
            // With $alt=json;enum-encoding=int the service sends enum numbers.
            JsonValueKind.Number => state.GetInt32() switch { 1 => "ENABLED", 2 => "DISABLED", 3 => "DESTROYED", var other => "STATE_" + other.ToString(CultureInfo.InvariantCulture) },
            _ => null,
        };

    private static DateTimeOffset? ReadTime(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
            ? parsed
            : null;

    private GcpLocation Resolve(SecretReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.Stage is not null)
        {
            throw new InvalidSecretReferenceException(reference.ToString(), "Secret Manager references take no stage; pin a version with ?version=N or use latest.", Name);
        }

        var path = reference.Path;
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        var project = slash < 0 ? _defaultProject : path[..slash];
        var id = slash < 0 ? path : path[(slash + 1)..];
        if (project is null)
        {
            throw new InvalidSecretReferenceException(reference.ToString(), $"it names no project and provider '{Name}' has no default project; write 'project/secret' or set {nameof(GcpSecretManagerSecretProviderOptions.DefaultProject)}.", Name);
        }

        if (!GcpProjectId.IsValid(project))
        {
            throw new InvalidSecretReferenceException(reference.ToString(), $"'{project}' is not a Google Cloud project id or number.", Name);
        }

        if (!SecretIdPattern().IsMatch(id))
        {
            throw new InvalidSecretReferenceException(reference.ToString(), $"'{id}' is not a Secret Manager secret id: use 1 to 255 letters, digits, '_' and '-', after an optional 'project/'.", Name);
        }

        var version = reference.Version ?? Latest;
        if (version != Latest && !VersionPattern().IsMatch(version))
        {
            throw new InvalidSecretReferenceException(reference.ToString(), $"'{version}' is not a Secret Manager version: use a version number or 'latest'.", Name);
        }

        return new GcpLocation(project, id, version, path);
    }

    private (string Project, string DisplayPrefix, string IdPrefix) ResolvePrefix(string? prefix)
    {
        prefix ??= string.Empty;
        var slash = prefix.IndexOf('/', StringComparison.Ordinal);
        var project = slash < 0 ? _defaultProject : prefix[..slash];
        var idPrefix = slash < 0 ? prefix : prefix[(slash + 1)..];
        if (project is null || !GcpProjectId.IsValid(project))
        {
            throw new ArgumentException(project is null
                ? $"The prefix names no project and provider '{Name}' has no default project; write 'project/prefix' or set {nameof(GcpSecretManagerSecretProviderOptions.DefaultProject)}."
                : $"'{project}' is not a Google Cloud project id or number.", nameof(prefix));
        }

        if (idPrefix.Length > 0 && !SecretIdPrefixPattern().IsMatch(idPrefix))
        {
            throw new ArgumentException($"'{idPrefix}' cannot start a Secret Manager secret id: use letters, digits, '_' and '-'.", nameof(prefix));
        }

        return (project, slash < 0 ? string.Empty : project + "/", idPrefix);
    }

    private static (Func<CancellationToken, ValueTask<string>> Tokens, string Identity, Func<CancellationToken, Task<string?>>? Principal) CreateTokenSource(GcpSecretManagerSecretProviderOptions options)
    {
        if (options.AccessTokenProvider is { } provider)
        {
            return (provider, "access token provider", null);
        }

        if ((options.CredentialFile is { } file ? CredentialFactory.FromFile<ServiceAccountCredential>(file).ToGoogleCredential() : options.Credential) is { } credential)
        {
            var scoped = credential.IsCreateScopedRequired ? credential.CreateScoped(CloudPlatformScope) : credential;
            return (ct => new ValueTask<string>(((ITokenAccess)scoped).GetAccessTokenForRequestAsync(authUri: null, ct)), "GoogleCredential (" + credential.UnderlyingCredential.GetType().Name + ")",
                ct => GoogleCredentialLink.ResolvePrincipalAsync(credential, ct));
        }

        var adc = new ApplicationDefaultTokenSource(CloudPlatformScope);
        return (adc.GetTokenAsync, "Application Default Credentials", adc.ResolvePrincipalAsync);
    }

    /// <summary>Resolves the principal once per provider (a credential's service account does not change); a failed attempt is retried next time.</summary>
    private async Task ResolvePrincipalAsync(bool throwOnFailure, CancellationToken cancellationToken)
    {
        if (_resolvePrincipal is null)
        {
            return;
        }

        var current = Volatile.Read(ref _principal);
        if (current is null || current.IsFaulted || current.IsCanceled)
        {
            var fresh = _resolvePrincipal(CancellationToken.None);
            current = Interlocked.CompareExchange(ref _principal, fresh, current) == current ? fresh : Volatile.Read(ref _principal)!;
        }

        try
        {
            await current.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!IsCallerCancellation(ex, cancellationToken))
        {
            if (throwOnFailure)
            {
                throw CredentialFailure(ex);
            }

            // The principal is for the audit; not knowing it must not fail a read that has a token.
            GcpSecretManagerLog.PrincipalUnresolved(_logger, Name, ex.GetType().Name);
        }
    }

    private SecretStoreException CredentialFailure(Exception exception)
    {
        var explained = GoogleCredentialLink.Explain(exception);

        // A token service that cannot be reached may be a blip; anything else is a setup or revocation problem.
        return exception is HttpRequestException or TaskCanceledException && Environment_IsUnset("GCE_METADATA_HOST")
            ? new SecretUnavailableException($"Getting a Google access token for provider '{Name}' failed: {explained}.", exception) { ErrorCode = "AuthenticationFailed" }
            : new SecretAccessDeniedException($"Getting a Google access token for provider '{Name}' failed: {explained}.", exception) { ErrorCode = "CredentialUnavailable" };
    }

    private static bool Environment_IsUnset(string name) => string.IsNullOrEmpty(System.Environment.GetEnvironmentVariable(name));
    [GeneratedRegex("^[a-zA-Z0-9_-]{1,255}$")]
    private static partial Regex SecretIdPattern();

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,255}$")]
    private static partial Regex SecretIdPrefixPattern();

    [GeneratedRegex("^[0-9]{1,19}$")]
    private static partial Regex VersionPattern();
}
