using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Secrets.Client.Testing;

/// <summary>
/// The file audit device: a <c>request</c> and a <c>response</c> line per call in Vault's audit format, with tokens,
/// accessors and every string value HMAC-SHA256'd under the device's own key (numbers and booleans stay plain, as in
/// Vault); and <c>POST sys/audit-hash/{device}</c>, which hashes an input with that key so a reader can match values.
/// </summary>
internal sealed partial class VaultProtocol
{
    private readonly byte[] _auditKey = RandomNumberGenerator.GetBytes(32);
    private readonly Lock _auditGate = new();

    protected override async Task OnAnsweredAsync(EmulatorCall call, string? errorCode)
    {
        await base.OnAnsweredAsync(call, errorCode).ConfigureAwait(false);
        if (_options.AuditLogPath is not { } path || call.Context.Items[typeof(AuditCapture)] is not AuditCapture capture)
        {
            return;
        }

        // Vault writes the audit entries before it answers (and refuses to answer when it cannot log): the body held
        // back by the capture goes out only after the lines are on disk.
        var token = call.Context.Items[typeof(VaultEmulatedToken)] as VaultEmulatedToken;
        if (token is null && errorCode is null)
        {
            await capture.ReleaseAsync(call.Aborted).ConfigureAwait(false);
            return;
        }

        var requestData = await RequestDataAsync(call).ConfigureAwait(false);
        var time = Now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture); // RFC 3339 with sub-second digits, as Vault writes
        var id = Guid.NewGuid().ToString();
        var request = Encoding.UTF8.GetString(EmulatorJson.WriteObject(w => WriteEntry(w, "request", time, id, call, token, requestData, response: null, errorCode)));
        var response = Encoding.UTF8.GetString(EmulatorJson.WriteObject(w => WriteEntry(w, "response", time, id, call, token, requestData, capture.Body(), errorCode)));
        lock (_auditGate)
        {
            File.AppendAllText(path, request + "\n" + response + "\n");
        }

        await capture.ReleaseAsync(call.Aborted).ConfigureAwait(false);
    }

    private void StartAuditCapture(EmulatorCall call)
    {
        if (_options.AuditLogPath is not null)
        {
            var capture = new AuditCapture(call.Context.Response.Body);
            call.Context.Response.Body = capture;
            call.Context.Items[typeof(AuditCapture)] = capture;
        }
    }

    private async Task<bool> RouteAuditHashAsync(EmulatorCall call, string[] segments, string method)
    {
        if (segments.Length < 3 || segments[0] != "sys" || segments[1] != "audit-hash" || method is not ("POST" or "PUT"))
        {
            return false;
        }

        if (_options.AuditLogPath is null || string.Join('/', segments[2..]) != _options.AuditDevicePath.Trim('/'))
        {
            throw Error(400, $"unknown audit backend {string.Join('/', segments[2..])}");
        }

        using var body = await call.ReadObjectAsync(() => Error(400, "failed to parse JSON input")).ConfigureAwait(false);
        var input = body.RootElement.TryGetProperty("input", out var value) ? value.GetString() : null;
        if (input is null)
        {
            throw Error(400, "the \"input\" parameter is required");
        }

        var hash = Hash(input);
        await call.ObjectAsync(200, w =>
        {
            w.WriteString("hash", hash);
            w.WriteStartObject("data");
            w.WriteString("hash", hash);
            w.WriteEndObject();
        }).ConfigureAwait(false);
        return true;
    }

    private string Hash(string value) => "hmac-sha256:" + Convert.ToHexStringLower(HMACSHA256.HashData(_auditKey, Encoding.UTF8.GetBytes(value)));

    private static async Task<JsonDocument?> RequestDataAsync(EmulatorCall call)
    {
        if (call.Method is "GET" or "LIST" or "DELETE" or "HEAD")
        {
            var query = call.Request.Query.Where(q => q.Key != "list").ToList();
            return query.Count == 0 ? null : JsonDocument.Parse(EmulatorJson.WriteObject(w =>
            {
                foreach (var (key, values) in query)
                {
                    w.WriteString(key, values.ToString());
                }
            }));
        }

        return await call.ReadJsonAsync().ConfigureAwait(false);
    }

    private void WriteEntry(Utf8JsonWriter w, string type, string time, string id, EmulatorCall call, VaultEmulatedToken? token, JsonDocument? requestData, byte[]? response, string? errorCode)
    {
        var apiPath = ApiPath(call);
        w.WriteString("time", time);
        w.WriteString("type", type);
        if (token is not null)
        {
            w.WriteStartObject("auth");
            w.WriteString("client_token", Hash(token.Token));
            w.WriteString("accessor", Hash(token.Accessor));
            w.WriteString("display_name", token.DisplayName ?? token.Method);
            w.WriteStartArray("policies");
            foreach (var policy in token.Policies ?? [token.Method == RootPolicy ? RootPolicy : DefaultPolicy])
            {
                w.WriteStringValue(policy);
            }

            w.WriteEndArray();
            w.WriteString("token_type", "service");
            w.WriteEndObject();
        }

        w.WriteStartObject("request");
        w.WriteString("id", id);
        w.WriteString("operation", call.Method switch { "GET" or "HEAD" => call.Query("list") is "true" or "1" ? "list" : "read", "LIST" => "list", "DELETE" => "delete", "PATCH" => "patch", _ => "update" });
        if (token is not null)
        {
            w.WriteString("client_token", Hash(token.Token));
            w.WriteString("client_token_accessor", Hash(token.Accessor));
        }

        w.WriteStartObject("namespace");
        w.WriteString("id", "root");
        w.WriteEndObject();
        w.WriteString("path", apiPath);
        if (requestData is not null && requestData.RootElement.ValueKind == JsonValueKind.Object)
        {
            w.WritePropertyName("data");
            WriteHashed(w, requestData.RootElement);
        }

        w.WriteString("remote_address", call.Context.Connection.RemoteIpAddress?.ToString());
        w.WriteEndObject();
        if (type == "response")
        {
            w.WriteStartObject("response");
            if (response is { Length: > 0 } && errorCode is null)
            {
                using var body = JsonDocument.Parse(response);
                if (body.RootElement.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object)
                {
                    w.WritePropertyName("data");
                    WriteHashed(w, data);
                }
            }

            w.WriteEndObject();
        }

        if (errorCode is not null)
        {
            w.WriteString("error", errorCode);
        }
    }

    private void WriteHashed(Utf8JsonWriter w, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                w.WriteStartObject();
                foreach (var property in element.EnumerateObject())
                {
                    w.WritePropertyName(property.Name);
                    WriteHashed(w, property.Value);
                }

                w.WriteEndObject();
                break;
            case JsonValueKind.Array:
                w.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteHashed(w, item);
                }

                w.WriteEndArray();
                break;
            case JsonValueKind.String:
                w.WriteStringValue(Hash(element.GetString()!));
                break;
            default:
                element.WriteTo(w);
                break;
        }
    }

    /// <summary>Holds the response body back until the audit entries are written, and keeps it for the response entry.</summary>
    private sealed class AuditCapture : Stream
    {
        private readonly Stream _inner;
        private readonly MemoryStream _copy = new();

        public AuditCapture(Stream inner) => _inner = inner;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public byte[] Body() => _copy.ToArray();

        public async Task ReleaseAsync(CancellationToken cancellationToken)
        {
            await _inner.WriteAsync(_copy.GetBuffer().AsMemory(0, (int)_copy.Length), cancellationToken).ConfigureAwait(false);
            _copy.SetLength(0);
        }

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => _copy.Write(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _copy.Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}
