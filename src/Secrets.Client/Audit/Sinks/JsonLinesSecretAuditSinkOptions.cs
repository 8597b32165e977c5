namespace Secrets.Client;

/// <summary>
/// Options of a <see cref="JsonLinesSecretAuditSink"/>: where the audit files go, when a new file starts and how many are kept.
/// </summary>
public sealed class JsonLinesSecretAuditSinkOptions
{
    /// <summary>The default file name prefix.</summary>
    public const string DefaultFilePrefix = "secrets-audit";

    /// <summary>
    /// Gets or sets the directory the audit files are written to. Created owner-only (<c>0700</c>) when missing; every
    /// file in it is created owner-only (<c>0600</c>). Several processes may share one directory.
    /// </summary>
    public string? Directory { get; set; }

    /// <summary>Gets or sets the file name prefix; files are named <c>{prefix}-{period}-{sequence}.jsonl</c>.</summary>
    public string FilePrefix { get; set; } = DefaultFilePrefix;

    /// <summary>Gets or sets the size after which the next record starts a new file. Defaults to 16 MiB.</summary>
    public long MaxFileBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>
    /// Gets or sets how long one file's period lasts: records of a new period (counted in UTC from the Unix epoch)
    /// start a new file; a record's period is that of its own timestamp. Defaults to one day.
    /// </summary>
    public TimeSpan RollInterval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Gets or sets how many files are kept; the oldest are deleted when a new one starts. 0 keeps every file.</summary>
    public int RetainedFiles { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether reads served from the cache are written too. Off by default: a cached read
    /// is the same process re-reading a value it already fetched (and recorded), and writing one line per cached read
    /// would put file I/O on the hot path.
    /// </summary>
    public bool IncludeCacheHits { get; set; }
}
