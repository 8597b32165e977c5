using System.Collections.Concurrent;

namespace Secrets.Client;

/// <summary>
/// One string per provider name for every reference: an app parses one reference per secret, and each would otherwise
/// keep its own copy of <c>aws-sm</c> (28 bytes or more per cached secret, docs/benchmarks.md, bookkeeping). Names are
/// few; past <see cref="MaxNames"/> distinct names new ones are no longer shared, so odd input cannot grow the table.
/// The adapters' default names are shared from the start, whatever was parsed before.
/// </summary>
internal static class ProviderNames
{
    internal const int MaxNames = 256;

    private static readonly string[] Defaults = ["aws-sm", "azure-kv", "gcp-sm", "vault", "env", "dotenv", "direnv", "files", "op", "doppler", "memory"];
    private static readonly ConcurrentDictionary<string, string> Names = new(Defaults.Select(name => KeyValuePair.Create(name, name)), StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> ByText = Names.GetAlternateLookup<ReadOnlySpan<char>>();
    private static int _count = Defaults.Length;

    /// <summary>Gets the shared lower-case string for a provider name (already validated).</summary>
    public static string Intern(ReadOnlySpan<char> name)
    {
        if (ByText.TryGetValue(name, out var known))
        {
            return known;
        }

        var lower = name.ToString().ToLowerInvariant();
        if (Names.TryGetValue(lower, out known))
        {
            return known;
        }

        if (Interlocked.Increment(ref _count) > MaxNames)
        {
            Interlocked.Decrement(ref _count);
            return lower;
        }

        return Names.GetOrAdd(lower, lower);
    }
}
