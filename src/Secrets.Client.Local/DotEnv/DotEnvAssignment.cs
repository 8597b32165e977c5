namespace Secrets.Client.Local;

/// <summary>One <c>KEY=value</c> match: the key and where its raw value sits in the file's bytes.</summary>
/// <param name="Key">The key (ASCII letters, digits, <c>_</c>, <c>.</c> and <c>-</c>).</param>
/// <param name="ValueStart">Offset of the raw value (the regex's second group, before trimming and unquoting).</param>
/// <param name="ValueLength">Length of the raw value.</param>
/// <param name="Line">The 1-based line the key is on.</param>
internal readonly record struct DotEnvAssignment(string Key, int ValueStart, int ValueLength, int Line);
