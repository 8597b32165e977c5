using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Secrets.Client.Pkcs11.Benchmarks;

/// <summary>
/// One signature at a time: the provider (async API and the .NET RSA/ECDsa view) against the same mechanism called
/// directly through Pkcs11Interop on an already open, logged-in session. Goal: at most 1.1x.
/// </summary>
[MemoryDiagnoser]
public class SignOverheadBenchmarks
{
    private static readonly byte[] Data = RandomNumberGenerator.GetBytes(256);
    private BenchmarkToken _token = null!;
    private Pkcs11Signer _signer = null!;
    private Pkcs11Key _ec = null!;
    private Pkcs11Key _rsa = null!;
    private ECDsa _ecView = null!;
    private RSA _rsaView = null!;
    private IPkcs11Library _library = null!;
    private ISession _session = null!;
    private IObjectHandle _ecHandle = null!;
    private IObjectHandle _rsaHandle = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _token = new BenchmarkToken();
        _signer = _token.CreateSigner(maxSessions: 0);
        _ec = await _signer.GetKeyAsync("ec");
        _rsa = await _signer.GetKeyAsync("rsa");
        _ecView = _ec.CreateECDsa();
        _rsaView = _rsa.CreateRSA();

        var factories = new Pkcs11InteropFactories();
        _library = factories.Pkcs11LibraryFactory.LoadPkcs11Library(factories, BenchmarkToken.ModulePath, AppType.MultiThreaded);
        var slot = _library.GetSlotList(SlotsType.WithTokenPresent).First(s => s.GetTokenInfo().Label.Trim() == BenchmarkToken.Label);
        _session = slot.OpenSession(SessionType.ReadOnly);
        try
        {
            _session.Login(CKU.CKU_USER, _token.Pin);
        }
        catch (Pkcs11Exception ex) when (ex.RV == CKR.CKR_USER_ALREADY_LOGGED_IN)
        {
        }

        _ecHandle = Find(factories, "ec");
        _rsaHandle = Find(factories, "rsa");
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _ecView.Dispose();
        _rsaView.Dispose();
        await _signer.DisposeAsync();
        _library.Dispose();
        _token.Dispose();
    }

    [Benchmark(Baseline = true, Description = "ES256 direct Pkcs11Interop (SHA-256 in-process + CKM_ECDSA)")]
    [BenchmarkCategory("ES256")]
    public byte[] Es256Direct() =>
        _session.Sign(_library.Factories.MechanismFactory.Create(CKM.CKM_ECDSA), _ecHandle, SHA256.HashData(Data));

    [Benchmark(Description = "ES256 provider Pkcs11Key.SignDataAsync")]
    [BenchmarkCategory("ES256")]
    public ValueTask<byte[]> Es256Provider() => _ec.SignDataAsync(Data, Pkcs11SignatureAlgorithm.ES256);

    [Benchmark(Description = "ES256 provider ECDsa.SignData")]
    [BenchmarkCategory("ES256")]
    public byte[] Es256ProviderDotNet() => _ecView.SignData(Data, HashAlgorithmName.SHA256);

    [Benchmark(Description = "RS256 direct Pkcs11Interop (CKM_SHA256_RSA_PKCS)")]
    [BenchmarkCategory("RS256")]
    public byte[] Rs256Direct() =>
        _session.Sign(_library.Factories.MechanismFactory.Create(CKM.CKM_SHA256_RSA_PKCS), _rsaHandle, Data);

    [Benchmark(Description = "RS256 provider Pkcs11Key.SignDataAsync")]
    [BenchmarkCategory("RS256")]
    public ValueTask<byte[]> Rs256Provider() => _rsa.SignDataAsync(Data, Pkcs11SignatureAlgorithm.RS256);

    [Benchmark(Description = "RS256 provider RSA.SignData")]
    [BenchmarkCategory("RS256")]
    public byte[] Rs256ProviderDotNet() => _rsaView.SignData(Data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    private IObjectHandle Find(Pkcs11InteropFactories factories, string label) =>
        _session.FindAllObjects(
        [
            factories.ObjectAttributeFactory.Create(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY),
            factories.ObjectAttributeFactory.Create(CKA.CKA_LABEL, label),
        ]).Single();
}
