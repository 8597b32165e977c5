using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Secrets.Client.Pkcs11;

/// <summary>
/// A private key on a PKCS#11 token. It signs on the device, verifies and exports its public key in-process, and
/// plugs into .NET cryptography through <see cref="CreateRSA"/> and <see cref="CreateECDsa"/>. The private key itself
/// never leaves the token. Get one from <see cref="Pkcs11Signer.GetKeyAsync(string, CancellationToken)"/>.
/// </summary>
/// <remarks>All members are thread-safe. The key stays usable across token resets; it is found again after a reconnect.</remarks>
public sealed class Pkcs11Key
{
    private readonly Pkcs11KeySelector _selector;
    private readonly byte[] _id;
    private readonly RSAParameters _rsa;
    private readonly ECParameters _ec;
    private HandleCache? _handle;

    internal Pkcs11Key(Pkcs11Signer signer, Pkcs11KeySelector selector, string tokenLabel, string label, byte[] id, bool isSensitive, bool isExtractable, RSAParameters publicKey)
        : this(signer, selector, tokenLabel, label, id, isSensitive, isExtractable)
    {
        KeyType = Pkcs11KeyType.Rsa;
        _rsa = publicKey;
        KeySizeInBits = publicKey.Modulus!.AsSpan().TrimStart((byte)0).Length * 8;
    }

    internal Pkcs11Key(Pkcs11Signer signer, Pkcs11KeySelector selector, string tokenLabel, string label, byte[] id, bool isSensitive, bool isExtractable, ECParameters publicKey)
        : this(signer, selector, tokenLabel, label, id, isSensitive, isExtractable)
    {
        KeyType = Pkcs11KeyType.EC;
        _ec = publicKey;
        FieldSizeInBytes = publicKey.Q.X!.Length;
        KeySizeInBits = FieldSizeInBytes == 66 ? 521 : FieldSizeInBytes * 8;
        CurveName = KeySizeInBits switch { 256 => "P-256", 384 => "P-384", _ => "P-521" };
    }

    private Pkcs11Key(Pkcs11Signer signer, Pkcs11KeySelector selector, string tokenLabel, string label, byte[] id, bool isSensitive, bool isExtractable)
    {
        Signer = signer;
        _selector = selector;
        TokenLabel = tokenLabel;
        Label = label;
        _id = id;
        IsSensitive = isSensitive;
        IsExtractable = isExtractable;
    }

    /// <summary>Gets the key's label (<c>CKA_LABEL</c>).</summary>
    public string Label { get; }

    /// <summary>Gets the key's id (<c>CKA_ID</c>), empty when it has none.</summary>
    public ReadOnlyMemory<byte> Id => _id;

    /// <summary>Gets the label of the token holding the key.</summary>
    public string TokenLabel { get; }

    /// <summary>Gets the kind of key.</summary>
    public Pkcs11KeyType KeyType { get; }

    /// <summary>Gets the key size: the RSA modulus length or the curve's size in bits.</summary>
    public int KeySizeInBits { get; }

    /// <summary>Gets the curve name (<c>P-256</c>, <c>P-384</c>, <c>P-521</c>) of an EC key; <see langword="null"/> for RSA.</summary>
    public string? CurveName { get; }

    /// <summary>Gets a value indicating whether the token marks the key sensitive (<c>CKA_SENSITIVE</c>): its secret parts cannot be read.</summary>
    public bool IsSensitive { get; }

    /// <summary>Gets a value indicating whether the token lets the key be wrapped and exported (<c>CKA_EXTRACTABLE</c>).</summary>
    public bool IsExtractable { get; }

    internal Pkcs11Signer Signer { get; }

    internal int FieldSizeInBytes { get; }

    /// <summary>Hashes <paramref name="data"/> and signs it on the token: with the token's hash-and-sign mechanism where it has one, else hashing in-process.</summary>
    /// <param name="data">The data to sign.</param>
    /// <param name="algorithm">The signature algorithm; its key type must match this key.</param>
    /// <param name="signatureFormat">For ECDSA: r||s (IEEE P1363, the JOSE and PKCS#11 form; the default) or DER (RFC 3279, X.509 and CMS). Ignored for RSA.</param>
    /// <param name="cancellationToken">Cancels waiting for a session.</param>
    /// <returns>The signature.</returns>
    /// <exception cref="Pkcs11MechanismNotSupportedException">The algorithm does not fit the key, or the token lacks the mechanism.</exception>
    /// <exception cref="Pkcs11SessionException">The token is gone and logging in again failed.</exception>
    public async ValueTask<byte[]> SignDataAsync(ReadOnlyMemory<byte> data, Pkcs11SignatureAlgorithm algorithm, DSASignatureFormat signatureFormat = DSASignatureFormat.IeeeP1363FixedFieldConcatenation, CancellationToken cancellationToken = default)
    {
        CheckAlgorithm(algorithm);
        var signature = await Signer.SignAsync(new Pkcs11SignRequest(this, algorithm, AsArray(data), IsHash: false), "Pkcs11Key.SignDataAsync", cancellationToken).ConfigureAwait(false);
        return Format(signature, signatureFormat);
    }

    /// <summary>Signs a hash computed by the caller.</summary>
    /// <param name="hash">The hash; its length must match the algorithm's hash.</param>
    /// <param name="algorithm">The signature algorithm; its key type must match this key.</param>
    /// <param name="signatureFormat">For ECDSA: r||s (the default) or DER. Ignored for RSA.</param>
    /// <param name="cancellationToken">Cancels waiting for a session.</param>
    /// <returns>The signature.</returns>
    /// <exception cref="Pkcs11MechanismNotSupportedException">The algorithm does not fit the key, or the token lacks the mechanism.</exception>
    public async ValueTask<byte[]> SignHashAsync(ReadOnlyMemory<byte> hash, Pkcs11SignatureAlgorithm algorithm, DSASignatureFormat signatureFormat = DSASignatureFormat.IeeeP1363FixedFieldConcatenation, CancellationToken cancellationToken = default)
    {
        CheckAlgorithm(algorithm);
        CheckHashLength(hash.Span, algorithm);
        var signature = await Signer.SignAsync(new Pkcs11SignRequest(this, algorithm, AsArray(hash), IsHash: true), "Pkcs11Key.SignHashAsync", cancellationToken).ConfigureAwait(false);
        return Format(signature, signatureFormat);
    }

    /// <summary>Verifies a signature in-process with the key's public half (no token round trip).</summary>
    /// <param name="data">The data that was signed.</param>
    /// <param name="signature">The signature.</param>
    /// <param name="algorithm">The signature algorithm.</param>
    /// <param name="signatureFormat">For ECDSA: the signature's form. Ignored for RSA.</param>
    /// <returns><see langword="true"/> when the signature is valid.</returns>
    public bool VerifyData(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature, Pkcs11SignatureAlgorithm algorithm, DSASignatureFormat signatureFormat = DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
    {
        CheckAlgorithm(algorithm);
        if (KeyType == Pkcs11KeyType.Rsa)
        {
            using var rsa = RSA.Create(_rsa);
            return rsa.VerifyData(data, signature, algorithm.HashAlgorithm, algorithm.Padding!);
        }

        using var ecdsa = ECDsa.Create(_ec);
        return ecdsa.VerifyData(data, signature, algorithm.HashAlgorithm, signatureFormat);
    }

    /// <summary>Exports the public key as a DER SubjectPublicKeyInfo.</summary>
    /// <returns>The encoded public key.</returns>
    public byte[] ExportSubjectPublicKeyInfo()
    {
        using AsymmetricAlgorithm key = KeyType == Pkcs11KeyType.Rsa ? RSA.Create(_rsa) : ECDsa.Create(_ec);
        return key.ExportSubjectPublicKeyInfo();
    }

    /// <summary>
    /// Creates an <see cref="RSA"/> whose private operations run on the token, for <c>CertificateRequest</c>,
    /// <c>X509SignatureGenerator</c>, JWT libraries and any <c>SignData</c>/<c>SignHash</c> caller. Its public key exports
    /// normally; exporting the private key throws <see cref="CryptographicException"/>.
    /// </summary>
    /// <returns>A new instance; dispose it when done (the key on the token is unaffected).</returns>
    /// <exception cref="InvalidOperationException">This is not an RSA key.</exception>
    public RSA CreateRSA() =>
        KeyType == Pkcs11KeyType.Rsa
            ? new Pkcs11Rsa(this, _rsa)
            : throw new InvalidOperationException($"Key '{Label}' is an EC key; use CreateECDsa.");

    /// <summary>Creates an <see cref="ECDsa"/> whose private operations run on the token. See <see cref="CreateRSA"/>.</summary>
    /// <returns>A new instance; dispose it when done.</returns>
    /// <exception cref="InvalidOperationException">This is not an EC key.</exception>
    public ECDsa CreateECDsa() =>
        KeyType == Pkcs11KeyType.EC
            ? new Pkcs11ECDsa(this, _ec)
            : throw new InvalidOperationException($"Key '{Label}' is an RSA key; use CreateRSA.");

    /// <summary>Describes the key without secrets.</summary>
    /// <returns>The token, label and kind of key.</returns>
    public override string ToString() => $"{TokenLabel}/{Label} ({(KeyType == Pkcs11KeyType.Rsa ? $"RSA {KeySizeInBits}" : $"EC {CurveName}")})";

    internal void CacheHandle(Pkcs11Connection connection, IObjectHandle handle) => Volatile.Write(ref _handle, new HandleCache(connection, handle));

    internal IObjectHandle GetHandle(Pkcs11Connection connection, ISession session)
    {
        var cached = Volatile.Read(ref _handle);
        if (cached is not null && ReferenceEquals(cached.Connection, connection))
        {
            return cached.Handle;
        }

        var handle = Pkcs11TokenObjects.FindPrivateKey(connection, session, _selector);
        CacheHandle(connection, handle);
        return handle;
    }

    internal void CheckAlgorithm(Pkcs11SignatureAlgorithm algorithm)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        if (algorithm.KeyType != KeyType)
        {
            throw new Pkcs11MechanismNotSupportedException(algorithm.Name, Label, $"the key is {(KeyType == Pkcs11KeyType.Rsa ? "an RSA" : "an EC")} key.");
        }
    }

    internal static void CheckHashLength(ReadOnlySpan<byte> hash, Pkcs11SignatureAlgorithm algorithm)
    {
        if (hash.Length != algorithm.HashSizeInBytes)
        {
            throw new ArgumentException($"A {algorithm.HashAlgorithm.Name} hash is {algorithm.HashSizeInBytes} bytes long; got {hash.Length}.", nameof(hash));
        }
    }

    private byte[] Format(byte[] signature, DSASignatureFormat format) =>
        KeyType == Pkcs11KeyType.EC && format == DSASignatureFormat.Rfc3279DerSequence ? Pkcs11Mechanisms.P1363ToDer(signature) : signature;

    private static byte[] AsArray(ReadOnlyMemory<byte> memory) =>
        MemoryMarshal.TryGetArray(memory, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : memory.ToArray();

    private sealed record HandleCache(Pkcs11Connection Connection, IObjectHandle Handle);
}
