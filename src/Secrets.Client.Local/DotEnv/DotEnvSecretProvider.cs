using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging;
using Secrets.Client.Transport;

namespace Secrets.Client.Local;

/// <summary>
/// Serves the keys of a <c>.env</c> file as secrets (<c>dotenv://API_KEY</c>), parsed exactly as the npm
/// <c>dotenv</c> package (version 16) parses it, for local development.
/// </summary>
/// <remarks>
/// <para>Parsing rules (those of <c>dotenv.parse</c>; <c>docs/local-sources.md</c> has examples):</para>
/// <list type="bullet">
/// <item><description><c>\r\n</c> and a lone <c>\r</c> are line breaks. A UTF-8 byte order mark is whitespace.</description></item>
/// <item><description>An assignment is <c>KEY=value</c> or <c>KEY: value</c> (a colon needs at least one whitespace
/// character after it; that one may be a line break). Whitespace around the key and around <c>=</c> is ignored, and
/// <c>export </c> before the key is dropped.</description></item>
/// <item><description>Keys are ASCII letters, digits, <c>_</c>, <c>.</c> and <c>-</c>, and are case-sensitive. When a
/// key repeats, the last value wins.</description></item>
/// <item><description>A value quoted with <c>'</c>, <c>"</c> or <c>`</c> runs to the matching quote, across lines; a
/// backslash before the quote character keeps that quote in the value (the backslash stays too). After the closing quote
/// only whitespace and a <c>#</c> comment may follow.</description></item>
/// <item><description>Only in values that start with <c>"</c> are <c>\n</c> and <c>\r</c> turned into a line feed and a
/// carriage return. No other escape is processed.</description></item>
/// <item><description>An unquoted value ends at <c>#</c> or the end of the line, and is trimmed. A value that is empty,
/// or only a comment, is the empty string.</description></item>
/// <item><description>Lines that are not assignments (comments, blank lines, anything else) are skipped; with
/// <see cref="DotEnvSecretProviderOptions.Strict"/> (the default) a non-blank, non-comment line that is not an
/// assignment, or a quoted value that is not closed, is a <see cref="DotEnvSyntaxException"/> naming the file and
/// line.</description></item>
/// </list>
/// <para>With <see cref="DotEnvSecretProviderOptions.Expand"/>, values are then expanded as npm <c>dotenv-expand</c>
/// does: <c>${NAME}</c>, <c>$NAME</c>, <c>${NAME:-default}</c>, <c>${NAME-default}</c>, <c>${NAME:+alternative}</c>,
/// <c>${NAME+alternative}</c>, <c>\$</c> for a literal <c>$</c>. A name resolves to an earlier key of the file, else to
/// the process environment; empty counts as unset.</para>
/// <para>The file is read on first use and read again when its last write time or length changes (checked at most once
/// per <see cref="DotEnvSecretProviderOptions.ChangeCheckInterval"/>). Values are parsed from the file's bytes into secret
/// memory without managed string copies; the read buffers are wiped. A key's version is an HMAC of its value under a
/// per-provider random key, so it changes exactly when the value does and cannot be reversed into the value.</para>
/// <para>The provider refuses to be constructed in the Production environment unless
/// <see cref="LocalSecretProviderOptions.AllowInProduction"/> is set. All members are thread-safe.</para>
/// </remarks>
public sealed class DotEnvSecretProvider : SecretProvider
{
    /// <summary>The provider name references use unless another is given: <c>dotenv</c>.</summary>
    public const string DefaultName = "dotenv";

    private const int MaxFileBytes = 16 * 1024 * 1024;

    private readonly string _path;
    private readonly bool _optional;
    private readonly bool _expand;
    private readonly bool _strict;
    private readonly TimeSpan _checkInterval;
    private readonly TimeProvider _timeProvider;
    private readonly SecretProviderMetrics _metrics;
    private readonly ILogger _logger;
    private readonly SecretVersioner _versioner = new();
    private readonly SemaphoreSlim _loadGate = new(1, 1);
    private readonly Lock _snapshotLock = new();
    private Snapshot? _snapshot;
    private long _nextCheckUtcTicks;
    private int _disposed;

    /// <summary>Initializes a new instance of the <see cref="DotEnvSecretProvider"/> class.</summary>
    /// <param name="options">The options; <see cref="SecretProviderOptions.Name"/> defaults to <see cref="DefaultName"/>.</param>
    /// <param name="loggerFactory">Creates the provider's logger; <see langword="null"/> for none.</param>
    /// <param name="meterFactory">Creates the provider's meter; <see langword="null"/> uses a meter of its own.</param>
    /// <exception cref="SecretEnvironmentScopeException">The environment is Production and <see cref="LocalSecretProviderOptions.AllowInProduction"/> is not set.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting is invalid; the message names it.</exception>
    public DotEnvSecretProvider(DotEnvSecretProviderOptions options, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
        : base((options ?? throw new ArgumentNullException(nameof(options))).Name ?? DefaultName, options)
    {
        options.Validate(Name);
        _path = System.IO.Path.GetFullPath(options.Path);
        _optional = options.Optional;
        _expand = options.Expand;
        _strict = options.Strict;
        _checkInterval = options.ChangeCheckInterval;
        _timeProvider = options.TimeProvider ?? TimeProvider.System;
        _metrics = new SecretProviderMetrics(Name, "dotenv", meterFactory);
        _logger = loggerFactory?.CreateLogger<DotEnvSecretProvider>() ?? NullLogger<DotEnvSecretProvider>.Instance;
        var environment = LocalEnvironment.EnsureAllowed(options, Name, $".env file '{_path}'");
        if (string.Equals(environment, LocalEnvironment.Production, StringComparison.OrdinalIgnoreCase))
        {
            Log.RunningInProduction(_logger, Name);
        }
    }

    /// <summary>Gets the full path of the file.</summary>
    public string Path => _path;

    /// <inheritdoc/>
    public override bool SupportsListing => true;

    /// <inheritdoc/>
    /// <exception cref="SecretNotFoundException">The file has no such key, or a required file does not exist.</exception>
    /// <exception cref="DotEnvSyntaxException">The file has a syntax error.</exception>
    public override async ValueTask<Secret> GetSecretAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        await EnsureCurrentAsync(cancellationToken).ConfigureAwait(false);
        lock (_snapshotLock)
        {
            var snapshot = CurrentSnapshot();
            var (entry, properties) = Find(snapshot, reference);
            return new Secret(properties, snapshot.Content.Copy(entry));
        }
    }

    /// <inheritdoc/>
    /// <exception cref="SecretNotFoundException">The file has no such key, or a required file does not exist.</exception>
    /// <exception cref="DotEnvSyntaxException">The file has a syntax error.</exception>
    public override async ValueTask<SecretProperties> GetPropertiesAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        await EnsureCurrentAsync(cancellationToken).ConfigureAwait(false);
        lock (_snapshotLock)
        {
            return Find(CurrentSnapshot(), reference).Properties;
        }
    }

    /// <inheritdoc/>
    /// <remarks>Keys are listed in the order <c>dotenv.parse</c> returns them; <paramref name="prefix"/> is compared ordinally.</remarks>
    public override async IAsyncEnumerable<SecretProperties> ListSecretsAsync(string? prefix = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await EnsureCurrentAsync(cancellationToken).ConfigureAwait(false);
        List<SecretProperties> listed;
        lock (_snapshotLock)
        {
            var snapshot = CurrentSnapshot();
            listed = [.. snapshot.Content.Entries
                .Where(e => prefix is null || e.Key.StartsWith(prefix, StringComparison.Ordinal))
                .Select(e => snapshot.Properties[e.Key].Properties)];
        }

        foreach (var properties in listed)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return properties;
        }
    }

    /// <summary>Describes the provider for diagnostics (never a value).</summary>
    /// <returns>The kind, name and file.</returns>
    public override string ToString() => $"{nameof(DotEnvSecretProvider)}({Name}, '{_path}', {(_optional ? "Optional" : "Required")})";

    /// <inheritdoc/>
    protected override async ValueTask DisposeAsyncCore()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Snapshot? snapshot;
            lock (_snapshotLock)
            {
                snapshot = _snapshot;
                _snapshot = null;
            }

            snapshot?.Content.Dispose();
            _loadGate.Dispose();
            _metrics.Dispose();
        }

        await base.DisposeAsyncCore().ConfigureAwait(false);
    }


    /// <summary>Gets the snapshot; call under <see cref="_snapshotLock"/>.</summary>
    private Snapshot CurrentSnapshot() => _snapshot ?? throw new ObjectDisposedException(ToString());

    private (DotEnvEntry Entry, SecretProperties Properties) Find(Snapshot snapshot, SecretReference reference)
    {
        if (!snapshot.Properties.TryGetValue(reference.Path, out var found))
        {
            var detail = snapshot.Stamp.Exists
                ? $"The .env file '{_path}' has no key '{reference.Path}' (keys are case-sensitive)."
                : $"The optional .env file '{_path}' does not exist.";
            throw new SecretNotFoundException(Name, reference.Path, detail);
        }

        if (reference.Stage is not null || (reference.Version is not null && !string.Equals(reference.Version, found.Properties.Version, StringComparison.Ordinal)))
        {
            throw new SecretNotFoundException(Name, reference.Path, "A .env file holds only the current value of a key; the version or stage asked for does not exist.");
        }

        return found;
    }

    private async ValueTask EnsureCurrentAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
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

            var stamp = LocalFileStamp.Read(_path);
            if (current is null || current.Stamp != stamp)
            {
                var loaded = await LoadAsync(stamp, cancellationToken).ConfigureAwait(false);
                lock (_snapshotLock)
                {
                    _snapshot = loaded;
                }

                // Readers copy values under the lock, so once the new snapshot is in place nobody reads the old one.
                current?.Content.Dispose();
                if (current is null)
                {
                    Log.DotEnvLoaded(_logger, Name, loaded.Content.Entries.Count, _path);
                }
                else
                {
                    Log.DotEnvReloaded(_logger, Name, _path, loaded.Content.Entries.Count);
                }
            }

            Volatile.Write(ref _nextCheckUtcTicks, (now + _checkInterval).UtcTicks);
        }
        finally
        {
            _loadGate.Release();
        }
    }

    private async ValueTask<Snapshot> LoadAsync(LocalFileStamp stamp, CancellationToken cancellationToken)
    {
        using var activity = LocalTelemetry.ActivitySource.StartActivity("DotEnv.Load");
        activity?.SetTag("secrets.provider", Name);
        activity?.SetTag("file.path", _path);
        var started = _timeProvider.GetTimestamp();
        try
        {
            var snapshot = stamp.Exists ? await ReadAndParseAsync(stamp, cancellationToken).ConfigureAwait(false) : null;
            if (snapshot is null)
            {
                if (!_optional)
                {
                    throw new SecretNotFoundException(Name, secretName: null, $"The .env file '{_path}' does not exist. Create it, or set Optional = true on {nameof(DotEnvSecretProviderOptions)}.");
                }

                Log.DotEnvMissingOptional(_logger, Name, _path);
                snapshot = CreateSnapshot(default, DotEnvContent.Parse([], strict: false, expand: false, _path, System.Environment.GetEnvironmentVariable));
            }

            _metrics.Record("load", error: null, _timeProvider.GetElapsedTime(started));
            return snapshot;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _metrics.Record("load", ex, _timeProvider.GetElapsedTime(started));
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.GetType().Name);
            Log.DotEnvLoadFailed(_logger, Name, _path, ex);
            throw;
        }
    }

    /// <summary>Reads and parses the file; <see langword="null"/> when it disappeared since <paramref name="stamp"/> was taken.</summary>
    private async ValueTask<Snapshot?> ReadAndParseAsync(LocalFileStamp stamp, CancellationToken cancellationToken)
    {
        byte[] buffer;
        int length;
        try
        {
            // No FileStream buffer (bufferSize 0), so the only copy of the file's bytes is the pinned array wiped below.
            var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                var size = stream.Length;
                if (size > MaxFileBytes)
                {
                    throw new SecretFormatException($"The .env file '{_path}' is {size} bytes long; at most {MaxFileBytes} are read.");
                }

                buffer = GC.AllocateUninitializedArray<byte>((int)size, pinned: true);
                length = 0;
                try
                {
                    int read;
                    while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        length += read;
                    }
                }
                catch
                {
                    CryptographicOperations.ZeroMemory(buffer);
                    throw;
                }
            }
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new SecretAccessDeniedException(Name, secretName: null, $"The .env file '{_path}' cannot be read.", ex);
        }
        catch (IOException ex)
        {
            throw new SecretUnavailableException(Name, secretName: null, $"The .env file '{_path}' could not be read: {ex.GetType().Name}.", ex);
        }

        try
        {
            var content = DotEnvContent.Parse(buffer.AsSpan(0, length), _strict, _expand, _path, System.Environment.GetEnvironmentVariable);
            return CreateSnapshot(stamp, content);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    private Snapshot CreateSnapshot(LocalFileStamp stamp, DotEnvContent content)
    {
        var properties = new Dictionary<string, (DotEnvEntry, SecretProperties)>(content.Entries.Count, StringComparer.Ordinal);
        using (var lease = content.Values.Lease())
        {
            foreach (var entry in content.Entries)
            {
                properties[entry.Key] = (entry, new SecretProperties(Name, entry.Key)
                {
                    Version = _versioner.Compute(entry.Key, lease.Span[entry.Value]),
                    UpdatedOn = stamp.Exists ? stamp.LastWriteTimeUtc : null,
                });
            }
        }

        return new Snapshot(stamp, content, properties);
    }

    private sealed record Snapshot(LocalFileStamp Stamp, DotEnvContent Content, Dictionary<string, (DotEnvEntry Entry, SecretProperties Properties)> Properties);
}
