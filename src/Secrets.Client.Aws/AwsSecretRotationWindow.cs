using System.Security.Cryptography;

namespace Secrets.Client.Aws;

/// <summary>
/// The versions of a secret that are valid while it rotates: <c>AWSCURRENT</c> and, when there is one, <c>AWSPREVIOUS</c>.
/// A verifier (for example of API keys or webhook signatures) accepts both, so that clients holding the old value keep
/// working until they refresh. Owns both secrets; dispose it.
/// </summary>
public sealed class AwsSecretRotationWindow : IDisposable
{
    /// <summary>Initializes a new instance of the <see cref="AwsSecretRotationWindow"/> class, taking ownership of the secrets.</summary>
    /// <param name="current">The <c>AWSCURRENT</c> version.</param>
    /// <param name="previous">The <c>AWSPREVIOUS</c> version, if any.</param>
    public AwsSecretRotationWindow(Secret current, Secret? previous)
    {
        ArgumentNullException.ThrowIfNull(current);
        Current = current;
        Previous = previous;
    }

    /// <summary>Gets the current version.</summary>
    public Secret Current { get; }

    /// <summary>Gets the previous version, or <see langword="null"/> when the secret has only ever had one.</summary>
    public Secret? Previous { get; }

    /// <summary>
    /// Tells whether <paramref name="candidate"/> equals the current or the previous value, comparing both in constant
    /// time so that timing reveals neither which one matched nor where a guess differs.
    /// </summary>
    /// <param name="candidate">The bytes presented by a client.</param>
    /// <returns><see langword="true"/> when either version matches.</returns>
    public bool Matches(ReadOnlySpan<byte> candidate)
    {
        var current = Equal(Current.Value, candidate);
        var previous = Previous is not null && Equal(Previous.Value, candidate);
        return current | previous;
    }

    /// <summary>Wipes both values.</summary>
    public void Dispose()
    {
        Current.Dispose();
        Previous?.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Current.Properties} (previous: {Previous?.Properties.Version ?? "none"})";

    private static bool Equal(SecretValue value, ReadOnlySpan<byte> candidate)
    {
        using var lease = value.Lease();
        return CryptographicOperations.FixedTimeEquals(lease.Span, candidate);
    }
}
