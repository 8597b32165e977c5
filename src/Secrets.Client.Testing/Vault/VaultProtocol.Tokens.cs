using System.Globalization;
using System.Text.Json;

namespace Secrets.Client.Testing;

/// <summary>Vault's logins (Kubernetes, AppRole) and token routes: <c>auth/token/create</c>, lookup, renew and revoke of the caller's own token.</summary>
internal sealed partial class VaultProtocol
{
    private async Task<bool> RouteTokenAsync(EmulatorCall call, string path, string method, VaultEmulatedToken token)
    {
        switch (path, method)
        {
            case ("auth/token/renew-self", "POST" or "PUT"):
                lock (_state.Sync)
                {
                    if (!token.Renewable || token.ExpiresAt is null)
                    {
                        // Vault refuses to renew a token without a lease, such as the root token.
                        throw Error(400, "lease is not renewable");
                    }

                    var now = _state.Now;
                    var extended = now + _options.TokenTtl;
                    token.IssuedAt = now;
                    token.ExpiresAt = token.MaxExpiresAt is { } max && extended > max ? max : extended;
                }

                Traffic.CountOperation(HashiCorpVaultEmulatorCounters.RenewalOperation);
                await AuthAsync(call, token).ConfigureAwait(false);
                return true;
            case ("auth/token/lookup-self", "GET"):
                await LookupAsync(call, token).ConfigureAwait(false);
                return true;
            case ("auth/token/revoke-self", "POST" or "PUT"):
                lock (_state.Sync)
                {
                    token.Revoked = true;
                }

                await call.EmptyAsync(204).ConfigureAwait(false);
                return true;
            case ("auth/token/create", "POST" or "PUT"):
                await CreateTokenAsync(call, token).ConfigureAwait(false);
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// <c>auth/token/create</c>: a child token with the given policies (a subset of the parent's unless the parent is
    /// root), or the parent's own when none are given; <c>default</c> is added unless <c>no_default_policy</c>.
    /// </summary>
    private async Task CreateTokenAsync(EmulatorCall call, VaultEmulatedToken parent)
    {
        using var body = await call.ReadJsonAsync().ConfigureAwait(false);
        var root = body?.RootElement ?? default;
        var requested = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("policies", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(p => p.GetString() ?? string.Empty).Where(p => p.Length > 0).ToList()
            : null;
        var parentIsRoot = parent.Method == RootPolicy || parent.Policies?.Contains(RootPolicy) == true;
        var parentPolicies = parent.Policies ?? (parentIsRoot ? [RootPolicy] : [DefaultPolicy]);
        if (requested is not null && !parentIsRoot && requested.Any(p => p != DefaultPolicy && !parentPolicies.Contains(p)))
        {
            throw Error(400, "child policies must be subset of parent");
        }

        var noDefault = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("no_default_policy", out var flag) && flag.ValueKind == JsonValueKind.True;
        var policies = (requested ?? [.. parentPolicies]).Where(p => p != DefaultPolicy).ToList();
        if (!noDefault && !policies.Contains(RootPolicy))
        {
            policies.Add(DefaultPolicy);
        }

        var ttl = ReadDuration(root, "ttl") ?? _options.TokenTtl;
        VaultEmulatedToken token;
        lock (_state.Sync)
        {
            token = _state.Issue("token", ttl, _options.TokenMaxTtl, policies.Order(StringComparer.Ordinal).ToList(), EmulatorJson.OptionalString(root, "display_name"));
        }

        await AuthAsync(call, token).ConfigureAwait(false);
    }

    private static TimeSpan? ReadDuration(JsonElement root, string name)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        var text = value.GetString() ?? string.Empty;
        var unit = text.Length > 0 && char.IsAsciiLetter(text[^1]) ? text[^1] : 's';
        var number = char.IsAsciiLetter(text.LastOrDefault()) ? text[..^1] : text;
        if (!long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount <= 0)
        {
            throw Error(400, $"invalid duration \"{text}\" for {name}");
        }

        return unit switch
        {
            's' => TimeSpan.FromSeconds(amount),
            'm' => TimeSpan.FromMinutes(amount),
            'h' => TimeSpan.FromHours(amount),
            'd' => TimeSpan.FromDays(amount),
            _ => throw Error(400, $"invalid duration \"{text}\" for {name}"),
        };
    }

    private async Task LoginAsync(EmulatorCall call, string mount)
    {
        using var body = await call.ReadJsonAsync().ConfigureAwait(false) ?? throw Error(400, "failed to parse JSON input");
        string? Field(string name) => EmulatorJson.OptionalString(body.RootElement, name);

        string method;
        if (string.Equals(mount, _options.KubernetesAuthMount, StringComparison.Ordinal))
        {
            method = "kubernetes";
            var role = Field("role");
            if (string.IsNullOrEmpty(role) || Field("jwt") is not { Length: > 0 } jwt)
            {
                throw Error(400, "missing role or jwt");
            }

            if (!string.Equals(role, _options.KubernetesRole, StringComparison.Ordinal))
            {
                throw Error(400, $"invalid role name \"{role}\"");
            }

            var principal = Authenticate(new EmulatorCredential(EmulatorCredential.KubernetesJwtKind, jwt), c =>
                string.Equals(c.Value, _kubernetesJwt, StringComparison.Ordinal) ? new EmulatorPrincipal("system:serviceaccount:default:" + role) : null);
            if (principal is null)
            {
                throw Denied();
            }

            Traffic.SeePrincipal(principal);
        }
        else if (string.Equals(mount, _options.AppRoleAuthMount, StringComparison.Ordinal))
        {
            method = "approle";
            if (string.IsNullOrEmpty(Field("role_id")))
            {
                throw Error(400, "missing role_id");
            }

            if (!string.Equals(Field("role_id"), _roleId, StringComparison.Ordinal) || !string.Equals(Field("secret_id"), _secretId, StringComparison.Ordinal))
            {
                throw Error(400, "invalid role or secret ID");
            }
        }
        else
        {
            throw Error(404, $"no handler for route \"auth/{mount}/login\". route entry not found.");
        }

        VaultEmulatedToken token;
        lock (_state.Sync)
        {
            token = _state.Issue(method, _options.TokenTtl, _options.TokenMaxTtl, _options.LoginPolicies.Count == 0 ? null : [.. _options.LoginPolicies, DefaultPolicy]);
        }

        Traffic.CountOperation(HashiCorpVaultEmulatorCounters.LoginOperation);
        await AuthAsync(call, token).ConfigureAwait(false);
    }

    private async Task LookupAsync(EmulatorCall call, VaultEmulatedToken token)
    {
        long ttl;
        lock (_state.Sync)
        {
            ttl = token.ExpiresAt is { } expires ? (long)(expires - _state.Now).TotalSeconds : 0;
        }

        await call.ObjectAsync(200, w =>
        {
            w.WriteStartObject("data");
            w.WriteString("accessor", token.Accessor);
            w.WriteNumber("ttl", ttl);
            w.WriteBoolean("renewable", token.Renewable && token.ExpiresAt is not null);
            w.WriteString("path", token.Method switch { "root" => "auth/token/root", "token" => "auth/token/create", _ => $"auth/{token.Method}/login" });
            EmulatorJson.WriteStringArray(w, "policies", PoliciesOf(token));
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static IReadOnlyList<string> PoliciesOf(VaultEmulatedToken token) =>
        token.Policies ?? (token.Method == RootPolicy ? [RootPolicy] : [DefaultPolicy]);

    private async Task AuthAsync(EmulatorCall call, VaultEmulatedToken token)
    {
        long lease;
        lock (_state.Sync)
        {
            lease = token.ExpiresAt is { } expires ? (long)Math.Max(0, (expires - _state.Now).TotalSeconds) : 0;
        }

        var policies = PoliciesOf(token);
        await call.ObjectAsync(200, w =>
        {
            w.WriteString("request_id", Guid.NewGuid().ToString());
            w.WriteString("lease_id", string.Empty);
            w.WriteBoolean("renewable", false);
            w.WriteNumber("lease_duration", 0);
            w.WriteNull("data");
            w.WriteStartObject("auth");
            w.WriteString("client_token", token.Token);
            w.WriteString("accessor", token.Accessor);
            EmulatorJson.WriteStringArray(w, "policies", policies);
            EmulatorJson.WriteStringArray(w, "token_policies", policies);
            w.WriteNumber("lease_duration", lease);
            w.WriteBoolean("renewable", token.Renewable);
            w.WriteString("entity_id", string.Empty);
            w.WriteString("token_type", "service");
            w.WriteBoolean("orphan", token.Method != "token");
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }
}
