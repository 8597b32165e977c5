namespace Secrets.Client.Testing;

/// <summary>Vault's ACL policy routes: <c>sys/policy</c> (the older shape node-vault uses) and <c>sys/policies/acl</c>.</summary>
internal sealed partial class VaultProtocol
{
    private async Task<bool> RoutePolicyAsync(EmulatorCall call, string[] segments, string method, bool isList)
    {
        var legacy = segments is ["sys", "policy", ..];
        var acl = segments is ["sys", "policies", "acl", ..];
        if (!legacy && !acl)
        {
            return false;
        }

        var nameIndex = legacy ? 2 : 3;
        if (segments.Length == nameIndex)
        {
            if (!(legacy ? method == "GET" : isList))
            {
                throw Error(405, "unsupported operation");
            }

            List<string> names;
            lock (_state.Sync)
            {
                names = [.. _state.Policies.Keys.Append(DefaultPolicy).Append(RootPolicy).Distinct().Order(StringComparer.Ordinal)];
            }

            await call.ObjectAsync(200, w =>
            {
                if (legacy)
                {
                    EmulatorJson.WriteStringArray(w, "policies", names);
                }

                w.WriteStartObject("data");
                EmulatorJson.WriteStringArray(w, legacy ? "policies" : "keys", names);
                w.WriteEndObject();
            }).ConfigureAwait(false);
            return true;
        }

        var name = Uri.UnescapeDataString(string.Join('/', segments[nameIndex..])).ToLowerInvariant();
        switch (method)
        {
            case "GET":
                VaultPolicy? policy;
                lock (_state.Sync)
                {
                    policy = _state.Policies.GetValueOrDefault(name);
                }

                if (policy is null)
                {
                    throw Error(404, string.Empty);
                }

                await call.ObjectAsync(200, w =>
                {
                    if (legacy)
                    {
                        w.WriteString("name", policy.Name);
                        w.WriteString("rules", policy.Text);
                    }

                    w.WriteStartObject("data");
                    w.WriteString("name", policy.Name);
                    w.WriteString(legacy ? "rules" : "policy", policy.Text);
                    w.WriteEndObject();
                }).ConfigureAwait(false);
                return true;
            case "POST" or "PUT":
                using (var body = await call.ReadJsonAsync().ConfigureAwait(false))
                {
                    var root = body?.RootElement ?? default;
                    var text = EmulatorJson.OptionalString(root, "policy") ?? EmulatorJson.OptionalString(root, "rules")
                        ?? throw Error(400, "'policy' parameter not supplied or empty");
                    WritePolicy(name, text);
                }

                await call.EmptyAsync(204).ConfigureAwait(false);
                return true;
            case "DELETE":
                if (name == RootPolicy || name == DefaultPolicy)
                {
                    throw Error(400, $"cannot delete \"{name}\" policy");
                }

                lock (_state.Sync)
                {
                    _state.Policies.Remove(name);
                }

                await call.EmptyAsync(204).ConfigureAwait(false);
                return true;
            default:
                throw Error(405, "unsupported operation");
        }
    }

    /// <summary>Parses and stores a policy; the emulator's seeding API and the HTTP routes share it.</summary>
    public void WritePolicy(string name, string text)
    {
        if (name == RootPolicy)
        {
            throw Error(400, "cannot update \"root\" policy");
        }

        var policy = VaultPolicy.TryParse(name, text, out var error) ?? throw Error(400, error!);
        lock (_state.Sync)
        {
            _state.Policies[name] = policy;
        }
    }
}
