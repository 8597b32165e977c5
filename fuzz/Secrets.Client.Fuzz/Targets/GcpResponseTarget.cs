using System.Net;
using Secrets.Client.Gcp;

namespace Secrets.Client.Fuzz.Targets;

/// <summary>
/// Secret Manager's <c>:access</c> and list answers, read by the real provider from a handler that answers 200 with the
/// input: only a malformed-response error may come out (<see cref="SecretFormatException"/>, a
/// <see cref="SecretStoreException"/> with <c>ErrorCode</c> <c>MalformedResponse</c>, or
/// <see cref="SecretIntegrityException"/> for a CRC32C mismatch), never a retryable or untyped one.
/// </summary>
internal sealed class GcpResponseTarget : FuzzTarget, IDisposable
{
    private static readonly SecretReference Reference = new("gcp-sm", "fuzz-project/fuzz-secret");
    private readonly AnswerHandler _handler = new();
    private readonly GcpSecretManagerSecretProvider _provider;

    public GcpResponseTarget()
    {
        _provider = new GcpSecretManagerSecretProvider(new GcpSecretManagerSecretProviderOptions
        {
            Endpoint = new Uri("https://gcp.fuzz.invalid/"),
            AccessTokenProvider = static _ => ValueTask.FromResult("fuzz-token"),
            HttpHandler = _handler,
            Environment = "Development",
        });
    }

    public override string Name => "gcp-response";

    public override string TypedError => "SecretFormatException, SecretIntegrityException, SecretStoreException{ErrorCode=MalformedResponse}";

    public override IReadOnlyList<byte[]> Seeds { get; } =
    [
        Utf8("{\"name\":\"projects/1/secrets/fuzz-secret/versions/3\",\"payload\":{\"data\":\"c2VjcmV0\",\"dataCrc32c\":\"2355910307\"}}"),
        Utf8("{\"name\":\"projects/1/secrets/s/versions/1\",\"payload\":{\"data\":\"c2Vj\\u0063mV0\",\"dataCrc32c\":1}}"),
        Utf8("{\"secrets\":[{\"name\":\"projects/1/secrets/fuzz-a\",\"createTime\":\"2026-01-01T00:00:00Z\",\"labels\":{\"environment\":\"development\",\"n\":1}}],\"nextPageToken\":\"\\ud800\"}"),
        Utf8("{\"secrets\":[{\"labels\":{}},5,{\"name\":\"\\udc00\"}]}"),
    ];

    public override IReadOnlyList<byte[]> Dictionary { get; } =
    [
        .. Tokens("{", "}", "[", "]", ":", ",", "\"", "\\ud800", "\\u0041", "null", "1e999", "\"name\"", "\"payload\"", "\"data\"",
            "\"dataCrc32c\"", "\"secrets\"", "\"labels\"", "\"createTime\"", "\"nextPageToken\"", "projects/1/secrets/fuzz-x/versions/", "c2VjcmV0", "=="),
        [0xC3, 0x28], [0xFF],
    ];

    public override void Run(ReadOnlySpan<byte> input)
    {
        var answer = input.ToArray();

        // The handler answers synchronously, so these complete inline; a harness entry point cannot be async.
        _handler.Answer = answer;
        Typed(() => _provider.GetSecretAsync(Reference).AsTask().GetAwaiter().GetResult().Dispose());
        _handler.Answer = answer;
        Typed(() => ListAsync().GetAwaiter().GetResult());
    }

    public void Dispose() => _provider.DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task ListAsync()
    {
        await foreach (var _ in _provider.ListSecretsAsync("fuzz-project/fuzz-").ConfigureAwait(false))
        {
        }
    }

    private static void Typed(Action read)
    {
        try
        {
            read();
        }
        catch (SecretStoreException ex) when (ex is SecretFormatException or SecretIntegrityException || ex.ErrorCode == "MalformedResponse")
        {
        }
    }

    /// <summary>Answers the first request with the input and any later one (a next page) with an empty object.</summary>
    private sealed class AnswerHandler : HttpMessageHandler
    {
        private byte[]? _answer;

        public byte[] Answer
        {
            set => _answer = value;
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = Interlocked.Exchange(ref _answer, null) ?? "{}"u8.ToArray();
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body), RequestMessage = request });
        }
    }
}
