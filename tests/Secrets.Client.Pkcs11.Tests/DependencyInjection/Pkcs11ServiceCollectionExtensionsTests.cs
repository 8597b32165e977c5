using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Secrets.Client.Pkcs11.Tests.Support;
using Secrets.Client.Testing;

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
    public async Task With_the_core_store_the_PIN_comes_through_its_cache_and_signatures_enter_its_audit_trail()
    {
        var memory = new InMemorySecretProvider();
        await memory.SetSecretAsync("hsm/user-pin", SecretValue.FromText(SoftHsmFixture.UserPin));
        var audit = new CollectingAuditSink();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<ISecretAuditSink>(audit);
        services.AddSecretStore(b => b.AddProvider(memory));
        services.AddPkcs11Signer(o =>
        {
            o.ModulePath = SoftHsmFixture.ModulePath;
            o.TokenLabel = SoftHsmFixture.TokenLabel;
            o.PinReference = SecretReference.Parse(SoftHsmFixture.PinReference);
        });
        await using var provider = services.BuildServiceProvider();
        var signer = provider.GetRequiredService<Pkcs11Signer>();
        using var rsa = (await signer.GetKeyAsync("rsa-2048")).CreateRSA();

        var before = rsa.SignData("core"u8.ToArray(), HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
        SoftHsmFixture.WithRawModule((_, _) => { }, tokenLabel: null); // token reset
        var after = rsa.SignData("core"u8.ToArray(), HashAlgorithmName.SHA256, RSASignaturePadding.Pss);

        Assert.True(rsa.VerifyData("core"u8, before, HashAlgorithmName.SHA256, RSASignaturePadding.Pss));
        Assert.True(rsa.VerifyData("core"u8, after, HashAlgorithmName.SHA256, RSASignaturePadding.Pss));
        Assert.Equal(1, memory.GetSecretCalls); // The re-login after the reset was served by the store's cache.
        var records = audit.Records.ToList();
        Assert.Contains(records, r => r.Kind == SecretAccessKind.Fetch && r.SecretName == "hsm/user-pin");
        Assert.Contains(records, r => r.Kind == SecretAccessKind.CacheHit && r.SecretName == "hsm/user-pin");
        var signatures = records.Where(r => r.Kind == SecretAccessKind.Sign).ToList();
        Assert.Equal(2, signatures.Count);
        Assert.All(signatures, r =>
        {
            Assert.Equal(("pkcs11", "rsa-2048", "CKM_RSA_PKCS_PSS", SecretAuditOutcome.Success), (r.Provider, r.SecretName, r.Field, r.Outcome));
            Assert.Equal($"{SoftHsmFixture.TokenLabel}/{SoftHsmFixture.TokenLabel}", r.Identity);
            Assert.Equal(Environment.UserName, r.User);
        });
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
