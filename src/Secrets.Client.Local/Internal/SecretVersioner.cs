using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Secrets.Client.Local;

/// <summary>
/// Computes version ids for sources that have none: HMAC-SHA256 of the secret's name and value under a random key made
/// for each provider instance, truncated to 128 bits.
/// </summary>
/// <remarks>
/// A version id ends up in logs, traces and audit records. A plain hash of a short secret (a PIN, a four-word password)
/// could be reversed by brute force from such a record; an HMAC under a key that never leaves the process cannot.
/// Hashing the value rather than using the file's time means a key's version changes only when its own value changes,
/// not whenever another line of the same file is edited. The name is mixed in so that two keys holding the same value
/// do not show it by sharing a version. Versions are stable for the life of the provider, which is what change detection
/// needs, and differ between processes.
/// </remarks>
internal sealed class SecretVersioner
{
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    /// <summary>Computes the version of a value.</summary>
    /// <param name="name">The secret's name.</param>
    /// <param name="value">The secret's bytes.</param>
    /// <returns>32 lower-case hex digits.</returns>
    public string Compute(string name, ReadOnlySpan<byte> value)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
        hmac.AppendData(Encoding.UTF8.GetBytes(name));
        hmac.AppendData([0]);
        hmac.AppendData(value);
        Span<byte> mac = stackalloc byte[32];
        hmac.GetHashAndReset(mac);
        return Convert.ToHexStringLower(mac[..16]);
    }

    /// <summary>Computes the version of a value held in a managed string (environment variables come that way).</summary>
    /// <param name="name">The secret's name.</param>
    /// <param name="value">The secret's text.</param>
    /// <returns>32 lower-case hex digits.</returns>
    public string Compute(string name, string value)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(value.Length));
        var length = 0;
        try
        {
            length = Encoding.UTF8.GetBytes(value, buffer);
            return Compute(name, buffer.AsSpan(0, length));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer.AsSpan(0, length));
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
