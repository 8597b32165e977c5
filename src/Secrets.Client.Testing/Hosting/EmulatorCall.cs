using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Secrets.Client.Testing;

/// <summary>
/// One request to an emulator while it is handled: its body (read once, kept for signature checks), its principal,
/// and answers written in the emulator's content type.
/// </summary>
internal sealed class EmulatorCall
{
    private const int MaxBodyBytes = 2 * 1024 * 1024;
    private readonly EmulatorProtocol _protocol;
    private byte[]? _body;

    public EmulatorCall(HttpContext context, EmulatorProtocol protocol)
    {
        Context = context;
        _protocol = protocol;
        Path = context.Request.Path.Value ?? "/";
        Segments = Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
    }

    public HttpContext Context { get; }

    public HttpRequest Request => Context.Request;

    public string Method => Context.Request.Method;

    public string Path { get; }

    /// <summary>Gets the path's segments, without empty ones.</summary>
    public string[] Segments { get; }

    public EmulatorPrincipal Principal { get; set; } = EmulatorPrincipal.Anonymous;

    public CancellationToken Aborted => Context.RequestAborted;

    public string Query(string name) => Context.Request.Query[name].ToString();

    public string Header(string name) => Context.Request.Headers[name].ToString();

    /// <summary>Reads the whole body once; later calls return the same bytes.</summary>
    public async Task<byte[]> ReadBodyAsync()
    {
        if (_body is null)
        {
            using var stream = new MemoryStream();
            await Context.Request.Body.CopyToAsync(stream, Aborted).ConfigureAwait(false);
            if (stream.Length > MaxBodyBytes)
            {
                throw _protocol.TooLarge();
            }

            _body = stream.ToArray();
        }

        return _body;
    }

    /// <summary>Reads the body as JSON; <see langword="null"/> when it is empty or not JSON.</summary>
    public async Task<JsonDocument?> ReadJsonAsync() => EmulatorJson.TryParse(await ReadBodyAsync().ConfigureAwait(false));

    /// <summary>Reads the body as a JSON object, or throws <paramref name="invalid"/> when it is not one.</summary>
    public async Task<JsonDocument> ReadObjectAsync(Func<EmulatorException> invalid)
    {
        var document = await ReadJsonAsync().ConfigureAwait(false);
        if (document?.RootElement.ValueKind == JsonValueKind.Object)
        {
            return document;
        }

        document?.Dispose();
        throw invalid();
    }

    /// <summary>Answers with a JSON value <paramref name="write"/> writes.</summary>
    public Task JsonAsync(int status, Action<Utf8JsonWriter> write) => SendAsync(status, EmulatorJson.Write(write));

    /// <summary>Answers with a JSON object whose properties <paramref name="write"/> writes.</summary>
    public Task ObjectAsync(int status, Action<Utf8JsonWriter> write) => SendAsync(status, EmulatorJson.WriteObject(write));

    /// <summary>Answers with JSON bytes in the emulator's content type.</summary>
    public async Task SendAsync(int status, byte[] body)
    {
        var response = Context.Response;
        response.StatusCode = status;
        response.ContentType = _protocol.ContentType;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, Aborted).ConfigureAwait(false);
    }

    /// <summary>Answers with a status and no body.</summary>
    public Task EmptyAsync(int status)
    {
        Context.Response.StatusCode = status;
        return Task.CompletedTask;
    }
}
