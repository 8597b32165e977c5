using System.Diagnostics.Metrics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging;
using Secrets.Client.Transport;

namespace Secrets.Client.Local;

/// <summary>
/// Serves a directory with one file per secret (<c>files://db-password</c> reads <c>/run/secrets/db-password</c>), as
/// Docker, Compose and Kubernetes mount them.
/// </summary>
/// <remarks>
/// <para>A secret's name is its file name, used as it is (<c>__</c> and <c>--</c> are not rewritten; the configuration
/// provider maps them to <c>:</c>). Its value is the file's bytes, minus one trailing <c>\n</c> or <c>\r\n</c> when
/// <see cref="KeyPerFileSecretProviderOptions.TrimTrailingNewline"/> is set (the default). Unlike
/// <c>Microsoft.Extensions.Configuration.KeyPerFile</c>, which removes <see cref="Environment.NewLine"/>, both forms are
/// removed on every platform, and a byte order mark is kept: the value is the file's bytes.</para>
/// <para>Only files directly in the directory are served; subdirectories, hidden files and files whose names start
/// with <c>.</c> or with <see cref="KeyPerFileSecretProviderOptions.IgnorePrefix"/> are not. Symbolic links are
/// followed, so Kubernetes' <c>..data</c> swaps are seen. A file is read on every fetch; its version is its last write
/// time (UTC ticks), so <see cref="GetPropertiesAsync"/> costs one <c>stat</c>.</para>
/// <para>The provider refuses to be constructed in the Production environment unless
/// <see cref="LocalSecretProviderOptions.AllowInProduction"/> is set (set it when this reads a production secrets
/// mount). All members are thread-safe.</para>
/// </remarks>
public sealed class KeyPerFileSecretProvider : SecretProvider
{
    /// <summary>The provider name references use unless another is given: <c>files</c>.</summary>
    public const string DefaultName = "files";

    private const int MaxFileBytes = 16 * 1024 * 1024;
    private const int ReadAttempts = 3;

    private readonly string _directory;
    private readonly bool _optional;
    private readonly string _ignorePrefix;
    private readonly bool _trimTrailingNewline;
    private readonly TimeProvider _time;
    private readonly SecretProviderMetrics _metrics;

    /// <summary>Initializes a new instance of the <see cref="KeyPerFileSecretProvider"/> class.</summary>
    /// <param name="options">The options; <see cref="SecretProviderOptions.Name"/> defaults to <see cref="DefaultName"/>.</param>
    /// <param name="loggerFactory">Creates the provider's logger; <see langword="null"/> for none.</param>
    /// <param name="meterFactory">Creates the provider's meter; <see langword="null"/> uses a meter of its own.</param>
    /// <exception cref="SecretEnvironmentScopeException">The environment is Production and <see cref="LocalSecretProviderOptions.AllowInProduction"/> is not set.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting is invalid; the message names it.</exception>
    public KeyPerFileSecretProvider(KeyPerFileSecretProviderOptions options, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
        : base((options ?? throw new ArgumentNullException(nameof(options))).Name ?? DefaultName, options)
    {
        options.Validate(Name);
        _time = options.TimeProvider ?? TimeProvider.System;
        _metrics = new SecretProviderMetrics(Name, "key-per-file", meterFactory);
        _directory = System.IO.Path.GetFullPath(options.DirectoryPath);
        _optional = options.Optional;
        _ignorePrefix = options.IgnorePrefix ?? string.Empty;
        _trimTrailingNewline = options.TrimTrailingNewline;
        var environment = LocalEnvironment.EnsureAllowed(options, Name, $"key-per-file directory '{_directory}'");
        if (string.Equals(environment, LocalEnvironment.Production, StringComparison.OrdinalIgnoreCase))
        {
            Log.RunningInProduction(loggerFactory?.CreateLogger<KeyPerFileSecretProvider>() ?? NullLogger<KeyPerFileSecretProvider>.Instance, Name);
        }
    }

    /// <summary>Gets the full path of the directory.</summary>
    public string DirectoryPath => _directory;

    /// <inheritdoc/>
    public override bool SupportsListing => true;

    /// <inheritdoc/>
    /// <exception cref="SecretNotFoundException">There is no such file, it is ignored, or the directory does not exist.</exception>
    /// <exception cref="InvalidSecretReferenceException">The name is not a plain file name (it has a path separator, or is <c>.</c> or <c>..</c>).</exception>
    public override async ValueTask<Secret> GetSecretAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var path = Locate(reference);
        for (var attempt = 0; attempt < ReadAttempts; attempt++)
        {
            var stamp = Stamp(reference, path);
            var value = await TryReadAsync(reference, path, stamp.Length, cancellationToken).ConfigureAwait(false);
            if (value is not null)
            {
                return new Secret(Properties(reference.Path, stamp), value);
            }
        }

        throw new SecretUnavailableException(Name, reference.Path, $"The file '{path}' kept changing while it was read.");
    }

    /// <inheritdoc/>
    /// <exception cref="SecretNotFoundException">There is no such file, it is ignored, or the directory does not exist.</exception>
    /// <exception cref="InvalidSecretReferenceException">The name is not a plain file name.</exception>
    public override ValueTask<SecretProperties> GetPropertiesAsync(SecretReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        cancellationToken.ThrowIfCancellationRequested();
        var path = Locate(reference);
        return ValueTask.FromResult(Properties(reference.Path, Stamp(reference, path)));
    }

    /// <inheritdoc/>
    /// <remarks>File names are listed sorted ordinally; <paramref name="prefix"/> is compared ordinally.</remarks>
    /// <exception cref="SecretNotFoundException">The directory does not exist and is not optional.</exception>
    public override async IAsyncEnumerable<SecretProperties> ListSecretsAsync(string? prefix = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        if (!Directory.Exists(_directory))
        {
            if (_optional)
            {
                yield break;
            }

            throw MissingDirectory(secretName: null);
        }

        var enumeration = new EnumerationOptions { RecurseSubdirectories = false, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System };
        var listed = new List<SecretProperties>();
        foreach (var path in Directory.EnumerateFiles(_directory, "*", enumeration))
        {
            var name = System.IO.Path.GetFileName(path);
            if (IsIgnored(name) || (prefix is not null && !name.StartsWith(prefix, StringComparison.Ordinal)))
            {
                continue;
            }

            var stamp = LocalFileStamp.Read(path);
            if (stamp.Exists)
            {
                listed.Add(Properties(name, stamp));
            }
        }

        listed.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (var properties in listed)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return properties;
        }
    }

    /// <inheritdoc/>
    protected override ValueTask DisposeAsyncCore()
    {
        _metrics.Dispose();
        return base.DisposeAsyncCore();
    }

    /// <summary>Describes the provider for diagnostics (never a value).</summary>
    /// <returns>The kind, name and directory.</returns>
    public override string ToString() => $"{nameof(KeyPerFileSecretProvider)}({Name}, '{_directory}', {(_optional ? "Optional" : "Required")})";


    private bool IsIgnored(string name) =>
        name.StartsWith('.') || (_ignorePrefix.Length > 0 && name.StartsWith(_ignorePrefix, StringComparison.Ordinal));

    private string Locate(SecretReference reference)
    {
        var name = reference.Path;
        if (name is "." or ".." || name.AsSpan().IndexOfAny('/', '\\') >= 0 || name.AsSpan().IndexOfAny(System.IO.Path.GetInvalidFileNameChars()) >= 0)
        {
            throw new InvalidSecretReferenceException(reference.ToString(), "a key-per-file secret name must be a plain file name, without path separators.", Name);
        }

        if (IsIgnored(name))
        {
            throw new SecretNotFoundException(Name, name, $"Files whose names start with '.'{(_ignorePrefix.Length > 0 ? $" or '{_ignorePrefix}'" : string.Empty)} are ignored.");
        }

        if (!Directory.Exists(_directory))
        {
            throw MissingDirectory(name);
        }

        return System.IO.Path.Join(_directory, name);
    }

    private LocalFileStamp Stamp(SecretReference reference, string path)
    {
        var stamp = LocalFileStamp.Read(path);
        if (!stamp.Exists || IsHiddenOrSystem(path))
        {
            throw new SecretNotFoundException(Name, reference.Path, $"There is no file '{path}'.");
        }

        return stamp;
    }

    private static bool IsHiddenOrSystem(string path)
    {
        try
        {
            return (File.GetAttributes(path) & (FileAttributes.Hidden | FileAttributes.System)) != 0;
        }
        catch (IOException)
        {
            // Gone since it was stamped: report it as missing.
            return true;
        }
    }

    private SecretNotFoundException MissingDirectory(string? secretName) =>
        new(Name, secretName, _optional
            ? $"The optional directory '{_directory}' does not exist."
            : $"The directory '{_directory}' does not exist. Create it, or set Optional = true on {nameof(KeyPerFileSecretProviderOptions)}.");

    private SecretProperties Properties(string name, LocalFileStamp stamp) =>
        new(Name, name)
        {
            Version = stamp.LastWriteTimeUtc.UtcTicks.ToString(CultureInfo.InvariantCulture),
            UpdatedOn = stamp.LastWriteTimeUtc,
        };

    /// <summary>Reads the file into secret memory; <see langword="null"/> when it grew past <paramref name="expectedLength"/> meanwhile.</summary>
    private async ValueTask<SecretValue?> TryReadAsync(SecretReference reference, string path, long expectedLength, CancellationToken cancellationToken)
    {
        if (expectedLength > MaxFileBytes)
        {
            throw new SecretFormatException(Name, reference.Path, $"The file '{path}' is {expectedLength} bytes long; at most {MaxFileBytes} are read.");
        }

        // One spare byte tells whether the file grew after it was measured. The pinned array is the only copy outside
        // secret memory (FileStream gets no buffer of its own) and is wiped before returning.
        var buffer = GC.AllocateUninitializedArray<byte>((int)expectedLength + 1, pinned: true);
        var started = _time.GetTimestamp();
        try
        {
            var length = 0;
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                int read;
                while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    length += read;
                }
            }

            _metrics.Record("read", error: null, _time.GetElapsedTime(started));
            if (length == buffer.Length)
            {
                return null;
            }

            var value = buffer.AsSpan(0, length);
            if (_trimTrailingNewline && value.EndsWith((byte)'\n'))
            {
                value = value[..^(value.EndsWith("\r\n"u8) ? 2 : 1)];
            }

            return SecretValue.FromBytes(value);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _metrics.Record("read", ex, _time.GetElapsedTime(started));
            throw ex switch
            {
                FileNotFoundException or DirectoryNotFoundException => new SecretNotFoundException(Name, reference.Path, $"There is no file '{path}'.", ex),
                UnauthorizedAccessException => new SecretAccessDeniedException(Name, reference.Path, $"The file '{path}' cannot be read.", ex),
                _ => new SecretUnavailableException(Name, reference.Path, $"The file '{path}' could not be read: {ex.GetType().Name}.", ex),
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }
}
