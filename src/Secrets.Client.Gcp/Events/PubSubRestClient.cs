using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Google.Apis.Auth.OAuth2;

namespace Secrets.Client.Gcp;

/// <summary>
/// The few Pub/Sub v1 REST calls a listener needs (create and delete a subscription, unary pull, acknowledge), with a
/// bearer token from Google.Apis.Auth before each request (none for an emulator named by <c>PUBSUB_EMULATOR_HOST</c>).
/// </summary>
internal sealed class PubSubRestClient : IDisposable
{
    private const string Scope = "https://www.googleapis.com/auth/pubsub";
    private static readonly Uri DefaultEndpoint = new("https://pubsub.googleapis.com/");
    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly Func<CancellationToken, ValueTask<string>>? _tokens;

    public PubSubRestClient(GcpSecretChangeListenerOptions options)
    {
        var emulatorHost = options.Endpoint is null ? Environment.GetEnvironmentVariable(GcpSecretChangeListenerOptions.EmulatorHostVariable) : null;
        _endpoint = options.Endpoint is { } configured
            ? new Uri(configured.ToString().TrimEnd('/') + "/")
            : string.IsNullOrWhiteSpace(emulatorHost) ? DefaultEndpoint : new Uri("http://" + emulatorHost.Trim() + "/");
        if (_endpoint.Scheme != Uri.UriSchemeHttps && !_endpoint.IsLoopback)
        {
            throw new ArgumentException($"Pub/Sub's endpoint must be https (plain http only for a loopback emulator); got '{_endpoint}'.", nameof(options));
        }

        _tokens = options.AccessTokenProvider
            ?? (options.Credential is { } credential ? ct => new ValueTask<string>(((ITokenAccess)(credential.IsCreateScopedRequired ? credential.CreateScoped(Scope) : credential)).GetAccessTokenForRequestAsync(null, ct))
            : !string.IsNullOrWhiteSpace(emulatorHost) && options.Endpoint is null ? null
            : new ApplicationDefaultTokenSource(Scope).GetTokenAsync);
        _http = new HttpClient(options.HttpHandler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }, disposeHandler: options.HttpHandler is null)
        {
            Timeout = Timeout.InfiniteTimeSpan, // each call carries its own deadline
        };
    }

    public async Task CreateSubscriptionAsync(string subscription, string topic, int ackDeadlineSeconds, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var body = Json(w =>
        {
            w.WriteString("topic", topic);
            w.WriteNumber("ackDeadlineSeconds", ackDeadlineSeconds);
            w.WriteStartObject("expirationPolicy");
            w.WriteString("ttl", ((long)ttl.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s");
            w.WriteEndObject();
            w.WriteString("messageRetentionDuration", "600s"); // the minimum: a rotation older than that is the safety net's
            w.WriteStartObject("labels");
            w.WriteString("created-by", "secrets-client");
            w.WriteEndObject();
        });
        using var response = await SendAsync(HttpMethod.Put, "v1/" + subscription, body, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            return; // ours from before a restart with the same instance id: reuse it
        }

        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteSubscriptionAsync(string subscription, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Delete, "v1/" + subscription, null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<List<PulledMessage>> PullAsync(string subscription, int maxMessages, CancellationToken cancellationToken)
    {
        var body = Json(w => w.WriteNumber("maxMessages", maxMessages));
        using var response = await SendAsync(HttpMethod.Post, "v1/" + subscription + ":pull", body, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            var messages = new List<PulledMessage>();
            if (document.RootElement.TryGetProperty("receivedMessages", out var received) && received.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in received.EnumerateArray())
                {
                    var ackId = item.TryGetProperty("ackId", out var id) ? id.GetString() : null;
                    if (ackId is null)
                    {
                        continue;
                    }

                    var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
                    DateTimeOffset? published = null;
                    if (item.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object)
                    {
                        if (message.TryGetProperty("attributes", out var map) && map.ValueKind == JsonValueKind.Object)
                        {
                            foreach (var pair in map.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String))
                            {
                                attributes[pair.Name] = pair.Value.GetString()!;
                            }
                        }

                        if (message.TryGetProperty("publishTime", out var time) && time.ValueKind == JsonValueKind.String && time.TryGetDateTimeOffset(out var at))
                        {
                            published = at;
                        }
                    }

                    messages.Add(new PulledMessage(ackId, attributes, published));
                }
            }

            return messages;
        }
    }

    public async Task AcknowledgeAsync(string subscription, IEnumerable<string> ackIds, CancellationToken cancellationToken)
    {
        var body = Json(w =>
        {
            w.WriteStartArray("ackIds");
            foreach (var id in ackIds)
            {
                w.WriteStringValue(id);
            }

            w.WriteEndArray();
        });
        using var response = await SendAsync(HttpMethod.Post, "v1/" + subscription + ":acknowledge", body, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _http.Dispose();

    private static byte[] Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        string? status = null;
        try
        {
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
            status = document.RootElement.TryGetProperty("error", out var error) && error.TryGetProperty("status", out var s) ? s.GetString() : null;
        }
        catch (JsonException)
        {
            // Not Google's error shape (a proxy's page): the status code says enough.
        }

        throw new PubSubRequestException((int)response.StatusCode, status);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, byte[]? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(_endpoint, path));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = Encoding.UTF8.WebName };
        }

        if (_tokens is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await _tokens(cancellationToken).ConfigureAwait(false));
        }

        return await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>A pulled message: its ack id, attributes and publish time (the data is not needed).</summary>
internal sealed record PulledMessage(string AckId, IReadOnlyDictionary<string, string> Attributes, DateTimeOffset? PublishTime);
