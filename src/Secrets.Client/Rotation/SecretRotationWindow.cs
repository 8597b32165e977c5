using System.Security.Cryptography;

namespace Secrets.Client;

/// <summary>
/// The versions of a secret a verifier accepts while it rotates: the current one and, when the backend keeps versions
/// and the previous one is still accepted for this secret, the previous one. Both are read through the store (cached,
/// refreshed, audited) and owned by it: read them through leases and ask again rather than keeping them.
/// </summary>
public sealed class SecretRotationWindow
{
    /// <summary>Initializes a new instance of the <see cref="SecretRotationWindow"/> class.</summary>
    /// <param name="current">The current version.</param>
    /// <param name="previous">The previous version, or null when there is none or it is no longer accepted.</param>
    public SecretRotationWindow(Secret current, Secret? previous)
    {
        ArgumentNullException.ThrowIfNull(current);
        Current = current;
        Previous = previous;
    }

    /// <summary>Gets the current version.</summary>
    public Secret Current { get; }

    /// <summary>Gets the previous version; null when the backend keeps none, the secret never changed, or it was switched off.</summary>
    public Secret? Previous { get; }

    /// <summary>
    /// Tells whether <paramref name="candidate"/> equals the current or the previous value, comparing both in constant
    /// time so that timing reveals neither which one matched nor where a guess differs.
    /// </summary>
    /// <param name="candidate">The bytes a client presented.</param>
    /// <returns><see langword="true"/> when either accepted version matches.</returns>
    public bool Matches(ReadOnlySpan<byte> candidate)
    {
        var current = Equal(Current.Value, candidate);
        var previous = Previous is not null && Equal(Previous.Value, candidate);
        return current | previous;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Current.Properties} (previous: {Previous?.Properties.Version ?? "none"})";

    private static bool Equal(SecretValue value, ReadOnlySpan<byte> candidate)
    {
        using var lease = value.Lease();
        return CryptographicOperations.FixedTimeEquals(lease.Span, candidate);
    }
}
