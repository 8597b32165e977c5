using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Secrets.Client.Adapters.Tests.Transport;

/// <summary>
/// A minimal HTTP/1.1 server on a loopback address that answers every request with one fixed response and records what
/// it received, byte for byte: enough to see whether a client followed a redirect and what it sent.
/// </summary>
internal sealed class RawLoopbackServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Func<RawLoopbackServer, string> _response;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly List<string> _requests = [];
    private readonly Lock _gate = new();

    private RawLoopbackServer(IPAddress address, Func<RawLoopbackServer, string> response)
    {
        _listener = new TcpListener(address, 0);
        _listener.Start();
        _response = response;
        Endpoint = new Uri($"http://{address}:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _loop = AcceptAsync();
    }

    public Uri Endpoint { get; }

    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public static RawLoopbackServer Answering(IPAddress address, Func<RawLoopbackServer, string> response) => new(address, response);

    public static string Redirect(Uri target) =>
        $"HTTP/1.1 307 Temporary Redirect\r\nLocation: {target}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            var stream = client.GetStream();
            var received = new StringBuilder();
            var buffer = new byte[8192];
            while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    break;
                }

                received.Append(Encoding.Latin1.GetString(buffer, 0, read));
            }

            // The body (a login JWT, a signed payload) matters too: read what Content-Length announces.
            var text = received.ToString();
            var headerEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            var length = ContentLength(text);
            while (headerEnd >= 0 && text.Length - (headerEnd + 4) < length)
            {
                var read = await stream.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    break;
                }

                text += Encoding.Latin1.GetString(buffer, 0, read);
            }

            lock (_gate)
            {
                _requests.Add(text);
            }

            await stream.WriteAsync(Encoding.ASCII.GetBytes(_response(this)), _stop.Token);
        }
    }

    private static int ContentLength(string head)
    {
        foreach (var line in head.Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase) && int.TryParse(line[15..].Trim(), out var length))
            {
                return length;
            }
        }

        return 0;
    }
}
