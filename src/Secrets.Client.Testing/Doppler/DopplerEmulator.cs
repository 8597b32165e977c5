using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Secrets.Client.Testing;

/// <summary>
/// An in-process Doppler API (v3) on <c>http://127.0.0.1</c>, speaking what the official SDKs and the Doppler CLI use:
/// <c>GET /v3/configs/config/secrets/download</c> (JSON, with an <c>ETag</c> and 304 for <c>If-None-Match</c>),
/// <c>/v3/configs/config/secrets</c>, <c>/v3/configs/config/secret</c>, <c>/v3/configs/config</c>, and the paged
/// <c>/v3/projects</c> and <c>/v3/configs</c> (<c>page</c>, <c>per_page</c>); bearer tokens: service tokens scoped to one
/// config (project and config then optional) and one personal token that sees everything; errors shaped
/// <c>{"messages":[".."],"success":false}</c>; fault knobs. Point the SDK or CLI's API host at <see cref="Address"/>.
/// </summary>
public sealed class DopplerEmulator : IAsyncDisposable
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, Dictionary<string, Dictionary<string, string>>> _projects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Project, string Config)> _serviceTokens = new(StringComparer.Ordinal);
    private LoopbackServer? _server;
    private long _downloads;

    private DopplerEmulator(string personalToken) => PersonalToken = personalToken;

    /// <summary>Gets the address (the API host).</summary>
    public Uri Address => _server!.Endpoint;

    /// <summary>Gets the personal token, which may read every project and config.</summary>
    public string PersonalToken { get; }

    /// <summary>Gets the fault knobs.</summary>
    public EmulatorFaults Faults { get; } = new();

    /// <summary>Gets how many full downloads (200, not 304) the emulator has served.</summary>
    public long DownloadCount => Interlocked.Read(ref _downloads);

    /// <summary>Starts an emulator.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator.</returns>
    public static async Task<DopplerEmulator> StartAsync(CancellationToken cancellationToken = default)
    {
        var emulator = new DopplerEmulator("dp.pt." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20)));
        emulator._server = await LoopbackServer.StartAsync(emulator.HandleAsync, cancellationToken: cancellationToken).ConfigureAwait(false);
        return emulator;
    }

    /// <summary>Sets a secret in a config, creating the project and config as needed.</summary>
    /// <param name="project">The project.</param>
    /// <param name="config">The config (for example <c>dev</c>).</param>
    /// <param name="name">The secret's name.</param>
    /// <param name="value">The value.</param>
    public void SetSecret(string project, string config, string name, string value)
    {
        lock (_sync)
        {
            Config(project, config)[name] = value;
        }
    }

    /// <summary>Deletes a secret.</summary>
    /// <param name="project">The project.</param>
    /// <param name="config">The config.</param>
    /// <param name="name">The secret's name.</param>
    /// <returns>Whether it existed.</returns>
    public bool DeleteSecret(string project, string config, string name)
    {
        lock (_sync)
        {
            return Config(project, config).Remove(name);
        }
    }

    /// <summary>Creates an (empty) config.</summary>
    /// <param name="project">The project.</param>
    /// <param name="config">The config.</param>
    public void AddConfig(string project, string config)
    {
        lock (_sync)
        {
            Config(project, config);
        }
    }

    /// <summary>Issues a service token that reads one config.</summary>
    /// <param name="project">The project.</param>
    /// <param name="config">The config.</param>
    /// <returns>The token (<c>dp.st.</c>...).</returns>
    public string CreateServiceToken(string project, string config)
    {
        var token = $"dp.st.{config}." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        lock (_sync)
        {
            Config(project, config);
            _serviceTokens[token] = (project, config);
        }

        return token;
    }

    /// <summary>Stops the emulator.</summary>
    /// <returns>A task that completes when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
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

    private async Task HandleAsync(HttpContext context)
    {
        await Faults.DelayAsync(cancellationToken: context.RequestAborted).ConfigureAwait(false);
        switch (Faults.Next())
        {
            case EmulatorFault.DropConnection:
                context.Abort();
                return;
            case EmulatorFault.Throttle:
                await WriteAsync(context, 429, Messages("Too many requests")).ConfigureAwait(false);
                return;
            case EmulatorFault.ServerError:
                await WriteAsync(context, 500, Messages("Internal server error")).ConfigureAwait(false);
                return;
        }

        var authorization = context.Request.Headers.Authorization.ToString();
        var token = authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization["Bearer ".Length..] : string.Empty;
        (int Status, byte[] Body, string? ETag) answer;
        lock (_sync)
        {
            (string Project, string Config)? scope = _serviceTokens.TryGetValue(token, out var scoped) ? scoped : null;
            answer = scope is null && token != PersonalToken
                ? (401, Messages("Invalid Auth token"), null)
                : DopplerResponses.Answer(_projects, scope, context.Request.Path.Value ?? "/", context.Request.Query);
        }

        if (answer.ETag is not null)
        {
            if (context.Request.Headers.IfNoneMatch.ToString() == answer.ETag)
            {
                context.Response.StatusCode = 304;
                context.Response.Headers.ETag = answer.ETag;
                return;
            }

            Interlocked.Increment(ref _downloads);
            context.Response.Headers.ETag = answer.ETag;
        }

        await WriteAsync(context, answer.Status, answer.Body).ConfigureAwait(false);
    }

    internal static byte[] Messages(string message) => JsonSerializer.SerializeToUtf8Bytes(new { messages = new[] { message }, success = false });

    private static Task WriteAsync(HttpContext context, int status, byte[] body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    internal static string ETagOf(byte[] body) => "W/\"" + Convert.ToHexStringLower(SHA256.HashData(body))[..32] + "\"";

}
