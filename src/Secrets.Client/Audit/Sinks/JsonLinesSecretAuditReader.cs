namespace Secrets.Client;

/// <summary>
/// Reads back the trail a <see cref="JsonLinesSecretAuditSink"/> wrote (from every process that shared its directory),
/// oldest file first. A line that is not a whole record (one being written, or foreign text) is skipped and counted.
/// </summary>
public sealed class JsonLinesSecretAuditReader
{
    private readonly AuditFileSet _files;

    /// <summary>Initializes a new instance of the <see cref="JsonLinesSecretAuditReader"/> class.</summary>
    /// <param name="directory">The sink's directory.</param>
    /// <param name="filePrefix">The sink's file prefix.</param>
    public JsonLinesSecretAuditReader(string directory, string filePrefix = JsonLinesSecretAuditSinkOptions.DefaultFilePrefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentException.ThrowIfNullOrWhiteSpace(filePrefix);
        _files = new AuditFileSet(Path.GetFullPath(directory), filePrefix);
    }

    /// <summary>Gets how many lines the last <see cref="Read"/> skipped because they were not whole records.</summary>
    public int SkippedLines { get; private set; }

    /// <summary>Gets the trail's files, oldest first.</summary>
    public IReadOnlyList<string> Files => [.. _files.List().Select(static file => file.Path)];

    /// <summary>Reads the records whose time is within [<paramref name="since"/>, <paramref name="until"/>], in file order.</summary>
    /// <param name="since">The earliest time to include; every record when null.</param>
    /// <param name="until">The latest time to include; every later record when null.</param>
    /// <returns>The records.</returns>
    public IReadOnlyList<SecretAuditRecord> Read(DateTimeOffset? since = null, DateTimeOffset? until = null)
    {
        var records = new List<SecretAuditRecord>();
        var skipped = 0;
        foreach (var file in _files.List())
        {
            byte[] content;
            try
            {
                using var stream = new FileStream(file.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                content = copy.ToArray();
            }
            catch (FileNotFoundException)
            {
                continue; // deleted by retention while listing
            }

            var rest = content.AsSpan();
            while (rest.Length > 0)
            {
                var end = rest.IndexOf((byte)'\n');
                if (end < 0)
                {
                    break; // a line still being written
                }

                var line = rest[..end];
                rest = rest[(end + 1)..];
                if (line.IsEmpty)
                {
                    continue;
                }

                if (!AuditJsonLine.TryRead(line, out var record))
                {
                    skipped++;
                    continue;
                }

                if ((since is null || record.Timestamp >= since) && (until is null || record.Timestamp <= until))
                {
                    records.Add(record);
                }
            }
        }

        SkippedLines = skipped;
        return records;
    }
}
