using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Secrets.Client.Testing;

/// <summary>
/// <c>entries:list</c> of the Logging API v2 over the Data Access audit log. The filter understands comparisons joined
/// by <c>AND</c>: <c>logName</c>, <c>resource.type</c>, <c>protoPayload.methodName</c>, <c>protoPayload.serviceName</c>,
/// <c>protoPayload.resourceName</c> (<c>=</c> or <c>:</c> for "contains"), <c>protoPayload.authenticationInfo.principalEmail</c>
/// and <c>timestamp</c> (<c>&gt;=</c>, <c>&gt;</c>, <c>&lt;=</c>, <c>&lt;</c>); anything else is refused with INVALID_ARGUMENT.
/// </summary>
internal sealed partial class CloudLoggingProtocol : GoogleApiProtocol
{
    private const string Service = "secretmanager.googleapis.com";
    private readonly CloudLoggingEmulatorOptions _options;

    public CloudLoggingProtocol(CloudLoggingEmulatorOptions options)
        : base(options, options.ProjectId, allowAnonymous: false, options.AccessToken, serviceAccount: "auditor") => _options = options;

    private string LogName => $"projects/{_options.ProjectId}/logs/cloudaudit.googleapis.com%2Fdata_access";

    protected override Task<EmulatorPrincipal> AuthenticateAsync(EmulatorCall call)
    {
        var principal = AuthenticateBearer(call);
        return principal is null
            ? throw new EmulatorException(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.")
            : Task.FromResult(principal);
    }

    protected override EmulatorException Throttled(EmulatorCall call) => new(429, "RESOURCE_EXHAUSTED", "Quota exceeded.");

    protected override EmulatorException ServerError() => new(500, "INTERNAL", "Internal error.");

    protected override async Task RouteAsync(EmulatorCall call)
    {
        if (call.Method != "POST" || call.Path != "/v2/entries:list")
        {
            throw new EmulatorException(404, "NOT_FOUND", $"The requested URL {call.Path} was not found on this server.");
        }

        Traffic.CountOperation("entries.list");
        using var request = await call.ReadObjectAsync(() => new EmulatorException(400, "INVALID_ARGUMENT", "Invalid JSON payload received.")).ConfigureAwait(false);
        var root = request.RootElement;
        if (!root.TryGetProperty("resourceNames", out var names) || !names.EnumerateArray().Any(n => n.GetString() == "projects/" + _options.ProjectId))
        {
            throw new EmulatorException(400, "INVALID_ARGUMENT", $"resourceNames must include projects/{_options.ProjectId}.");
        }

        var filter = Parse(root.TryGetProperty("filter", out var f) ? f.GetString() ?? string.Empty : string.Empty);
        var descending = root.TryGetProperty("orderBy", out var order) && order.GetString() == "timestamp desc";
        var pageSize = root.TryGetProperty("pageSize", out var size) ? size.GetInt32() : 50;
        var offset = root.TryGetProperty("pageToken", out var token) && token.GetString() is { Length: > 0 } text
            ? int.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(text)), CultureInfo.InvariantCulture)
            : 0;
        var entries = _options.Source.Entries.Where(a => a.Operation.EndsWith("AccessSecretVersion", StringComparison.Ordinal) && filter.All(term => term(a))).ToList();
        if (descending)
        {
            entries.Reverse();
        }

        var page = entries.Skip(offset).Take(Math.Clamp(pageSize, 1, 1000)).ToList();
        await call.ObjectAsync(200, writer =>
        {
            writer.WriteStartArray("entries");
            foreach (var access in page)
            {
                WriteEntry(writer, access);
            }

            writer.WriteEndArray();
            if (offset + page.Count < entries.Count)
            {
                writer.WriteString("nextPageToken", Convert.ToBase64String(Encoding.UTF8.GetBytes((offset + page.Count).ToString(CultureInfo.InvariantCulture))));
            }
        }).ConfigureAwait(false);
    }

    private void WriteEntry(Utf8JsonWriter writer, EmulatorAccess access)
    {
        var time = access.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
        writer.WriteStartObject();
        writer.WriteStartObject("protoPayload");
        writer.WriteString("@type", "type.googleapis.com/google.cloud.audit.AuditLog");
        writer.WriteStartObject("status");
        if (access.ErrorCode is not null)
        {
            writer.WriteString("message", access.ErrorCode);
        }

        writer.WriteEndObject();
        writer.WriteStartObject("authenticationInfo");
        writer.WriteString("principalEmail", access.Principal);
        writer.WriteEndObject();
        writer.WriteStartObject("requestMetadata");
        writer.WriteString("callerIp", access.SourceAddress);
        writer.WriteString("callerSuppliedUserAgent", access.UserAgent);
        writer.WriteEndObject();
        writer.WriteString("serviceName", Service);
        writer.WriteString("methodName", access.Operation);
        writer.WriteStartArray("authorizationInfo");
        writer.WriteStartObject();
        writer.WriteString("resource", access.Resource);
        writer.WriteString("permission", "secretmanager.versions.access");
        writer.WriteBoolean("granted", access.ErrorCode is not ("PERMISSION_DENIED" or "UNAUTHENTICATED"));
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteString("resourceName", access.Resource);
        writer.WriteStartObject("request");
        writer.WriteString("name", access.Resource);
        writer.WriteString("@type", "type.googleapis.com/google.cloud.secretmanager.v1.AccessSecretVersionRequest");
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteString("insertId", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(access.RequestId)).AsSpan(0, 6)));
        writer.WriteStartObject("resource");
        writer.WriteString("type", "audited_resource");
        writer.WriteStartObject("labels");
        writer.WriteString("service", Service);
        writer.WriteString("method", access.Operation);
        writer.WriteString("project_id", _options.ProjectId);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteString("timestamp", time);
        writer.WriteString("severity", access.ErrorCode is null ? "INFO" : "ERROR");
        writer.WriteString("logName", LogName);
        writer.WriteString("receiveTimestamp", time);
        writer.WriteEndObject();
    }

    private List<Func<EmulatorAccess, bool>> Parse(string filter)
    {
        var terms = new List<Func<EmulatorAccess, bool>>();
        foreach (var part in AndSeparator().Split(filter.Trim()).Where(p => p.Length > 0))
        {
            var match = Comparison().Match(part.Trim());
            if (!match.Success)
            {
                throw new EmulatorException(400, "INVALID_ARGUMENT", $"Unsupported filter term: {part}");
            }

            var field = match.Groups["field"].Value;
            var op = match.Groups["op"].Value;
            var value = match.Groups["value"].Value;
            terms.Add(field switch
            {
                "logName" => a => Text(LogName, op, value) || Text(LogName.Replace("%2F", "/", StringComparison.Ordinal), op, value),
                "resource.type" => a => Text("audited_resource", op, value),
                "protoPayload.serviceName" => a => Text(Service, op, value),
                "protoPayload.methodName" => a => Text(a.Operation, op, value),
                "protoPayload.resourceName" => a => Text(a.Resource, op, value),
                "protoPayload.authenticationInfo.principalEmail" => a => Text(a.Principal, op, value),
                "timestamp" => Time(op, value),
                _ => throw new EmulatorException(400, "INVALID_ARGUMENT", $"Unsupported filter field: {field}"),
            });
        }

        return terms;
    }

    private static bool Text(string? actual, string op, string value) => op switch
    {
        "=" => actual == value,
        ":" => actual?.Contains(value, StringComparison.Ordinal) == true,
        "!=" => actual != value,
        _ => throw new EmulatorException(400, "INVALID_ARGUMENT", $"Operator {op} applies to timestamp only."),
    };

    private static Func<EmulatorAccess, bool> Time(string op, string value)
    {
        if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            throw new EmulatorException(400, "INVALID_ARGUMENT", $"Invalid timestamp: {value}");
        }

        return op switch
        {
            ">=" => a => a.Time >= time,
            ">" => a => a.Time > time,
            "<=" => a => a.Time <= time,
            "<" => a => a.Time < time,
            "=" => a => a.Time == time,
            _ => throw new EmulatorException(400, "INVALID_ARGUMENT", $"Operator {op} does not apply to timestamp."),
        };
    }

    [GeneratedRegex(@"\s+AND\s+", RegexOptions.CultureInvariant)]
    private static partial Regex AndSeparator();

    [GeneratedRegex(@"^(?<field>[A-Za-z_.]+)\s*(?<op>>=|<=|!=|=|:|>|<)\s*""(?<value>[^""]*)""$", RegexOptions.CultureInvariant)]
    private static partial Regex Comparison();
}
