using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Secrets.Client.Testing;

/// <summary>
/// Answers Vault's HTTP API the way Vault does: <c>X-Vault-Token</c>, <c>{"errors": [...]}</c> bodies, ACL policies
/// (403 <c>permission denied</c>), <c>LIST</c> (or <c>GET ?list=true</c>), 503 when sealed. The routes live in the
/// partial files beside this one: tokens and logins, policies, and KV v2.
/// </summary>
internal sealed partial class VaultProtocol : EmulatorProtocol
{
    private const string RootPolicy = "root";
    private const string DefaultPolicy = "default";
    private readonly VaultEmulatorState _state;
    private readonly HashiCorpVaultEmulatorOptions _options;
    private readonly string _kubernetesJwt;
    private readonly string _roleId;
    private readonly string _secretId;

    public VaultProtocol(VaultEmulatorState state, HashiCorpVaultEmulatorOptions options, string kubernetesJwt, string roleId, string secretId)
        : base(options)
    {
        _state = state;
        _options = options;
        _kubernetesJwt = kubernetesJwt;
        _roleId = roleId;
        _secretId = secretId;
        Counters = new HashiCorpVaultEmulatorCounters(Traffic);
    }

    public HashiCorpVaultEmulatorCounters Counters { get; }

    public override string ContentType => "application/json";

    /// <summary>Gets the API path after <c>/v1/</c>.</summary>
    private static string ApiPath(EmulatorCall call) => call.Path.TrimStart('/')[3..];

    private static EmulatorException Error(int status, string message) => new(status, string.Empty, message);

    private static EmulatorException PermissionDenied() => Error(403, "permission denied");

    protected override void OnRequestStarted(EmulatorCall call)
    {
        call.Context.Response.Headers.CacheControl = "no-store";
        if (call.Header("X-Vault-Namespace") is { Length: > 0 } ns)
        {
            Counters.SeeNamespace(ns);
        }

        StartAuditCapture(call);
    }

    protected override async Task<bool> AnswerUnguardedAsync(EmulatorCall call)
    {
        if (!call.Path.TrimStart('/').StartsWith("v1/", StringComparison.Ordinal))
        {
            throw Error(404, "no handler for route");
        }

        bool sealedNow;
        lock (_state.Sync)
        {
            sealedNow = _state.Sealed;
        }

        if (ApiPath(call) == "sys/health")
        {
            await call.ObjectAsync(sealedNow ? 503 : 200, w =>
            {
                w.WriteBoolean("initialized", true);
                w.WriteBoolean("sealed", sealedNow);
                w.WriteBoolean("standby", false);
                w.WriteString("version", "1.17.0-emulator");
            }).ConfigureAwait(false);
            return true;
        }

        return sealedNow ? throw Error(503, "Vault is sealed") : false;
    }

    protected override Task<EmulatorPrincipal> AuthenticateAsync(EmulatorCall call)
    {
        var path = ApiPath(call);
        var segments = path.Split('/');
        if (segments.Length == 3 && segments[0] == "auth" && segments[2] == "login" && call.Method is "POST" or "PUT")
        {
            return Task.FromResult(EmulatorPrincipal.Anonymous);
        }

        var token = FindToken(call) ?? throw Denied();
        if (!IsAllowed(call, token, path))
        {
            throw Denied();
        }

        call.Context.Items[typeof(VaultEmulatedToken)] = token;
        return Task.FromResult(new EmulatorPrincipal(token.DisplayName ?? $"{token.Method}:{token.Accessor}"));
    }

    protected override EmulatorException Throttled(EmulatorCall call) => Error(429, $"request path \"{ApiPath(call)}\": rate limit quota exceeded");

    protected override EmulatorException ServerError() => Error(500, "internal error");

    protected override void WriteError(Utf8JsonWriter writer, EmulatorException error)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("errors");
        if (error.Message.Length > 0)
        {
            writer.WriteStringValue(error.Message);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    protected override async Task RouteAsync(EmulatorCall call)
    {
        var path = ApiPath(call);
        var method = call.Method.ToUpperInvariant();
        var isList = method == "LIST" || (method == "GET" && call.Query("list") is "true" or "1");
        var segments = path.Split('/');
        if (segments is ["auth", var mount, "login"])
        {
            await LoginAsync(call, mount).ConfigureAwait(false);
            return;
        }

        if (segments is ["sys", "events", "subscribe", ..] && segments.Length > 3)
        {
            await SubscribeAsync(call, string.Join('/', segments[3..])).ConfigureAwait(false);
            return;
        }

        var token = (VaultEmulatedToken)call.Context.Items[typeof(VaultEmulatedToken)]!;
        if (segments[0] == "auth" && await RouteTokenAsync(call, path, method, token).ConfigureAwait(false))
        {
            return;
        }

        if (segments[0] == "sys" && await RouteAuditHashAsync(call, segments, method).ConfigureAwait(false))
        {
            return;
        }

        if (segments[0] == "sys" && await RoutePolicyAsync(call, segments, method, isList).ConfigureAwait(false))
        {
            return;
        }

        await RouteKvAsync(call, path, method, isList).ConfigureAwait(false);
    }

    private EmulatorException Denied()
    {
        Traffic.CountOperation(HashiCorpVaultEmulatorCounters.PermissionDeniedOperation);
        return PermissionDenied();
    }

    private VaultEmulatedToken? FindToken(EmulatorCall call)
    {
        var presented = call.Header("X-Vault-Token");
        var authorization = call.Request.Headers.Authorization.ToString();
        if (presented.Length == 0 && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            presented = authorization["Bearer ".Length..].Trim();
        }

        if (presented.Length == 0)
        {
            return null;
        }

        lock (_state.Sync)
        {
            if (_state.Tokens.TryGetValue(presented, out var token))
            {
                return token.Revoked || (token.ExpiresAt is { } expires && _state.Now >= expires) ? null : token;
            }
        }

        // A token Vault did not issue itself: only an authenticator (for example one backed by an identity emulator) may accept it.
        return _options.Authenticator?.Invoke(new EmulatorCredential(EmulatorCredential.VaultTokenKind, presented)) is { } principal
            ? new VaultEmulatedToken { Token = presented, Accessor = principal.Name, Method = "external", DisplayName = principal.Name }
            : null;
    }

    /// <summary>Applies the token's policies (or, for unrestricted login tokens, <see cref="HashiCorpVaultEmulatorOptions.DeniedPaths"/>).</summary>
    private bool IsAllowed(EmulatorCall call, VaultEmulatedToken token, string path)
    {
        if (token.Method == RootPolicy)
        {
            return true;
        }

        if (token.Policies is not { } names)
        {
            return !_options.DeniedPaths.Any(denied => path.StartsWith(denied, StringComparison.Ordinal));
        }

        if (names.Contains(RootPolicy))
        {
            return true;
        }

        // The built-in default policy lets a token look itself up, renew and revoke itself.
        if (names.Contains(DefaultPolicy) && path is "auth/token/lookup-self" or "auth/token/renew-self" or "auth/token/revoke-self")
        {
            return true;
        }

        lock (_state.Sync)
        {
            var policies = names.Select(n => _state.Policies.GetValueOrDefault(n)).OfType<VaultPolicy>().ToList();
            return VaultPolicy.Allows(policies, path, RequiredCapability(call, path));
        }
    }

    private string RequiredCapability(EmulatorCall call, string path)
    {
        var method = call.Method.ToUpperInvariant();
        if (method == "LIST" || (method == "GET" && call.Query("list") is "true" or "1"))
        {
            return "list";
        }

        return method switch
        {
            "GET" or "HEAD" => "read",
            "DELETE" => "delete",
            "PATCH" => "patch",
            _ => Exists(path) ? "update" : "create",
        };
    }

    /// <summary>Whether a write to a KV path updates an existing secret (Vault's <c>update</c>) or creates one (<c>create</c>).</summary>
    private bool Exists(string path)
    {
        var parts = path.Split('/', 3);
        lock (_state.Sync)
        {
            return parts.Length == 3 && _state.Mounts.TryGetValue(parts[0], out var secrets) && secrets.ContainsKey(Uri.UnescapeDataString(parts[2]));
        }
    }
}
