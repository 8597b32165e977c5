using System.Globalization;
using System.Text.Json;

namespace Secrets.Client.Cli;

/// <summary>
/// Azure Key Vault <c>AuditEvent</c> diagnostic logs exported as JSON (to a storage account or by hand): files of
/// <c>{"records":[...]}</c> or JSON lines, each record with <c>time</c>, <c>operationName</c> (<c>SecretGet</c>),
/// <c>callerIpAddress</c>, <c>identity.claim</c> and <c>properties.requestUri</c> (which holds the version read).
/// </summary>
internal sealed class AzureAuditEventSource : IAuditSource
{
    private static readonly string[] Reads = ["SecretGet"];
    private readonly string _path;

    public AzureAuditEventSource(string path) => _path = path;

    public string Name => "azure-auditevent";

    public Task<IReadOnlyList<AuditRead>> ReadAsync(LeakTarget target, CancellationToken cancellationToken)
    {
        var reads = new List<AuditRead>();
        var files = Directory.Exists(_path) ? Directory.EnumerateFiles(_path, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal) : (IEnumerable<string>)[_path];
        foreach (var file in files)
        {
            foreach (var record in Records(File.ReadAllText(file)))
            {
                if (Read(record, target) is { } read)
                {
                    reads.Add(read);
                }
            }
        }

        return Task.FromResult<IReadOnlyList<AuditRead>>(reads);
    }

    private static IEnumerable<JsonElement> Records(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("records", out var records))
            {
                return [.. records.EnumerateArray().Select(r => r.Clone())];
            }

            return root.ValueKind == JsonValueKind.Array ? [.. root.EnumerateArray().Select(r => r.Clone())] : [root.Clone()];
        }
        catch (JsonException)
        {
            // JSON lines: one record per line (how Azure writes blobs under insights-logs-auditevent).
            return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(line =>
            {
                using var document = JsonDocument.Parse(line);
                return document.RootElement.Clone();
            })];
        }
    }

    private AuditRead? Read(JsonElement record, LeakTarget target)
    {
        if (!record.TryGetProperty("operationName", out var operation) || !Reads.Contains(operation.GetString())
            || !record.TryGetProperty("time", out var timeText)
            || !DateTimeOffset.TryParse(timeText.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            || !target.InWindow(time)
            || !record.TryGetProperty("properties", out var properties)
            || !properties.TryGetProperty("requestUri", out var uriText)
            || !Uri.TryCreate(uriText.GetString(), UriKind.Absolute, out var uri))
        {
            return null;
        }

        // https://{vault}.vault.azure.net/secrets/{name}/{version}?api-version=...
        var segments = uri.AbsolutePath.Trim('/').Split('/');
        if (segments.Length < 2 || segments[0] != "secrets" || !target.Names(Uri.UnescapeDataString(segments[1])) && !target.Names(uri.GetLeftPart(UriPartial.Path)))
        {
            return null;
        }

        var version = segments.Length > 2 && segments[2].Length > 0 ? segments[2] : null;
        var ip = record.TryGetProperty("callerIpAddress", out var caller) ? caller.GetString() : null;
        return new AuditRead(Name, time, Principal(record), ip, version, operation.GetString()!);
    }

    private static string? Principal(JsonElement record)
    {
        if (!record.TryGetProperty("identity", out var identity) || !identity.TryGetProperty("claim", out var claim))
        {
            return null;
        }

        foreach (var name in new[] { "upn", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn", "appid", "http://schemas.microsoft.com/identity/claims/objectidentifier", "oid" })
        {
            if (claim.TryGetProperty(name, out var value) && value.GetString() is { Length: > 0 } text)
            {
                return text;
            }
        }

        return null;
    }
}
