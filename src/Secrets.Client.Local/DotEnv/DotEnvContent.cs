using System.Security.Cryptography;

namespace Secrets.Client.Local;

/// <summary>
/// The parsed values of one <c>.env</c> file: every value back to back in a single <see cref="SecretValue"/> (one locked
/// page instead of one per key), and the keys in the order <c>dotenv.parse</c> returns them.
/// </summary>
internal sealed class DotEnvContent : IDisposable
{
    private DotEnvContent(SecretValue values, List<DotEnvEntry> entries)
    {
        Values = values;
        Entries = entries;
    }

    /// <summary>Gets every value, back to back.</summary>
    public SecretValue Values { get; }

    /// <summary>Gets the keys, last assignment winning, in JavaScript object order (array-index keys first, then first appearance).</summary>
    public IReadOnlyList<DotEnvEntry> Entries { get; }

    /// <summary>Parses a file's bytes. <paramref name="content"/> is modified (line endings normalized); the caller wipes it.</summary>
    /// <param name="content">The file's bytes.</param>
    /// <param name="strict">Whether lines dotenv skips are errors.</param>
    /// <param name="expand">Whether to expand variables like dotenv-expand.</param>
    /// <param name="source">The file path, for error messages.</param>
    /// <param name="readEnvironment">Reads an environment variable, for expansion.</param>
    /// <returns>The parsed content, owned by the caller.</returns>
    /// <exception cref="DotEnvSyntaxException">The file has a syntax error (strict mode only), or its expansion nests too deep or grows too large.</exception>
    public static DotEnvContent Parse(Span<byte> content, bool strict, bool expand, string source, Func<string, string?> readEnvironment)
    {
        var text = content[..DotEnvParser.NormalizeLineEndings(content)];
        var assignments = DotEnvParser.FindAssignments(text, strict, source);
        var keys = new List<string>(assignments.Count);
        var last = new Dictionary<string, DotEnvAssignment>(assignments.Count, StringComparer.Ordinal);
        foreach (var assignment in assignments)
        {
            if (!last.ContainsKey(assignment.Key))
            {
                keys.Add(assignment.Key);
            }

            last[assignment.Key] = assignment;
        }

        SortLikeJavaScriptObject(keys);

        // Decoding only shrinks a value, so the decoded values fit in the file's size.
        var decoded = GC.AllocateArray<byte>(Math.Max(text.Length, 1), pinned: true);
        DotEnvExpander? expander = null;
        try
        {
            var entries = new List<DotEnvEntry>(keys.Count);
            var written = 0;
            foreach (var key in keys)
            {
                var assignment = last[key];
                var destination = decoded.AsSpan(written, assignment.ValueLength);
                text.Slice(assignment.ValueStart, assignment.ValueLength).CopyTo(destination);
                var length = DotEnvParser.DecodeValue(destination);
                destination[length..].Clear();
                entries.Add(new DotEnvEntry(key, new Range(written, written + length), assignment.Line));
                written += length;
            }

            ReadOnlySpan<byte> values = decoded.AsSpan(0, written);
            if (expand)
            {
                expander = new DotEnvExpander(readEnvironment, written, source);
                for (var i = 0; i < entries.Count; i++)
                {
                    entries[i] = entries[i] with { Value = expander.Add(entries[i].Key, values[entries[i].Value], entries[i].Line) };
                }

                values = expander.Output;
            }

            return new DotEnvContent(SecretValue.FromBytes(values), entries);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(decoded);
            expander?.Clear();
        }
    }

    /// <summary>Copies one entry's value into a new secret value owned by the caller.</summary>
    /// <param name="entry">The entry.</param>
    /// <returns>The value.</returns>
    public SecretValue Copy(DotEnvEntry entry)
    {
        using var lease = Values.Lease();
        return SecretValue.FromBytes(lease.Span[entry.Value]);
    }

    /// <inheritdoc/>
    public void Dispose() => Values.Dispose();

    /// <summary>
    /// Orders keys as a JavaScript object enumerates them: canonical array indices (0 to 2^32-2) ascending, then the
    /// others in insertion order. dotenv-expand expands in that order, so it decides which keys a value can see.
    /// </summary>
    private static void SortLikeJavaScriptObject(List<string> keys)
    {
        var indices = keys.Where(IsArrayIndex).OrderBy(k => uint.Parse(k, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        if (indices.Count == 0)
        {
            return;
        }

        var others = keys.Where(k => !IsArrayIndex(k)).ToList();
        keys.Clear();
        keys.AddRange(indices);
        keys.AddRange(others);
    }

    private static bool IsArrayIndex(string key) =>
        key.Length is > 0 and <= 10 &&
        key.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0 &&
        (key.Length == 1 || key[0] != '0') &&
        ulong.Parse(key, System.Globalization.CultureInfo.InvariantCulture) < uint.MaxValue;
}
