using System.Diagnostics.Metrics;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Secrets.Client.Transport;

namespace Secrets.Client.Local;

/// <summary>
/// Serves the environment that direnv gives a directory (<c>direnv://DATABASE_URL</c>): the variables its allowed
/// <c>.envrc</c> exports, directly or through <c>dotenv</c>, <c>dotenv_if_exists</c>, <c>source_env</c> and the rest of
/// direnv's stdlib. So an app started from an IDE, not from a direnv shell, sees what the shell would.
/// </summary>
/// <remarks>
/// <para>The provider runs <c>direnv export json</c> in the directory with a small, clean environment (never the app's
/// own <c>DIRENV_*</c> state, so the answer is the whole environment and not a diff against a shell the app was started
/// from) and reads its stdout as bytes into secret memory. direnv's bookkeeping variables and the shell variables direnv
/// itself ignores (<c>PWD</c>, <c>OLDPWD</c>, <c>SHLVL</c>, <c>_</c>, ...) are left out; a variable the <c>.envrc</c>
/// unsets is absent.</para>
/// <para>direnv refuses an <c>.envrc</c> that was not allowed, or that changed since (<c>direnv allow</c> again); the
/// provider then fails with <see cref="SecretAccessDeniedException"/> and a refresh keeps the last good values. The files
/// direnv reports watching are checked every <see cref="DirenvSecretProviderOptions.ChangeCheckInterval"/>; an edit runs
/// direnv again, and each variable's version (an HMAC of its value) changes exactly when its value does, so
/// <c>IOptionsMonitor</c> follows.</para>
/// <para>A local source: it refuses to be constructed in Production unless
/// <see cref="LocalSecretProviderOptions.AllowInProduction"/> is set.</para>
/// </remarks>
public sealed class DirenvSecretProvider : SecretProvider
{
    /// <summary>The name references use when <see cref="SecretProviderOptions.Name"/> is not set: <c>direnv</c>.</summary>
    public const string DefaultName = "direnv";

    private const string Tool = "direnv";

    // direnv's bookkeeping, and the keys direnv itself ignores in a diff (env_diff.go IgnoredKeys).
    private static readonly HashSet<string> Excluded = new(StringComparer.Ordinal)
    {
        "DIRENV_DIFF", "DIRENV_DIR", "DIRENV_FILE", "DIRENV_WATCHES", "DIRENV_DUMP_FILE_PATH", "DIRENV_CONFIG", "DIRENV_BASH",
        "DIRENV_DEBUG", "DIRENV_IN_ENVRC", "COMP_WORDBREAKS", "PS1", "OLDPWD", "PWD", "SHELL", "SHELLOPTS", "SHLVL", "_",
    };

    internal static readonly string[] InheritedVariables =
    [
        "PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TMPDIR", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "DIRENV_CONFIG",
    ];

    private readonly DirenvSecretProviderOptions _options;
    private readonly string _directory;
    private readonly TimeProvider _timeProvider;
    private readonly SecretProviderMetrics _metrics;
    private readonly ILogger _logger;
    private readonly SecretVersioner _versioner = new();
    private readonly SemaphoreSlim _loadGate = new(1, 1);
    private readonly Lock _snapshotLock = new();
    private Loaded? _loaded;
    private long _nextCheckUtcTicks;
    private int _disposed;

    /// <summary>Initializes a new instance of the <see cref="DirenvSecretProvider"/> class.</summary>
    /// <param name="options">The options; <see cref="SecretProviderOptions.Name"/> defaults to <see cref="DefaultName"/> and
    /// <see cref="SecretProviderOptions.TimeProvider"/> (which paces change checks and times out direnv) to the system clock.</param>
    /// <param name="loggerFactory">Creates the provider's logger; <see langword="null"/> for none.</param>
    /// <param name="meterFactory">Creates the provider's meter; <see langword="null"/> uses a meter of its own.</param>
    /// <exception cref="SecretEnvironmentScopeException">The environment is Production and <see cref="LocalSecretProviderOptions.AllowInProduction"/> is not set.</exception>
    public DirenvSecretProvider(DirenvSecretProviderOptions options, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
        : base(NameOf(options), options)
    {
        options.Validate(Name);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Directory, "options.Directory");
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ExecutablePath, "options.ExecutablePath");
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.CommandTimeout, TimeSpan.Zero, "options.CommandTimeout");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ChangeCheckInterval, TimeSpan.Zero, "options.ChangeCheckInterval");
        _options = options;
        _directory = System.IO.Path.GetFullPath(options.Directory);
        _timeProvider = options.TimeProvider ?? TimeProvider.System;
        _metrics = new SecretProviderMetrics(Name, "direnv", meterFactory);
        _logger = loggerFactory?.CreateLogger<DirenvSecretProvider>() ?? NullLogger<DirenvSecretProvider>.Instance;
        if (SecretEnvironment.IsProduction(LocalEnvironment.EnsureAllowed(options, Name, $"direnv environment of '{_directory}'")))
        {
            Log.RunningInProduction(_logger, Name);
        }
    }

    /// <summary>Gets the full path of the directory.</summary>
    public string Directory => _directory;

    /// <inheritdoc/>
    public override bool SupportsListing => true;

    /// <inheritdoc/>
    /// <exception cref="SecretNotFoundException">The environment has no such variable.</exception>
    /// <exception cref="SecretAccessDeniedException">The <c>.envrc</c> is not allowed (run <c>direnv allow</c>).</exception>
    /// <exception cref="SecretToolNotFoundException">direnv is not installed.</exception>
    public override async ValueTask<Secret> GetSecretAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        await EnsureCurrentAsync(cancellationToken).ConfigureAwait(false);
        lock (_snapshotLock)
        {
            return Current().Snapshot.TryCopy(reference.Path, out var secret) ? secret : throw NotFound(reference);
        }
    }

    /// <inheritdoc/>
    public override async ValueTask<SecretProperties> GetPropertiesAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        await EnsureCurrentAsync(cancellationToken).ConfigureAwait(false);
        lock (_snapshotLock)
        {
            return Current().Snapshot.TryGetProperties(reference.Path, out var properties) ? properties : throw NotFound(reference);
        }
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<SecretProperties> ListSecretsAsync(string? prefix = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await EnsureCurrentAsync(cancellationToken).ConfigureAwait(false);
        List<SecretProperties> listed = [];
        lock (_snapshotLock)
        {
            var snapshot = Current().Snapshot;
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
            cancellationToken.ThrowIfCancellationRequested();
            yield return properties;
        }
    }

    /// <summary>Describes the provider for diagnostics (never a value).</summary>
    /// <returns>The kind, name and directory.</returns>
    public override string ToString() => $"{nameof(DirenvSecretProvider)}({Name}, '{_directory}')";

    /// <inheritdoc/>
    protected override async ValueTask DisposeAsyncCore()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Loaded? loaded;
            lock (_snapshotLock)
            {
                loaded = _loaded;
                _loaded = null;
            }

            loaded?.Snapshot.Dispose();
            _loadGate.Dispose();
            _metrics.Dispose();
        }

        await base.DisposeAsyncCore().ConfigureAwait(false);
    }

    private static string NameOf(DirenvSecretProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Name ?? DefaultName;
    }

    private Loaded Current() => _loaded ?? throw new ObjectDisposedException(ToString());

    private SecretNotFoundException NotFound(SecretReference reference) =>
        new(Name, reference.Path, $"direnv's environment for '{_directory}' has no variable '{reference.Path}' (names are case-sensitive).");

    private async ValueTask EnsureCurrentAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Volatile.Read(ref _loaded) is not null && _timeProvider.GetUtcNow().UtcTicks < Volatile.Read(ref _nextCheckUtcTicks))
        {
            return;
        }

        await _loadGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _timeProvider.GetUtcNow();
            var current = Volatile.Read(ref _loaded);
            if (current is not null && now.UtcTicks < Volatile.Read(ref _nextCheckUtcTicks))
            {
                return;
            }

            if (current is null || current.Watches.Any(w => LocalFileStamp.Read(w.Path) != w.Stamp))
            {
                var loaded = await LoadAsync(now, cancellationToken).ConfigureAwait(false);
                lock (_snapshotLock)
                {
                    _loaded = loaded;
                }

                current?.Snapshot.Dispose();
                Log.DirenvLoaded(_logger, Name, loaded.Snapshot.Names.Count, _directory);
            }

            Volatile.Write(ref _nextCheckUtcTicks, (now + _options.ChangeCheckInterval).UtcTicks);
        }
        finally
        {
            _loadGate.Release();
        }
    }

    private async Task<Loaded> LoadAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var activity = LocalTelemetry.ActivitySource.StartActivity("Direnv.Export");
        activity?.SetTag("secrets.provider", Name);
        var environment = CliCommand.Inherit(InheritedVariables);
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

        var command = new CliCommand(Tool, _options.ExecutablePath, ["export", "json"], environment, _options.CommandTimeout, _directory) { TimeProvider = _timeProvider };
        var started = _timeProvider.GetTimestamp();
        using var result = await CliProcess.RunAsync(command, Name, cancellationToken).ConfigureAwait(false);
        _metrics.Record("load", result.ExitCode == 0 ? "ok" : "ExitCode", _timeProvider.GetElapsedTime(started));
        if (result.Error.Contains(" is blocked", StringComparison.Ordinal))
        {
            throw new SecretAccessDeniedException(Name, secretName: null, $"direnv refuses the .envrc in '{_directory}' because it is not allowed, or changed since it was: review it, then run `direnv allow {_directory}`.") { ErrorCode = "Blocked" };
        }

        if (result.ExitCode != 0)
        {
            throw new SecretUnavailableException(Name, secretName: null, $"`direnv export json` in '{_directory}' exited with {result.ExitCode}: {result.LastErrorLine}");
        }

        var watches = ReadWatches(result.Output);
        var snapshot = result.Output.Trim(" \t\r\n"u8).IsEmpty
            ? SecretSnapshot.Empty(changeToken: null)
            : SecretSnapshot.Parse(result.Output, Name, _versioner, Excluded.Contains, changeToken: null, now);
        return new Loaded(snapshot, watches);
    }

    /// <summary>Decodes <c>DIRENV_WATCHES</c> (base64url of zlib of a JSON list) into the files to watch, stamped now.</summary>
    private static List<Watch> ReadWatches(ReadOnlySpan<byte> output)
    {
        var watches = new List<Watch>();
        string? encoded = null;
        if (!output.Trim(" \t\r\n"u8).IsEmpty)
        {
            var reader = new Utf8JsonReader(output);
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isWatches = reader.ValueTextEquals("DIRENV_WATCHES"u8);
                reader.Read();
                if (isWatches && reader.TokenType == JsonTokenType.String)
                {
                    encoded = reader.GetString();
                }

                reader.Skip();
            }
        }

        if (string.IsNullOrEmpty(encoded))
        {
            return watches;
        }

        var compressed = Convert.FromBase64String(encoded.Replace('-', '+').Replace('_', '/'));
        using var zlib = new ZLibStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var document = JsonDocument.Parse(zlib);
        foreach (var watch in document.RootElement.EnumerateArray())
        {
            if (watch.TryGetProperty("Path", out var path) && path.GetString() is { Length: > 0 } file)
            {
                watches.Add(new Watch(file, LocalFileStamp.Read(file)));
            }
        }

        return watches;
    }

    private sealed record Loaded(SecretSnapshot Snapshot, IReadOnlyList<Watch> Watches);

    private readonly record struct Watch(string Path, LocalFileStamp Stamp);
}
