using KeyVaultSecretProperties = Azure.Security.KeyVault.Secrets.SecretProperties;

namespace Secrets.Client.Azure;

/// <summary>
/// Picks versions out of a secret's version listing: Key Vault's versions are ids, not numbers, so "current" and
/// "previous" are decided by creation time, and on a tie by the listing's order (the service lists in creation order).
/// </summary>
internal static class KeyVaultVersionFinder
{
    /// <summary>The version <paramref name="version"/> (case-insensitive), or the newest one when it is <see langword="null"/>.</summary>
    public static async ValueTask<KeyVaultSecretProperties?> FindAsync(IAsyncEnumerable<KeyVaultSecretProperties> versions, string? version)
    {
        KeyVaultSecretProperties? found = null;
        await foreach (var candidate in versions.ConfigureAwait(false))
        {
            if (version is not null)
            {
                if (string.Equals(candidate.Version, version, StringComparison.OrdinalIgnoreCase))
                {
                    return candidate;
                }
            }
            else if (found is null || candidate.CreatedOn >= found.CreatedOn)
            {
                // The current version is the newest one; on a tie the later one in the listing wins, as the service lists in creation order.
                found = candidate;
            }
        }

        return found;
    }

    /// <summary>The newest usable version created before the current one, or <see langword="null"/>.</summary>
    public static async ValueTask<KeyVaultSecretProperties?> FindPreviousAsync(IAsyncEnumerable<KeyVaultSecretProperties> versions, string? currentVersion, DateTimeOffset currentCreated, Func<KeyVaultSecretProperties, bool> usable)
    {
        KeyVaultSecretProperties? previous = null;
        var currentSeen = false;

        // Creation times have one-second resolution: on a tie, the service's listing (creation order) decides.
        await foreach (var candidate in versions.ConfigureAwait(false))
        {
            if (string.Equals(candidate.Version, currentVersion, StringComparison.OrdinalIgnoreCase))
            {
                currentSeen = true;
            }
            else if ((candidate.CreatedOn < currentCreated || (candidate.CreatedOn == currentCreated && !currentSeen)) && usable(candidate) && (previous is null || candidate.CreatedOn >= previous.CreatedOn))
            {
                previous = candidate;
            }
        }

        return previous;
    }
}
