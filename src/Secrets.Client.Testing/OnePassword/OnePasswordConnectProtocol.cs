using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using static Secrets.Client.Testing.OnePasswordConnectEmulator;

namespace Secrets.Client.Testing;

/// <summary>
/// Answers the 1Password Connect REST API for <see cref="OnePasswordConnectEmulator"/>: its vaults and items, bearer
/// authentication with the one token (the unauthenticated <c>/heartbeat</c> aside), GET only, and errors shaped
/// <c>{"status":..,"message":".."}</c>.
/// </summary>
internal sealed class OnePasswordConnectProtocol : EmulatorProtocol
{
    private const string Heartbeat = "/heartbeat";
    private readonly byte[] _token;

    public OnePasswordConnectProtocol(string token)
        : base(new LoopbackHostOptions())
    {
        Token = token;
        _token = Encoding.UTF8.GetBytes(token);
    }

    public string Token { get; }

    public Lock Sync { get; } = new();

    public List<VaultState> Vaults { get; } = [];

    public override string ContentType => "application/json";

    protected override Task<EmulatorPrincipal> AuthenticateAsync(EmulatorCall call)
    {
        // The heartbeat needs no token, but injected faults still reach it: Connect's clients probe it first.
        if (call.Path == Heartbeat)
        {
            return Task.FromResult(EmulatorPrincipal.Anonymous);
        }

        var authorization = call.Request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.Ordinal)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(authorization["Bearer ".Length..]), _token)
            ? Task.FromResult(new EmulatorPrincipal("connect-token"))
            : throw new EmulatorException(401, string.Empty, "Invalid token signature");
    }

    protected override EmulatorException Throttled(EmulatorCall call) => new(429, string.Empty, "Too many requests");

    protected override EmulatorException ServerError() => new(500, string.Empty, "Internal server error");

    protected override void WriteError(Utf8JsonWriter writer, EmulatorException error)
    {
        writer.WriteStartObject();
        writer.WriteNumber("status", error.Status);
        writer.WriteString("message", error.Message);
        writer.WriteEndObject();
    }

    protected override async Task RouteAsync(EmulatorCall call)
    {
        if (call.Path == Heartbeat)
        {
            await call.Context.Response.WriteAsync(".", call.Aborted).ConfigureAwait(false);
            return;
        }

        if (!HttpMethods.IsGet(call.Method))
        {
            throw new EmulatorException(405, string.Empty, "Method not allowed");
        }

        var segments = call.Path.Trim('/').Split('/');
        if (segments.Length < 2 || segments[0] != "v1" || segments[1] != "vaults")
        {
            throw new EmulatorException(404, string.Empty, "Not found");
        }

        byte[] body;
        int status;
        lock (Sync)
        {
            (status, body) = OnePasswordConnectResponses.Answer(Vaults, segments[2..], call.Query("filter"));
        }

        var response = call.Context.Response;
        response.StatusCode = status;
        response.ContentType = status == 200 && segments[^1] == "content" ? "application/octet-stream" : ContentType;
        await response.Body.WriteAsync(body, call.Aborted).ConfigureAwait(false);
    }
}
