namespace Secrets.Client.Local;

/// <summary>A key of a parsed <c>.env</c> file and where its value sits in <see cref="DotEnvContent.Values"/>.</summary>
/// <param name="Key">The key.</param>
/// <param name="Value">The value's range in the content's value buffer.</param>
/// <param name="Line">The 1-based line of the assignment that set it (the last one, when a key repeats).</param>
internal readonly record struct DotEnvEntry(string Key, Range Value, int Line);
