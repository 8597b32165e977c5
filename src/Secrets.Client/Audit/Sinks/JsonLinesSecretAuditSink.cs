using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace Secrets.Client;

/// <summary>
/// A durable audit trail: one line of JSON per access (who, what, where, when; never a value) in files rotated by size
/// and by time, created owner-only. Several processes may append to one directory: each record is one <c>write</c> to a
/// file opened with <c>O_APPEND</c> (so lines never interleave or overwrite each other), and starting the next file is
/// done under a lock file. <see cref="JsonLinesSecretAuditReader"/> reads the trail back (the <c>secrets leak</c> report does).
/// </summary>
public sealed class JsonLinesSecretAuditSink : ISecretAuditSink, IDisposable
{
    private readonly JsonLinesSecretAuditSinkOptions _options;
    private readonly AuditFileSet _files;
    private readonly Lock _gate = new();
    private readonly ArrayBufferWriter<byte> _buffer = new(512);
    private SafeFileHandle? _lockFile;
    private SafeFileHandle? _file;
    private DateTimeOffset _period;
    private bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="JsonLinesSecretAuditSink"/> class.</summary>
    /// <param name="options">Where and how to write; validated here.</param>
    /// <exception cref="ArgumentException">The options are invalid: no directory, a prefix that is not a plain file name,
    /// a size below 1 KiB, an interval below one second or a negative retention.</exception>
    public JsonLinesSecretAuditSink(JsonLinesSecretAuditSinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Require(!string.IsNullOrWhiteSpace(options.Directory), "Directory is required.");
        Require(!string.IsNullOrWhiteSpace(options.FilePrefix) && options.FilePrefix.AsSpan().IndexOfAny(Path.GetInvalidFileNameChars()) < 0
            && !options.FilePrefix.Contains('/', StringComparison.Ordinal), "FilePrefix must be a plain file name.");
        Require(options.MaxFileBytes >= 1024, "MaxFileBytes must be at least 1024.");
        Require(options.RollInterval >= TimeSpan.FromSeconds(1), "RollInterval must be at least one second.");
        Require(options.RetainedFiles >= 0, "RetainedFiles must not be negative.");

        _options = options;
        _files = new AuditFileSet(Path.GetFullPath(options.Directory!), options.FilePrefix);
    }

    /// <summary>Gets the directory written to (full path).</summary>
    public string Directory => _files.Directory;

    /// <inheritdoc/>
    public bool IsEnabled(SecretAccessKind kind, SecretAuditOutcome outcome) => kind != SecretAccessKind.CacheHit || _options.IncludeCacheHits;

    /// <inheritdoc/>
    public void Record(in SecretAuditRecord record)
    {
        if (!IsEnabled(record.Kind, record.Outcome))
        {
            return;
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _buffer.ResetWrittenCount();
            AuditJsonLine.Write(_buffer, in record);
            var file = FileFor(AuditFileSet.PeriodOf(record.Timestamp, _options.RollInterval));
            AuditFileNative.Append(file, _buffer.WrittenSpan);
        }
    }

    /// <summary>Closes the open file.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _file?.Dispose();
            _lockFile?.Dispose();
            _file = null;
            _lockFile = null;
        }
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException("JsonLinesSecretAuditSinkOptions." + message);
        }
    }

    private SafeFileHandle FileFor(DateTimeOffset period)
    {
        if (_file is not null && period == _period && RandomAccess.GetLength(_file) < _options.MaxFileBytes)
        {
            return _file;
        }

        // A new period, a full file, or the first record: agree with the other processes on the file to append to.
        CreateDirectory();
        _lockFile ??= AuditFileNative.OpenLock(_files.LockPath);
        AuditFileNative.LockExclusively(_lockFile);
        try
        {
            var existing = _files.List();
            var sequence = 0;
            for (var i = existing.Count - 1; i >= 0; i--)
            {
                if (existing[i].Period == period)
                {
                    sequence = new FileInfo(existing[i].Path).Length >= _options.MaxFileBytes ? existing[i].Sequence + 1 : existing[i].Sequence;
                    break;
                }
            }

            var next = AuditFileNative.OpenAppend(_files.PathOf(period, sequence));
            _file?.Dispose();
            _file = next;
            _period = period;
            DeleteBeyondRetention(_files.List());
            return next;
        }
        finally
        {
            AuditFileNative.Release(_lockFile);
        }
    }

    private void DeleteBeyondRetention(IReadOnlyList<(DateTimeOffset Period, int Sequence, string Path)> files)
    {
        if (_options.RetainedFiles <= 0)
        {
            return;
        }

        for (var i = 0; i < files.Count - _options.RetainedFiles; i++)
        {
            try
            {
                File.Delete(files[i].Path);
            }
            catch (IOException)
            {
                // Another process may hold it open on a platform that forbids deleting; the next rotation retries.
            }
        }
    }

    private void CreateDirectory()
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(_files.Directory);
        }
        else
        {
            System.IO.Directory.CreateDirectory(_files.Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
