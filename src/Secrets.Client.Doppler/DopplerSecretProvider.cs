using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Secrets.Client.Local;
using Secrets.Client.Transport;

namespace Secrets.Client.Doppler;

/// <summary>
/// Serves a Doppler config's secrets (<c>doppler://STRIPE_KEY</c>). The whole config is downloaded in one call
/// (<c>GET /v3/configs/config/secrets/download?format=json</c> with a service token, or
/// <c>doppler secrets download --no-file --format json</c> with a developer's login) and every read is served from it.
/// </summary>
/// <remarks>
/// <para>Change checks run at most every <see cref="DopplerSecretProviderOptions.ChangeCheckInterval"/>: the API is asked
/// with <c>If-None-Match</c> and answers 304 while nothing changed; the CLI is run again. Each secret's version is an HMAC
/// of its value, so exactly the changed secrets get new versions and <c>IOptionsMonitor</c> follows.</para>
/// <para>The API transport is production-capable; the CLI transport serves a developer's session and refuses to be
/// constructed in Production unless <see cref="DopplerSecretProviderOptions.AllowInProduction"/> is set. Values go from
/// the response body or the child's stdout into secret memory and never become strings.</para>
/// </remarks>
public sealed class DopplerSecretProvider : SecretProvider
{
    /// <summary>The provider name references use unless another is given: <c>doppler</c>.</summary>
    public const string DefaultName = DopplerSecretProviderOptions.DefaultName;

    private static readonly string[] CliInheritedVariables =
    [
        "PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TMPDIR", "XDG_CONFIG_HOME", "SystemRoot", "USERPROFILE", "APPDATA", "LOCALAPPDATA",
        "DOPPLER_TOKEN", "DOPPLER_PROJECT", "DOPPLER_CONFIG", "DOPPLER_API_HOST", "DOPPLER_CONFIG_DIR", "DOPPLER_ENABLE_VERSION_CHECK",
    ];

    private readonly DopplerSecretProviderOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly SecretHttpTransport? _http;
    private readonly ILogger _logger;
    private readonly SecretVersioner _versioner = new();
    private readonly SemaphoreSlim _loadGate = new(1, 1);
    private readonly Lock _snapshotLock = new();
    private SecretSnapshot? _snapshot;
    private long _nextCheckUtcTicks;

    /// <summary>Initializes a new instance of the <see cref="DopplerSecretProvider"/> class.</summary>
    /// <param name="options">
    /// The options; <see cref="SecretProviderOptions.Name"/> defaults to <see cref="DefaultName"/>, the clock that paces
    /// change checks and times out the CLI to <see cref="SecretProviderOptions.TimeProvider"/>.
    /// </param>
    /// <param name="loggerFactory">Creates the provider's logger; <see langword="null"/> for none.</param>
    /// <param name="meterFactory">Creates the provider's meter (API requests); <see langword="null"/> uses a meter of its own.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting is invalid; the message names it.</exception>
    /// <exception cref="SecretEnvironmentScopeException">The CLI transport in Production without <see cref="DopplerSecretProviderOptions.AllowInProduction"/>.</exception>
    public DopplerSecretProvider(DopplerSecretProviderOptions options, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
        : base(NameOf(options), options)
    {
        options.Validate(Name);
        _options = options;
        _timeProvider = options.TimeProvider ?? TimeProvider.System;
        _logger = loggerFactory?.CreateLogger<DopplerSecretProvider>() ?? NullLogger<DopplerSecretProvider>.Instance;
        if (options.Transport == DopplerTransport.Cli)
        {
            var environment = SecretEnvironment.Resolve(options.Environment);
            if (SecretEnvironment.IsProduction(environment))
            {
                if (!options.AllowInProduction)
                {
                    throw new SecretEnvironmentScopeException(
                        $"The Doppler provider '{Name}' uses the Doppler CLI, a developer's session, and refuses to run in the '{environment}' environment. " +
                        $"Use the API transport with a service token in production, or set {nameof(DopplerSecretProviderOptions.AllowInProduction)} = true if this is intended.");
                }

                DopplerLog.CliInProduction(_logger, Name);
            }
        }
        else
        {
            _http = new SecretHttpTransport(Name, options.HttpHandler, _timeProvider, new SecretProviderMetrics(Name, "doppler", meterFactory));
        }
    }

    /// <inheritdoc/>
    public override bool SupportsListing => true;

    /// <inheritdoc/>
    public override int MaxBatchSize => 1000;

    /// <inheritdoc/>
    public override async ValueTask<Secret> GetSecretAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        await EnsureCurrentAsync(cancellationToken).ConfigureAwait(false);
        lock (_snapshotLock)
        {
            return Current().TryCopy(reference.Path, out var secret) ? secret : throw NotFound(reference);
        }
    }

    /// <inheritdoc/>
    public override async ValueTask<SecretProperties> GetPropertiesAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        await EnsureCurrentAsync(cancellationToken).ConfigureAwait(false);
        lock (_snapshotLock)
        {
            return Current().TryGetProperties(reference.Path, out var properties) ? properties : throw NotFound(reference);
        }
    }

    /// <inheritdoc/>
    /// <remarks>One download serves the whole batch.</remarks>
    public override async ValueTask<IReadOnlyList<SecretResult>> GetSecretsAsync(IReadOnlyList<SecretReference> references, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(references);
        await EnsureCurrentAsync(cancellationToken).ConfigureAwait(false);
        lock (_snapshotLock)
        {
            var snapshot = Current();
            return [.. references.Select(r => snapshot.TryCopy(r.Path, out var secret) ? SecretResult.Success(r, secret) : SecretResult.Failure(r, NotFound(r)))];
        }
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<SecretProperties> ListSecretsAsync(string? prefix = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await EnsureCurrentAsync(cancellationToken).ConfigureAwait(false);
        List<SecretProperties> listed = [];
        lock (_snapshotLock)
        {
            var snapshot = Current();
            foreach (var name in snapshot.Names)
            {
                if ((prefix is null || name.StartsWith(prefix, StringComparison.Ordinal)) && snapshot.TryGetProperties(name, out var properties))
                {
                    listed.Add(properties);
                }
            }
        }

        foreach (var properties in listed)
        {
            yield return properties;
        }
    }

    /// <summary>Describes the provider for diagnostics.</summary>
    /// <returns>The kind, name and transport.</returns>
    public override string ToString() => $"{nameof(DopplerSecretProvider)}({Name}, {_options.Transport})";

    /// <inheritdoc/>
    protected override ValueTask DisposeAsyncCore()
    {
        lock (_snapshotLock)
        {
            _snapshot?.Dispose();
            _snapshot = null;
        }

        _http?.Dispose();
        return base.DisposeAsyncCore();
    }

    private static string NameOf(DopplerSecretProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Name ?? DopplerSecretProviderOptions.DefaultName;
    }

    private SecretSnapshot Current() => _snapshot ?? throw new ObjectDisposedException(ToString());

    private SecretNotFoundException NotFound(SecretReference reference) =>
        new(Name, reference.Path, $"The Doppler config has no secret '{reference.Path}'.");

    private async ValueTask EnsureCurrentAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _snapshot) is not null && _timeProvider.GetUtcNow().UtcTicks < Volatile.Read(ref _nextCheckUtcTicks))
        {
            return;
        }

        await _loadGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _timeProvider.GetUtcNow();
            var current = Volatile.Read(ref _snapshot);
            if (current is not null && now.UtcTicks < Volatile.Read(ref _nextCheckUtcTicks))
            {
                return;
            }

            var loaded = _options.Transport == DopplerTransport.Api
                ? await DownloadAsync(current?.ChangeToken, now, cancellationToken).ConfigureAwait(false)
                : await RunCliAsync(now, cancellationToken).ConfigureAwait(false);
            if (loaded is not null)
            {
                DopplerLog.Loaded(_logger, Name, loaded.Names.Count);
                lock (_snapshotLock)
                {
                    _snapshot = loaded;
                }

                current?.Dispose();
            }

            Volatile.Write(ref _nextCheckUtcTicks, (now + _options.ChangeCheckInterval).UtcTicks);
        }
        finally
        {
            _loadGate.Release();
        }
    }

    /// <summary>Downloads the config; <see langword="null"/> when the server says it has not changed (304).</summary>
    private async Task<SecretSnapshot?> DownloadAsync(string? etag, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var token = _options.ServiceToken ?? System.Environment.GetEnvironmentVariable("DOPPLER_TOKEN")
            ?? throw new SecretAccessDeniedException(Name, secretName: null, "No Doppler service token: set ServiceToken or DOPPLER_TOKEN.") { ErrorCode = "NoToken" };
        var query = "format=json" + (_options.Project is { } project ? "&project=" + Uri.EscapeDataString(project) : string.Empty) + (_options.Config is { } config ? "&config=" + Uri.EscapeDataString(config) : string.Empty);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_options.Endpoint ?? DopplerSecretProviderOptions.DefaultEndpoint, "/v3/configs/config/secrets/download?" + query));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (etag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", etag);
        }

        var started = _timeProvider.GetTimestamp();
        try
        {
            using var response = await _http!.SendAsync(request, "DownloadSecrets", secretName: null, cancellationToken).ConfigureAwait(false);
            SecretSnapshot? loaded = null;
            if (response.Status != HttpStatusCode.NotModified)
            {
                loaded = response.IsSuccess
                    ? SecretSnapshot.Parse(response.Body, Name, _versioner, exclude: null, response.Headers.ETag?.ToString(), now)
                    : throw MapApiError(response, ErrorMessages(response.Body));
            }

            _http.Record("DownloadSecrets", started, error: null);
            return loaded;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _http!.Record("DownloadSecrets", started, ex);
            throw;
        }
    }

    private SecretStoreException MapApiError(SecretHttpResponse response, string? messages)
    {
        var detail = $"Doppler answered {(int)response.Status}" + (messages is null ? "." : $": {messages}.");
        var code = ((int)response.Status).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return SecretHttpErrors.FromStatus(Name, secretName: null, response.Status, code, response.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden ? detail + " Check the service token." : detail, response.RetryAfter);
    }

    /// <summary>Reads <c>{"messages":["..."],"success":false}</c>; error bodies hold no secrets.</summary>
    private static string? ErrorMessages(ReadOnlySpan<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            return document.RootElement.TryGetProperty("messages", out var messages)
                ? string.Join(" ", messages.EnumerateArray().Select(m => m.GetString()))
                : null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private async Task<SecretSnapshot> RunCliAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        // --no-fallback: never serve an old copy from Doppler's fallback file when the API cannot be reached.
        List<string> arguments = ["secrets", "download", "--no-file", "--format", "json", "--no-fallback"];
        if (_options.Project is { } project)
        {
            arguments.AddRange(["--project", project]);
        }

        if (_options.Config is { } config)
        {
            arguments.AddRange(["--config", config]);
        }

        var environment = CliCommand.Inherit(CliInheritedVariables);
        foreach (var (name, value) in _options.ProcessEnvironment)
        {
            if (value is null)
            {
                environment.Remove(name);
            }
            else
            {
                environment[name] = value;
            }
        }

        var command = new CliCommand("Doppler CLI", _options.ExecutablePath, arguments, environment, _options.CommandTimeout, _options.WorkingDirectory) { TimeProvider = _timeProvider };
        using var result = await CliProcess.RunAsync(command, Name, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            var message = result.Error.Replace("Doppler Error:", string.Empty, StringComparison.Ordinal).Trim().ReplaceLineEndings(" ");
            throw message switch
            {
                _ when message.Contains("must provide a token", StringComparison.OrdinalIgnoreCase) || message.Contains("login", StringComparison.OrdinalIgnoreCase) =>
                    new SecretAccessDeniedException(Name, secretName: null, $"The Doppler CLI is not logged in ({message}). Run `doppler login` and `doppler setup` in the project directory.") { ErrorCode = "NotSignedIn" },
                _ when message.Contains("Invalid", StringComparison.OrdinalIgnoreCase) && message.Contains("token", StringComparison.OrdinalIgnoreCase) =>
                    new SecretAccessDeniedException(Name, secretName: null, $"Doppler refused the CLI's token: {message}") { ErrorCode = "InvalidToken" },
                _ when message.Contains("Could not find", StringComparison.OrdinalIgnoreCase) || message.Contains("select a project", StringComparison.OrdinalIgnoreCase) =>
                    new SecretNotFoundException(Name, secretName: null, $"Doppler says: {message} Check the project and config (`doppler setup`).") { ErrorCode = "NotFound" },
                _ => new SecretUnavailableException(Name, secretName: null, $"The Doppler CLI failed: {message}"),
            };
        }

        return SecretSnapshot.Parse(result.Output, Name, _versioner, exclude: null, changeToken: null, now);
    }
}
