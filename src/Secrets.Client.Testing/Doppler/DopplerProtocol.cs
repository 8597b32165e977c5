using System.Security.Cryptography;
using System.Text.Json;

namespace Secrets.Client.Testing;

/// <summary>
/// Answers the Doppler API (v3) for <see cref="DopplerEmulator"/>: its projects, configs and tokens, bearer
/// authentication (a service token scoped to one config, or the personal token), <c>ETag</c>/304 on downloads, and
/// errors shaped <c>{"messages":[".."],"success":false}</c>.
/// </summary>
internal sealed class DopplerProtocol : EmulatorProtocol
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, Dictionary<string, Dictionary<string, string>>> _projects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Project, string Config)> _serviceTokens = new(StringComparer.Ordinal);
    private long _downloads;

    public DopplerProtocol(string personalToken)
        : base(new LoopbackHostOptions()) => PersonalToken = personalToken;

    public string PersonalToken { get; }

    public long Downloads => Interlocked.Read(ref _downloads);

    public override string ContentType => "application/json; charset=utf-8";

    internal static byte[] Messages(string message) => JsonSerializer.SerializeToUtf8Bytes(new { messages = new[] { message }, success = false });

    internal static string ETagOf(byte[] body) => "W/\"" + Convert.ToHexStringLower(SHA256.HashData(body))[..32] + "\"";

    public void Change(Action<Func<string, string, Dictionary<string, string>>> change)
    {
        lock (_sync)
        {
            change(Config);
        }
    }

    public string IssueServiceToken(string project, string config)
    {
        var token = $"dp.st.{config}." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        lock (_sync)
        {
            Config(project, config);
            _serviceTokens[token] = (project, config);
        }

        return token;
    }

    protected override Task<EmulatorPrincipal> AuthenticateAsync(EmulatorCall call)
    {
        var authorization = call.Request.Headers.Authorization.ToString();
        var token = authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization["Bearer ".Length..] : string.Empty;
        lock (_sync)
        {
            if (_serviceTokens.TryGetValue(token, out var scope))
            {
                return Task.FromResult(new EmulatorPrincipal($"service-token:{scope.Project}/{scope.Config}"));
            }
        }

        return token == PersonalToken
            ? Task.FromResult(new EmulatorPrincipal("personal-token"))
            : throw new EmulatorException(401, string.Empty, "Invalid Auth token");
    }

    protected override EmulatorException Throttled(EmulatorCall call) => new(429, string.Empty, "Too many requests");

    protected override EmulatorException ServerError() => new(500, string.Empty, "Internal server error");

    protected override void WriteError(Utf8JsonWriter writer, EmulatorException error)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("messages");
        writer.WriteStringValue(error.Message);
        writer.WriteEndArray();
        writer.WriteBoolean("success", false);
        writer.WriteEndObject();
    }

    protected override async Task RouteAsync(EmulatorCall call)
    {
        var token = call.Request.Headers.Authorization.ToString()["Bearer ".Length..];
        (int Status, byte[] Body, string? ETag) answer;
        lock (_sync)
        {
            (string Project, string Config)? scope = _serviceTokens.TryGetValue(token, out var scoped) ? scoped : null;
            answer = DopplerResponses.Answer(_projects, scope, call.Path, call.Request.Query);
        }

        if (answer.ETag is not null)
        {
            call.Context.Response.Headers.ETag = answer.ETag;
            if (call.Header("If-None-Match") == answer.ETag)
            {
                await call.EmptyAsync(304).ConfigureAwait(false);
                return;
            }

            Interlocked.Increment(ref _downloads);
        }

        await call.SendAsync(answer.Status, answer.Body).ConfigureAwait(false);
    }

    private Dictionary<string, string> Config(string project, string config)
    {
        if (!_projects.TryGetValue(project, out var configs))
        {
            _projects[project] = configs = new(StringComparer.Ordinal);
        }

        if (!configs.TryGetValue(config, out var secrets))
        {
            configs[config] = secrets = new(StringComparer.Ordinal);
        }

        return secrets;
    }
}
