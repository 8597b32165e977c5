using System.Net;
using System.Net.Http.Headers;
using Secrets.Client.Testing;

namespace Secrets.Client.Testing.Tests;

/// <summary>
/// <see cref="EmulatorOptions.Authenticator"/> replaces each emulator's own credential check with one shared hook
/// (for example an identity emulator's issued tokens), and every emulator records the principal it mapped.
/// </summary>
public sealed class AuthenticatorTests
{
    private const string Issued = "issued-by-an-identity-emulator";

    public static TheoryData<string> BearerKinds => ["azure", "gcp", "vault"];

    [Theory]
    [MemberData(nameof(BearerKinds))]
    public async Task Bearer_emulators_accept_what_the_authenticator_accepts_and_record_the_principal(string kind)
    {
        EmulatorPrincipal? Authenticate(EmulatorCredential credential) =>
            credential.Value == Issued ? new EmulatorPrincipal("workload@" + credential.Kind) : null;

        await using var emulator = await BearerEmulator.StartAsync(kind, Authenticate);
        var accepted = await emulator.SendAsync(Issued);
        var refused = await emulator.SendAsync("not-issued");

        Assert.True(accepted is not HttpStatusCode.Unauthorized and not HttpStatusCode.Forbidden, $"{kind} refused an issued token: {accepted}");
        Assert.True(refused is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"{kind} accepted a token the authenticator refused: {refused}");
        Assert.StartsWith("workload@", emulator.Traffic.LastPrincipal?.Name, StringComparison.Ordinal);
    }

    /// <summary>One emulator of a bearer-token kind and the request that reads something from it.</summary>
    private sealed class BearerEmulator : IAsyncDisposable
    {
        private readonly IAsyncDisposable _emulator;
        private readonly HttpClient _http;
        private readonly Func<string, HttpRequestMessage> _request;

        private BearerEmulator(IAsyncDisposable emulator, EmulatorTraffic traffic, HttpMessageHandler handler, Func<string, HttpRequestMessage> request)
        {
            _emulator = emulator;
            Traffic = traffic;
            _http = new HttpClient(handler);
            _request = request;
        }

        public EmulatorTraffic Traffic { get; }

        public static async Task<BearerEmulator> StartAsync(string kind, EmulatorAuthenticator authenticator)
        {
            static HttpRequestMessage Bearer(Uri uri, string token)
            {
                var message = new HttpRequestMessage(HttpMethod.Get, uri);
                message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                return message;
            }

            switch (kind)
            {
                case "azure":
                    var azure = await AzureKeyVaultEmulator.StartAsync(new AzureKeyVaultEmulatorOptions { Authenticator = authenticator });
                    return new(azure, azure.Traffic, azure.CreateHandler(), token => Bearer(new Uri(azure.VaultUri, "secrets?api-version=7.5"), token));
                case "gcp":
                    var gcp = await GcpSecretManagerEmulator.StartAsync(new GcpSecretManagerEmulatorOptions { Authenticator = authenticator });
                    return new(gcp, gcp.Traffic, gcp.CreateHandler(), token => Bearer(new Uri(gcp.Endpoint, $"v1/projects/{gcp.ProjectId}/secrets"), token));
                default:
                    var vault = await HashiCorpVaultEmulator.StartAsync(new HashiCorpVaultEmulatorOptions { Authenticator = authenticator });
                    return new(vault, vault.Traffic, new SocketsHttpHandler(), token =>
                    {
                        var message = new HttpRequestMessage(HttpMethod.Get, new Uri(vault.Address, "v1/auth/token/lookup-self"));
                        message.Headers.Add("X-Vault-Token", token);
                        return message;
                    });
            }
        }

        public async Task<HttpStatusCode> SendAsync(string token)
        {
            using var request = _request(token);
            using var response = await _http.SendAsync(request);
            return response.StatusCode;
        }

        public async ValueTask DisposeAsync()
        {
            _http.Dispose();
            await _emulator.DisposeAsync();
        }
    }
}
