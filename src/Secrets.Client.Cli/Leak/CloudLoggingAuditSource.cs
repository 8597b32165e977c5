using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Google.Apis.Auth.OAuth2;

namespace Secrets.Client.Cli;

/// <summary>
/// GCP Cloud Audit Logs, Data Access entries for <c>AccessSecretVersion</c>, through the Logging API's
/// <c>POST v2/entries:list</c> (filter on the log, method, resource and time; <c>pageToken</c> paging). Principal is
/// <c>protoPayload.authenticationInfo.principalEmail</c>, host <c>protoPayload.requestMetadata.callerIp</c>, version the
/// last segment of <c>protoPayload.resourceName</c> as the caller asked for it (<c>latest</c> is not resolved by the log).
/// Authenticates with an access token from <c>AccessTokenVariable</c> when set, else Application Default Credentials.
/// </summary>
internal sealed class CloudLoggingAuditSource : IAuditSource
{
    private const string Method = "google.cloud.secretmanager.v1.SecretManagerService.AccessSecretVersion";
    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly string _project;
    private readonly string? _token;

    public CloudLoggingAuditSource(HttpClient http, Uri endpoint, string project, string? token)
    {
        _http = http;
        _endpoint = endpoint;
        _project = project;
        _token = token;
    }

    public string Name => "gcp-cloud-audit-logs";

    public async Task<IReadOnlyList<AuditRead>> ReadAsync(LeakTarget target, CancellationToken cancellationToken)
    {
        var token = _token ?? await ApplicationDefaultTokenAsync(cancellationToken).ConfigureAwait(false);
        var secret = target.SecretName.Contains("/secrets/", StringComparison.Ordinal) ? target.SecretName[(target.SecretName.IndexOf("/secrets/", StringComparison.Ordinal) + 1)..] : "secrets/" + target.SecretName;
        var filter = $"logName=\"projects/{_project}/logs/cloudaudit.googleapis.com%2Fdata_access\" AND protoPayload.methodName=\"{Method}\" AND protoPayload.resourceName:\"{secret}/versions/\""
            + $" AND timestamp>=\"{target.Since.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'}\" AND timestamp<=\"{target.Until.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'}\"";
        var reads = new List<AuditRead>();
        string? pageToken = null;
        do
        {
            using var body = new MemoryStream();
            using (var json = new Utf8JsonWriter(body))
            {
                json.WriteStartObject();
                json.WriteStartArray("resourceNames");
                json.WriteStringValue("projects/" + _project);
                json.WriteEndArray();
                json.WriteString("filter", filter);
                json.WriteString("orderBy", "timestamp asc");
                json.WriteNumber("pageSize", 500);
                if (pageToken is not null)
                {
                    json.WriteString("pageToken", pageToken);
                }

                json.WriteEndObject();
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_endpoint, "v2/entries:list")) { Content = new ByteArrayContent(body.ToArray()) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"Cloud Logging entries:list failed: {(int)response.StatusCode}.", null, response.StatusCode);
            }

            using var page = JsonDocument.Parse(Encoding.UTF8.GetBytes(text));
            if (page.RootElement.TryGetProperty("entries", out var entries))
            {
                foreach (var entry in entries.EnumerateArray())
                {
                    if (Read(entry, target) is { } read)
                    {
                        reads.Add(read);
                    }
                }
            }

            pageToken = page.RootElement.TryGetProperty("nextPageToken", out var next) && next.GetString() is { Length: > 0 } value ? value : null;
        }
        while (pageToken is not null);
        return reads;
    }

    private AuditRead? Read(JsonElement entry, LeakTarget target)
    {
        if (!entry.TryGetProperty("protoPayload", out var payload)
            || !entry.TryGetProperty("timestamp", out var timestamp) || !DateTimeOffset.TryParse(timestamp.GetString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var time)
            || !target.InWindow(time)
            || payload.TryGetProperty("status", out var status) && status.TryGetProperty("code", out var code) && code.GetInt32() != 0)
        {
            return null;
        }

        var resource = payload.TryGetProperty("resourceName", out var name) ? name.GetString() ?? string.Empty : string.Empty;
        var parts = resource.Split('/');
        if (parts.Length != 6 || parts[2] != "secrets" || !target.Names(parts[3]) && !target.Names(string.Join('/', parts[..4])))
        {
            return null;
        }

        var principal = payload.TryGetProperty("authenticationInfo", out var authentication) && authentication.TryGetProperty("principalEmail", out var email) ? email.GetString() : null;
        var ip = payload.TryGetProperty("requestMetadata", out var metadata) && metadata.TryGetProperty("callerIp", out var caller) ? caller.GetString() : null;
        return new AuditRead(Name, time, principal, ip, parts[5] == "latest" ? "latest (as asked)" : parts[5], "AccessSecretVersion");
    }

    private static async Task<string> ApplicationDefaultTokenAsync(CancellationToken cancellationToken)
    {
        var credential = (await GoogleCredential.GetApplicationDefaultAsync(cancellationToken).ConfigureAwait(false))
            .CreateScoped("https://www.googleapis.com/auth/logging.read");
        return await ((ITokenAccess)credential).GetAccessTokenForRequestAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
