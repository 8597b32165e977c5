using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Secrets.Client.Pkcs11.Tests.Support;

namespace Secrets.Client.Pkcs11.Tests.DependencyInjection;

[Collection(SoftHsmTestGroup.Name)]
public sealed class Pkcs11ServiceCollectionExtensionsTests
{
    [Fact]
    public async Task AddPkcs11Signer_registers_a_singleton_that_signs_and_is_finalized_with_the_container()
    {
        var services = new ServiceCollection();
        services.AddSingleton<ISecretStore>(SoftHsmFixture.Store());
        services.AddPkcs11Signer(o =>
        {
            o.ModulePath = SoftHsmFixture.ModulePath;
            o.TokenLabel = SoftHsmFixture.TokenLabel;
            o.PinReference = SecretReference.Parse(SoftHsmFixture.PinReference);
        });
        Pkcs11Key key;
        await using (var provider = services.BuildServiceProvider())
        {
            var signer = provider.GetRequiredService<Pkcs11Signer>();
            Assert.Same(signer, provider.GetRequiredService<Pkcs11Signer>());
            key = await signer.GetKeyAsync("ec-p256");
            var signature = await key.SignDataAsync("di"u8.ToArray(), Pkcs11SignatureAlgorithm.ES256);
            Assert.True(key.VerifyData("di"u8, signature, Pkcs11SignatureAlgorithm.ES256));
        }

        await Assert.ThrowsAsync<ObjectDisposedException>(() => key.SignDataAsync("di"u8.ToArray(), Pkcs11SignatureAlgorithm.ES256).AsTask());
    }

    [Fact]
    public void Invalid_options_fail_when_the_signer_is_resolved()
    {
        var services = new ServiceCollection();
        services.AddSingleton<ISecretStore>(SoftHsmFixture.Store());
        services.AddPkcs11Signer(o => o.ModulePath = SoftHsmFixture.ModulePath);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<Pkcs11Signer>());
        Assert.Contains("TokenLabel or a TokenSerial", error.Message, StringComparison.Ordinal);
        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<Pkcs11SignerOptions>>().Value);
    }
}
