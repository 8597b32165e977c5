using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Secrets.Client.Testing;

/// <summary>
/// Compact JWTs (HS256 under a key the emulator makes at start) for the tokens the platforms issue as JWTs: projected
/// service account tokens, OIDC tokens and Entra access tokens. Clients read their claims the way they read real ones;
/// only the emulator that made them can verify them.
/// </summary>
internal sealed class EmulatedJwt
{
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public string Create(IReadOnlyDictionary<string, object> claims)
    {
        var header = Encode("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"u8);
        var payload = Encode(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signed = header + "." + payload;
        return signed + "." + Encode(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(signed)));
    }

    /// <summary>Reads the claims of a token this instance made, or returns null when the signature does not match.</summary>
    public Dictionary<string, JsonElement>? Read(string? token)
    {
        var parts = token?.Trim().Split('.');
        if (parts is not { Length: 3 })
        {
            return null;
        }

        var expected = HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
        byte[] signature, payload;
        try
        {
            signature = Decode(parts[2]);
            payload = Decode(parts[1]);
        }
        catch (FormatException)
        {
            return null;
        }

        if (!CryptographicOperations.FixedTimeEquals(signature, expected))
        {
            return null;
        }

        return JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(payload);
    }

    public static Dictionary<string, object> Claims(string issuer, string subject, string audience, DateTimeOffset issuedAt, DateTimeOffset expiresAt) => new(StringComparer.Ordinal)
    {
        ["iss"] = issuer,
        ["sub"] = subject,
        ["aud"] = audience,
        ["iat"] = issuedAt.ToUnixTimeSeconds(),
        ["nbf"] = issuedAt.ToUnixTimeSeconds(),
        ["exp"] = expiresAt.ToUnixTimeSeconds(),
        ["jti"] = Guid.NewGuid().ToString("N"),
    };

    private static string Encode(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] Decode(string text)
    {
        var base64 = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='));
    }
}
