using System.Globalization;

namespace Secrets.Client;

/// <summary>
/// Orders two versions of one secret with what its backend gives: numeric version ids (GCP, Vault, in-memory), else
/// the version's creation time (AWS, Azure), else its update time. An entry is only replaced by a value at least as new.
/// </summary>
internal static class VersionOrder
{
    /// <summary>
    /// Tells whether the rule applies: a reference pinned to a version or a stage (<c>?stage=AWSPREVIOUS</c>) follows
    /// what the backend says that version or stage is, which after a rotation is legitimately an older value.
    /// </summary>
    public static bool AppliesTo(SecretReference key) => key.Version is null && key.Stage is null;

    /// <summary>Tells whether <paramref name="candidate"/> is known to be older than <paramref name="held"/>; false when it cannot tell.</summary>
    public static bool IsOlder(SecretProperties candidate, SecretProperties held)
    {
        if (TryNumber(candidate.Version, out var c) && TryNumber(held.Version, out var h))
        {
            return c < h;
        }

        if (candidate.Version is not null && string.Equals(candidate.Version, held.Version, StringComparison.Ordinal))
        {
            return false;
        }

        if (candidate.CreatedOn is { } createdCandidate && held.CreatedOn is { } createdHeld)
        {
            return createdCandidate < createdHeld;
        }

        return candidate.UpdatedOn is { } updatedCandidate && held.UpdatedOn is { } updatedHeld && updatedCandidate < updatedHeld;
    }

    private static bool TryNumber(string? version, out long number) =>
        long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out number);
}
