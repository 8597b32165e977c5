using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Secrets.Client.Testing;

/// <summary>
/// A Kestrel server bound to 127.0.0.1 on a free port (or a chosen one), over HTTP or over HTTPS with a self-signed
/// certificate made at start. Emulators build on it.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackServer(WebApplication app, Uri endpoint, X509Certificate2? certificate)
    {
        _app = app;
        Endpoint = endpoint;
        Certificate = certificate;
    }

    /// <summary>Gets the base address, for example <c>https://127.0.0.1:49152/</c>.</summary>
    public Uri Endpoint { get; }

    /// <summary>Gets the server's self-signed certificate when it serves HTTPS; trust exactly this one in clients.</summary>
    public X509Certificate2? Certificate { get; }

    /// <summary>Starts a server that hands every request to <paramref name="handler"/>.</summary>
    /// <param name="handler">Answers requests.</param>
    /// <param name="useHttps">Serve HTTPS with a certificate generated now (subject CN=localhost, SANs 127.0.0.1 and localhost).</param>
    /// <param name="port">The port, or 0 for a free one.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server.</returns>
    public static async Task<LoopbackServer> StartAsync(RequestDelegate handler, bool useHttps = false, int port = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var certificate = useHttps ? CreateCertificate() : null;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, port, listen =>
            {
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }
            });
        });
        var app = builder.Build();
        // Emulators that serve websockets (Vault's event subscription) accept them through the usual middleware.
        app.UseWebSockets();
        app.Run(handler);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var endpoint = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
        return new LoopbackServer(app, endpoint, certificate);
    }

    /// <summary>Creates an <see cref="HttpMessageHandler"/> that trusts exactly this server's certificate (or any plain HTTP).</summary>
    /// <returns>A handler for <see cref="HttpClient"/> or an SDK transport.</returns>
    public HttpMessageHandler CreateHandler()
    {
        var pinned = Certificate;
        var handler = new SocketsHttpHandler();
        if (pinned is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && certificate.GetCertHashString(HashAlgorithmName.SHA256) == pinned.GetCertHashString(HashAlgorithmName.SHA256);
        }

        return handler;
    }

    /// <summary>Stops the server.</summary>
    /// <returns>A task that completes when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        Certificate?.Dispose();
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(7));
        // Round-trip through PKCS#12 so that SslStream can use the private key on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), password: null);
    }
}
