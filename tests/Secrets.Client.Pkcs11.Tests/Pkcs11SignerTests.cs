using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Secrets.Client.Pkcs11.Tests.Support;

namespace Secrets.Client.Pkcs11.Tests;

[Collection(SoftHsmTestGroup.Name)]
public sealed class Pkcs11SignerTests(SoftHsmFixture fixture)
{
    private static readonly byte[] Data = "concurrent data"u8.ToArray();

    [Fact]
    public async Task Wrong_PIN_gives_a_login_error_that_never_shows_the_PIN()
    {
        const string wrongPin = "CANARY-WRONG-PIN-55aa01";
        var logs = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(logs)).SetMinimumLevel(LogLevel.Trace));
        await using var signer = new Pkcs11Signer(SoftHsmFixture.Options(), SoftHsmFixture.Store(wrongPin), loggerFactory, null, null);

        var error = await Assert.ThrowsAsync<Pkcs11LoginException>(() => signer.GetKeyAsync("rsa-2048").AsTask());

        Assert.Equal("CKR_PIN_INCORRECT", error.ErrorCode);
        Assert.Contains(SoftHsmFixture.TokenLabel, error.Message, StringComparison.Ordinal);
        Assert.Contains(SoftHsmFixture.PinReference, error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<SecretAccessDeniedException>(error);
        AssertNoPin(error.ToString(), wrongPin);
        Assert.All(logs.GetSnapshot(), record => AssertNoPin(record.Message + record.Exception, wrongPin));
    }

    [Fact]
    public async Task Missing_token_gives_a_typed_error_listing_the_tokens_present()
    {
        await using var signer = new Pkcs11Signer(SoftHsmFixture.Options(tokenLabel: "no-such-token"), SoftHsmFixture.Store());

        var error = await Assert.ThrowsAsync<Pkcs11TokenNotFoundException>(() => signer.ConnectAsync().AsTask());

        Assert.Equal("no-such-token", error.TokenLabel);
        Assert.Contains(SoftHsmFixture.TokenLabel, error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<SecretNotFoundException>(error);
    }

    [Fact]
    public async Task Token_is_found_by_serial_number_too()
    {
        var options = SoftHsmFixture.Options();
        options.TokenLabel = null;
        options.TokenSerial = fixture.TokenSerial;
        await using var signer = new Pkcs11Signer(options, SoftHsmFixture.Store());

        var key = await signer.GetKeyAsync("ec-p256");

        Assert.Equal(SoftHsmFixture.TokenLabel, key.TokenLabel);
        Assert.Equal(fixture.TokenSerial, signer.Name);
    }

    [Fact]
    public async Task Missing_and_ambiguous_keys_give_typed_errors()
    {
        await using var signer = new Pkcs11Signer(SoftHsmFixture.Options(), SoftHsmFixture.Store());

        var missing = await Assert.ThrowsAsync<Pkcs11KeyNotFoundException>(() => signer.GetKeyAsync("no-such-key").AsTask());
        var missingId = await Assert.ThrowsAsync<Pkcs11KeyNotFoundException>(() => signer.GetKeyByIdAsync(new byte[] { 0x7f }).AsTask());
        var ambiguous = await Assert.ThrowsAsync<Pkcs11KeyNotFoundException>(() => signer.GetKeyAsync("twin").AsTask());

        Assert.Equal(0, missing.Matches);
        Assert.Contains("no-such-key", missing.Message, StringComparison.Ordinal);
        Assert.Contains("7f", missingId.Message, StringComparison.Ordinal);
        Assert.Equal(2, ambiguous.Matches);
        var byId = await signer.GetKeyByIdAsync(new byte[] { 0x05 });
        Assert.Equal("twin", byId.Label);
    }

    [Fact]
    public async Task Missing_module_and_missing_PIN_secret_give_typed_errors()
    {
        var options = SoftHsmFixture.Options();
        options.ModulePath = "/nonexistent/libpkcs11.so";
        await using var noModule = new Pkcs11Signer(options, SoftHsmFixture.Store());
        await using var noPin = new Pkcs11Signer(SoftHsmFixture.Options(), new InMemorySecretStore());

        var moduleError = await Assert.ThrowsAsync<Pkcs11OperationException>(() => noModule.ConnectAsync().AsTask());
        await Assert.ThrowsAsync<SecretNotFoundException>(() => noPin.ConnectAsync().AsTask());

        Assert.Contains("/nonexistent/libpkcs11.so", moduleError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Incomplete_options_are_refused_when_the_signer_is_built()
    {
        var store = SoftHsmFixture.Store();
        Assert.Throws<ArgumentException>(() => new Pkcs11Signer(new Pkcs11SignerOptions { TokenLabel = "x", PinReference = SecretReference.Parse("env://P") }, store));
        Assert.Throws<ArgumentException>(() => new Pkcs11Signer(new Pkcs11SignerOptions { ModulePath = SoftHsmFixture.ModulePath, PinReference = SecretReference.Parse("env://P") }, store));
        Assert.Throws<ArgumentException>(() => new Pkcs11Signer(new Pkcs11SignerOptions { ModulePath = SoftHsmFixture.ModulePath, TokenLabel = "x" }, store));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Pkcs11Signer(SoftHsmFixture.Options(maxSessions: -1), store));
    }

    [Fact]
    public async Task Many_tasks_signing_at_once_all_get_valid_signatures_through_a_bounded_pool()
    {
        await using var signer = new Pkcs11Signer(SoftHsmFixture.Options(maxSessions: 3), SoftHsmFixture.Store());
        var ec = await signer.GetKeyAsync("ec-p256");
        var rsa = await signer.GetKeyAsync("rsa-2048");
        using var rsaView = rsa.CreateRSA();
        var failures = new ConcurrentBag<string>();

        await Parallel.ForEachAsync(Enumerable.Range(0, 96), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var data = BitConverter.GetBytes(i);
            switch (i % 3)
            {
                case 0:
                    var es = await ec.SignDataAsync(data, Pkcs11SignatureAlgorithm.ES256, cancellationToken: ct);
                    if (!Pkcs11KeyTests.VerifyWithSoftware(ec, data, es, Pkcs11SignatureAlgorithm.ES256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
                    {
                        failures.Add($"ES256 #{i}");
                    }

                    break;
                case 1:
                    var ps = await rsa.SignDataAsync(data, Pkcs11SignatureAlgorithm.PS256, cancellationToken: ct);
                    if (!Pkcs11KeyTests.VerifyWithSoftware(rsa, data, ps, Pkcs11SignatureAlgorithm.PS256, default))
                    {
                        failures.Add($"PS256 #{i}");
                    }

                    break;
                default:
                    // The synchronous .NET API path, from many threads at once.
                    var rs = rsaView.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                    if (!Pkcs11KeyTests.VerifyWithSoftware(rsa, data, rs, Pkcs11SignatureAlgorithm.RS256, default))
                    {
                        failures.Add($"RS256 #{i}");
                    }

                    break;
            }
        });

        Assert.Empty(failures);
        Assert.Equal(3, signer.MaxSessions);
    }

    [Fact]
    public async Task Default_pool_size_follows_the_processor_count()
    {
        await using var signer = new Pkcs11Signer(SoftHsmFixture.Options(), SoftHsmFixture.Store());
        Assert.Equal(0, signer.MaxSessions);

        await signer.ConnectAsync();

        Assert.Equal(Math.Max(2, Environment.ProcessorCount * 2), signer.MaxSessions);
    }

    [Fact]
    public async Task After_a_token_reset_the_signer_reloads_logs_in_again_and_signs()
    {
        using var capture = new TelemetryCapture();
        var store = SoftHsmFixture.Store();
        await using var signer = new Pkcs11Signer(SoftHsmFixture.Options(), store);
        var key = await signer.GetKeyAsync("ec-p256");
        await key.SignDataAsync(Data, Pkcs11SignatureAlgorithm.ES256);
        Assert.Equal(1, store.Reads);

        // Another component finalizes the module: every session and the login are gone, as after a token reset.
        SoftHsmFixture.WithRawModule((_, _) => { }, tokenLabel: null);

        var signature = await key.SignDataAsync(Data, Pkcs11SignatureAlgorithm.ES256);

        Assert.True(key.VerifyData(Data, signature, Pkcs11SignatureAlgorithm.ES256));
        Assert.Equal(2, store.Reads); // The PIN was read again from the store, not kept.
        Assert.Contains(capture.Measurements, m => m.Instrument == "secrets.pkcs11.reconnects" && m.Tags["pkcs11.signer"] == signer.Name);
    }

    [Fact]
    public async Task After_a_token_reset_the_synchronous_dotnet_path_recovers_too()
    {
        await using var signer = new Pkcs11Signer(SoftHsmFixture.Options(), SoftHsmFixture.Store());
        using var rsa = (await signer.GetKeyAsync("rsa-2048")).CreateRSA();
        rsa.SignData(Data, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);

        SoftHsmFixture.WithRawModule((_, _) => { }, tokenLabel: null);
        var signature = rsa.SignData(Data, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);

        Assert.True(rsa.VerifyData(Data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss));
    }

    [Fact]
    public async Task When_all_sessions_are_closed_under_it_the_signer_opens_new_ones_and_logs_in_again()
    {
        var store = SoftHsmFixture.Store();
        await using var signer = new Pkcs11Signer(SoftHsmFixture.Options(), store);
        var key = await signer.GetKeyAsync("rsa-2048");
        await key.SignDataAsync(Data, Pkcs11SignatureAlgorithm.RS256);

        // C_CloseAllSessions from elsewhere in the process: our handles turn invalid and the user is logged out.
        SoftHsmFixture.WithRawModule((_, slot) => slot!.CloseAllSessions(), finalize: false);

        var signature = await key.SignDataAsync(Data, Pkcs11SignatureAlgorithm.RS256);
        Assert.True(key.VerifyData(Data, signature, Pkcs11SignatureAlgorithm.RS256));
        Assert.Equal(2, store.Reads);
    }

    [Fact]
    public async Task When_the_token_is_gone_after_a_reset_the_error_is_typed()
    {
        await using var signer = new Pkcs11Signer(SoftHsmFixture.Options(tokenLabel: SoftHsmFixture.SecondTokenLabel), SoftHsmFixture.Store());
        var key = await signer.GetKeyAsync("spare-ec");
        await key.SignDataAsync(Data, Pkcs11SignatureAlgorithm.ES256);

        fixture.DeleteToken(SoftHsmFixture.SecondTokenLabel);
        SoftHsmFixture.WithRawModule((_, _) => { }, tokenLabel: null);

        var error = await Assert.ThrowsAsync<Pkcs11TokenNotFoundException>(() => key.SignDataAsync(Data, Pkcs11SignatureAlgorithm.ES256).AsTask());
        Assert.Equal(SoftHsmFixture.SecondTokenLabel, error.TokenLabel);
    }

    [Fact]
    public async Task A_disposed_signer_finalizes_the_module_and_its_keys_refuse_to_sign()
    {
        var signer = new Pkcs11Signer(SoftHsmFixture.Options(), SoftHsmFixture.Store());
        var key = await signer.GetKeyAsync("ec-p256");
        using var ecdsa = key.CreateECDsa();

        await signer.DisposeAsync();
        signer.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => key.SignDataAsync(Data, Pkcs11SignatureAlgorithm.ES256).AsTask());
        Assert.Throws<ObjectDisposedException>(() => ecdsa.SignData(Data, HashAlgorithmName.SHA256));

        // C_Finalize ran: a fresh load starts logged out. Had the module stayed initialized, the signer's login
        // (which PKCS#11 keeps per application) would make this new session a user session.
        SoftHsmFixture.WithRawModule((_, slot) =>
        {
            using var session = slot!.OpenSession(Net.Pkcs11Interop.Common.SessionType.ReadOnly);
            Assert.Equal(Net.Pkcs11Interop.Common.CKS.CKS_RO_PUBLIC_SESSION, session.GetSessionInfo().State);
        });
    }

    [Fact]
    public async Task Disposing_while_callers_wait_for_a_session_releases_every_caller()
    {
        var signer = new Pkcs11Signer(SoftHsmFixture.Options(maxSessions: 1), SoftHsmFixture.Store());
        var key = await signer.GetKeyAsync("rsa-2048");
        var calls = Enumerable.Range(0, 24).Select(_ => Task.Run(async () => await key.SignDataAsync(Data, Pkcs11SignatureAlgorithm.RS512))).ToList();

        await signer.DisposeAsync();
        var outcomes = await Task.WhenAll(calls.Select(async call =>
        {
            try
            {
                var signature = await call;
                return key.VerifyData(Data, signature, Pkcs11SignatureAlgorithm.RS512) ? "signed" : "bad signature";
            }
            catch (ObjectDisposedException)
            {
                return "disposed";
            }
        })).WaitAsync(TimeSpan.FromMinutes(2)); // A safety net against a hang, not a timing assertion.

        Assert.All(outcomes, outcome => Assert.Contains(outcome, new[] { "signed", "disposed" }));
        Assert.Contains("disposed", outcomes);
    }

    [Fact]
    public async Task Every_signature_is_audited_and_counted_without_data_or_PIN()
    {
        using var capture = new TelemetryCapture();
        var logs = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(logs)).SetMinimumLevel(LogLevel.Trace));
        var options = SoftHsmFixture.Options();
        options.Name = "audit-signer";
        await using var signer = new Pkcs11Signer(options, SoftHsmFixture.Store(), loggerFactory, null, null);
        var key = await signer.GetKeyAsync("rsa-2048");
        var secretData = "CANARY-DATA-3c1d9e"u8.ToArray();

        await key.SignDataAsync(secretData, Pkcs11SignatureAlgorithm.PS512);
        using (var rsa = key.CreateRSA())
        {
            rsa.SignData(secretData, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }

        await Assert.ThrowsAsync<Pkcs11MechanismNotSupportedException>(() => key.SignDataAsync(secretData, Pkcs11SignatureAlgorithm.ES256).AsTask());

        var audit = logs.GetSnapshot().Where(r => r.Category == "Secrets.Client.Pkcs11.Audit").Select(r => r.Message).ToList();
        Assert.Equal(2, audit.Count); // The refused algorithm never reached the signer.
        Assert.Contains(audit, m => m.Contains("key=rsa-2048", StringComparison.Ordinal) && m.Contains("mechanism=CKM_SHA512_RSA_PKCS_PSS", StringComparison.Ordinal) && m.Contains("outcome=success", StringComparison.Ordinal) && m.Contains("caller=Pkcs11Key.SignDataAsync", StringComparison.Ordinal));
        Assert.Contains(audit, m => m.Contains("mechanism=CKM_RSA_PKCS ", StringComparison.Ordinal) && m.Contains("caller=RSA.SignHash", StringComparison.Ordinal) && m.Contains("signer=audit-signer", StringComparison.Ordinal));
        var counted = capture.Measurements.Where(m => m.Instrument == "secrets.pkcs11.signatures" && m.Tags["pkcs11.signer"] == "audit-signer").ToList();
        Assert.Equal(2, counted.Count);
        foreach (var record in logs.GetSnapshot())
        {
            AssertNoPin(record.Message + record.Exception, SoftHsmFixture.UserPin);
            Assert.DoesNotContain("CANARY-DATA", record.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_failed_signature_is_audited_with_its_outcome()
    {
        var logs = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(logs)));
        var signer = new Pkcs11Signer(SoftHsmFixture.Options(), SoftHsmFixture.Store(), loggerFactory, null, null);
        var key = await signer.GetKeyAsync("ec-p256");
        await signer.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => key.SignHashAsync(new byte[32], Pkcs11SignatureAlgorithm.ES256).AsTask());

        var audit = Assert.Single(logs.GetSnapshot(), r => r.Category == "Secrets.Client.Pkcs11.Audit");
        Assert.Contains("outcome=ObjectDisposedException", audit.Message, StringComparison.Ordinal);
        Assert.Contains("key=ec-p256", audit.Message, StringComparison.Ordinal);
    }

    private static void AssertNoPin(string text, string pin)
    {
        Assert.DoesNotContain(pin, text, StringComparison.Ordinal);
        Assert.DoesNotContain("CANARY-PIN", text, StringComparison.Ordinal);
    }
}
