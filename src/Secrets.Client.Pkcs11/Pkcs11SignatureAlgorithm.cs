using System.Security.Cryptography;

namespace Secrets.Client.Pkcs11;

/// <summary>
/// A signature scheme a <see cref="Pkcs11Key"/> can produce: RSA PKCS#1 v1.5, RSA-PSS or ECDSA, each with SHA-256,
/// SHA-384 or SHA-512. Named after their JOSE algorithm (<c>RS256</c>, <c>PS256</c>, <c>ES256</c>, ...).
/// </summary>
public sealed class Pkcs11SignatureAlgorithm : IEquatable<Pkcs11SignatureAlgorithm>
{
    private Pkcs11SignatureAlgorithm(string name, Pkcs11KeyType keyType, HashAlgorithmName hashAlgorithm, RSASignaturePadding? padding)
    {
        Name = name;
        KeyType = keyType;
        HashAlgorithm = hashAlgorithm;
        Padding = padding;
    }

    /// <summary>Gets RSA PKCS#1 v1.5 with SHA-256 (<c>RS256</c>).</summary>
    public static Pkcs11SignatureAlgorithm RS256 { get; } = new("RS256", Pkcs11KeyType.Rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    /// <summary>Gets RSA PKCS#1 v1.5 with SHA-384 (<c>RS384</c>).</summary>
    public static Pkcs11SignatureAlgorithm RS384 { get; } = new("RS384", Pkcs11KeyType.Rsa, HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1);

    /// <summary>Gets RSA PKCS#1 v1.5 with SHA-512 (<c>RS512</c>).</summary>
    public static Pkcs11SignatureAlgorithm RS512 { get; } = new("RS512", Pkcs11KeyType.Rsa, HashAlgorithmName.SHA512, RSASignaturePadding.Pkcs1);

    /// <summary>Gets RSA-PSS with SHA-256, MGF1 with SHA-256 and a 32-byte salt (<c>PS256</c>).</summary>
    public static Pkcs11SignatureAlgorithm PS256 { get; } = new("PS256", Pkcs11KeyType.Rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);

    /// <summary>Gets RSA-PSS with SHA-384, MGF1 with SHA-384 and a 48-byte salt (<c>PS384</c>).</summary>
    public static Pkcs11SignatureAlgorithm PS384 { get; } = new("PS384", Pkcs11KeyType.Rsa, HashAlgorithmName.SHA384, RSASignaturePadding.Pss);

    /// <summary>Gets RSA-PSS with SHA-512, MGF1 with SHA-512 and a 64-byte salt (<c>PS512</c>).</summary>
    public static Pkcs11SignatureAlgorithm PS512 { get; } = new("PS512", Pkcs11KeyType.Rsa, HashAlgorithmName.SHA512, RSASignaturePadding.Pss);

    /// <summary>Gets ECDSA with SHA-256 (<c>ES256</c>, for P-256 keys).</summary>
    public static Pkcs11SignatureAlgorithm ES256 { get; } = new("ES256", Pkcs11KeyType.EC, HashAlgorithmName.SHA256, padding: null);

    /// <summary>Gets ECDSA with SHA-384 (<c>ES384</c>, for P-384 keys).</summary>
    public static Pkcs11SignatureAlgorithm ES384 { get; } = new("ES384", Pkcs11KeyType.EC, HashAlgorithmName.SHA384, padding: null);

    /// <summary>Gets ECDSA with SHA-512 (<c>ES512</c>).</summary>
    public static Pkcs11SignatureAlgorithm ES512 { get; } = new("ES512", Pkcs11KeyType.EC, HashAlgorithmName.SHA512, padding: null);

    /// <summary>Gets the JOSE name of the algorithm, such as <c>PS256</c>.</summary>
    public string Name { get; }

    /// <summary>Gets the kind of key the algorithm needs.</summary>
    public Pkcs11KeyType KeyType { get; }

    /// <summary>Gets the hash algorithm.</summary>
    public HashAlgorithmName HashAlgorithm { get; }

    /// <summary>Gets the RSA padding, or <see langword="null"/> for ECDSA.</summary>
    public RSASignaturePadding? Padding { get; }

    /// <summary>Gets the size of the hash in bytes.</summary>
    public int HashSizeInBytes => HashSizeOf(HashAlgorithm);

    /// <summary>Finds an algorithm by its JOSE name (case-sensitive, as JOSE requires).</summary>
    /// <param name="name">The name, such as <c>ES256</c>.</param>
    /// <returns>The algorithm.</returns>
    /// <exception cref="Pkcs11MechanismNotSupportedException">The name is not one of the supported algorithms.</exception>
    public static Pkcs11SignatureAlgorithm FromName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name switch
        {
            "RS256" => RS256,
            "RS384" => RS384,
            "RS512" => RS512,
            "PS256" => PS256,
            "PS384" => PS384,
            "PS512" => PS512,
            "ES256" => ES256,
            "ES384" => ES384,
            "ES512" => ES512,
            _ => throw new Pkcs11MechanismNotSupportedException(name, keyLabel: null, "supported algorithms are RS256/384/512, PS256/384/512 and ES256/384/512."),
        };
    }

    /// <summary>Finds the RSA algorithm for a hash and a padding, as .NET's <see cref="RSA"/> API names them.</summary>
    /// <param name="hashAlgorithm">The hash algorithm.</param>
    /// <param name="padding">The padding.</param>
    /// <returns>The algorithm.</returns>
    /// <exception cref="Pkcs11MechanismNotSupportedException">The hash is not SHA-256, SHA-384 or SHA-512.</exception>
    public static Pkcs11SignatureAlgorithm ForRsa(HashAlgorithmName hashAlgorithm, RSASignaturePadding padding)
    {
        ArgumentNullException.ThrowIfNull(padding);
        var pss = padding.Mode == RSASignaturePaddingMode.Pss;
        return hashAlgorithm.Name switch
        {
            "SHA256" => pss ? PS256 : RS256,
            "SHA384" => pss ? PS384 : RS384,
            "SHA512" => pss ? PS512 : RS512,
            _ => throw new Pkcs11MechanismNotSupportedException($"RSA {padding.Mode} with {hashAlgorithm.Name ?? "(no hash)"}", keyLabel: null, "supported hashes are SHA-256, SHA-384 and SHA-512."),
        };
    }

    /// <summary>Finds the ECDSA algorithm for a hash.</summary>
    /// <param name="hashAlgorithm">The hash algorithm.</param>
    /// <returns>The algorithm.</returns>
    /// <exception cref="Pkcs11MechanismNotSupportedException">The hash is not SHA-256, SHA-384 or SHA-512.</exception>
    public static Pkcs11SignatureAlgorithm ForECDsa(HashAlgorithmName hashAlgorithm) =>
        hashAlgorithm.Name switch
        {
            "SHA256" => ES256,
            "SHA384" => ES384,
            "SHA512" => ES512,
            _ => throw new Pkcs11MechanismNotSupportedException($"ECDSA with {hashAlgorithm.Name ?? "(no hash)"}", keyLabel: null, "supported hashes are SHA-256, SHA-384 and SHA-512."),
        };

    /// <inheritdoc/>
    public bool Equals(Pkcs11SignatureAlgorithm? other) => ReferenceEquals(this, other);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => ReferenceEquals(this, obj);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Name);

    /// <summary>Returns the JOSE name.</summary>
    /// <returns>The name.</returns>
    public override string ToString() => Name;

    internal static int HashSizeOf(HashAlgorithmName hash) =>
        hash.Name switch
        {
            "SHA256" => 32,
            "SHA384" => 48,
            "SHA512" => 64,
            _ => throw new Pkcs11MechanismNotSupportedException(hash.Name ?? "(no hash)", keyLabel: null, "supported hashes are SHA-256, SHA-384 and SHA-512."),
        };

    internal byte[] Hash(ReadOnlySpan<byte> data) =>
        HashAlgorithm.Name switch
        {
            "SHA256" => SHA256.HashData(data),
            "SHA384" => SHA384.HashData(data),
            _ => SHA512.HashData(data),
        };
}
