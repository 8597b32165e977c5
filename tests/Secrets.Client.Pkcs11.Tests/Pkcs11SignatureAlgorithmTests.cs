using System.Security.Cryptography;

namespace Secrets.Client.Pkcs11.Tests;

public sealed class Pkcs11SignatureAlgorithmTests
{
    [Theory]
    [InlineData("RS256", Pkcs11KeyType.Rsa, "SHA256", 32)]
    [InlineData("PS384", Pkcs11KeyType.Rsa, "SHA384", 48)]
    [InlineData("ES512", Pkcs11KeyType.EC, "SHA512", 64)]
    public void FromName_finds_the_JOSE_algorithm(string name, Pkcs11KeyType keyType, string hash, int hashSize)
    {
        var algorithm = Pkcs11SignatureAlgorithm.FromName(name);

        Assert.Equal((name, keyType, hash, hashSize), (algorithm.Name, algorithm.KeyType, algorithm.HashAlgorithm.Name, algorithm.HashSizeInBytes));
        Assert.Equal(name, algorithm.ToString());
    }

    [Theory]
    [InlineData("HS256")]
    [InlineData("es256")]
    [InlineData("none")]
    public void FromName_refuses_anything_else_with_a_typed_error(string name) =>
        Assert.Throws<Pkcs11MechanismNotSupportedException>(() => Pkcs11SignatureAlgorithm.FromName(name));

    [Fact]
    public void ForRsa_and_ForECDsa_map_dotnet_names()
    {
        Assert.Same(Pkcs11SignatureAlgorithm.PS512, Pkcs11SignatureAlgorithm.ForRsa(HashAlgorithmName.SHA512, RSASignaturePadding.Pss));
        Assert.Same(Pkcs11SignatureAlgorithm.RS384, Pkcs11SignatureAlgorithm.ForRsa(HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1));
        Assert.Same(Pkcs11SignatureAlgorithm.ES256, Pkcs11SignatureAlgorithm.ForECDsa(HashAlgorithmName.SHA256));
        Assert.Throws<Pkcs11MechanismNotSupportedException>(() => Pkcs11SignatureAlgorithm.ForRsa(HashAlgorithmName.MD5, RSASignaturePadding.Pkcs1));
        Assert.Throws<Pkcs11MechanismNotSupportedException>(() => Pkcs11SignatureAlgorithm.ForECDsa(HashAlgorithmName.SHA3_256));
    }
}
