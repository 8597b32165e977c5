using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Secrets.Client.Testing;

/// <summary>Builds the Doppler API's JSON answers from the emulator's state; called under the emulator's lock.</summary>
internal static class DopplerResponses
{
    public static (int Status, byte[] Body, string? ETag) Answer(Dictionary<string, Dictionary<string, Dictionary<string, string>>> projects, (string Project, string Config)? scope, string path, IQueryCollection query)
    {
        if (path == "/v3/me")
        {
            return Ok(w => { w.WriteString("type", scope is null ? "personal" : "service_token"); w.WriteString("name", "emulator"); });
        }

        if (path == "/v3/projects")
        {
            if (scope is not null)
            {
                return (403, DopplerProtocol.Messages("This token does not have access to requested resource"), null);
            }

            var (page, perPage) = Paging(query);
            var slice = projects.Keys.Order(StringComparer.Ordinal).Skip((page - 1) * perPage).Take(perPage).ToList();
            return Ok(w =>
            {
                w.WriteNumber("page", page);
                w.WriteStartArray("projects");
                foreach (var name in slice)
                {
                    w.WriteStartObject();
                    w.WriteString("id", name);
                    w.WriteString("slug", name);
                    w.WriteString("name", name);
                    w.WriteString("description", string.Empty);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            });
        }

        var project = query["project"].ToString() is { Length: > 0 } p ? p : scope?.Project;
        if (path == "/v3/configs")
        {
            if (project is null || !projects.TryGetValue(project, out var all) || (scope is not null && scope.Value.Project != project))
            {
                return (404, DopplerProtocol.Messages("Could not find requested project"), null);
            }

            var (page, perPage) = Paging(query);
            var names = all.Keys.Where(c => scope is null || c == scope.Value.Config).Order(StringComparer.Ordinal).Skip((page - 1) * perPage).Take(perPage).ToList();
            return Ok(w =>
            {
                w.WriteNumber("page", page);
                w.WriteStartArray("configs");
                foreach (var name in names)
                {
                    WriteConfig(w, project, name);
                }

                w.WriteEndArray();
            });
        }

        var configName = query["config"].ToString() is { Length: > 0 } c ? c : scope?.Config;
        if (project is null || configName is null)
        {
            return (400, DopplerProtocol.Messages("You must specify a project and config"), null);
        }

        if (scope is not null && (scope.Value.Project != project || scope.Value.Config != configName))
        {
            return (403, DopplerProtocol.Messages("This token does not have access to requested config"), null);
        }

        if (!projects.TryGetValue(project, out var configs) || !configs.TryGetValue(configName, out var secrets))
        {
            return (404, DopplerProtocol.Messages($"Could not find requested config '{configName}'"), null);
        }

        var environment = configName.Split('_')[0];
        var computed = new SortedDictionary<string, string>(secrets, StringComparer.Ordinal)
        {
            ["DOPPLER_PROJECT"] = project,
            ["DOPPLER_CONFIG"] = configName,
            ["DOPPLER_ENVIRONMENT"] = environment,
        };
        switch (path)
        {
            case "/v3/configs/config":
                return Ok(w => { w.WritePropertyName("config"); WriteConfig(w, project, configName); });
            case "/v3/configs/config/secrets/download":
                if (query["format"].ToString() is { Length: > 0 } format && format != "json")
                {
                    return (400, DopplerProtocol.Messages("The emulator serves format=json only"), null);
                }

                var body = JsonSerializer.SerializeToUtf8Bytes(computed);
                return (200, body, DopplerProtocol.ETagOf(body));
            case "/v3/configs/config/secrets":
                return Ok(w =>
                {
                    w.WriteStartObject("secrets");
                    foreach (var (name, value) in computed)
                    {
                        w.WriteStartObject(name);
                        w.WriteString("raw", value);
                        w.WriteString("computed", value);
                        w.WriteString("note", string.Empty);
                        w.WriteEndObject();
                    }

                    w.WriteEndObject();
                });
            case "/v3/configs/config/secret":
                var secretName = query["name"].ToString();
                if (!computed.TryGetValue(secretName, out var secret))
                {
                    return (404, DopplerProtocol.Messages($"Could not find requested secret '{secretName}'"), null);
                }

                return Ok(w =>
                {
                    w.WriteString("name", secretName);
                    w.WriteStartObject("value");
                    w.WriteString("raw", secret);
                    w.WriteString("computed", secret);
                    w.WriteString("note", string.Empty);
                    w.WriteEndObject();
                });
            default:
                return (404, DopplerProtocol.Messages("Not found"), null);
        }
    }

    private static (int Page, int PerPage) Paging(IQueryCollection query)
    {
        var page = int.TryParse(query["page"], NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p > 0 ? p : 1;
        var perPage = int.TryParse(query["per_page"], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? Math.Min(n, 100) : 20;
        return (page, perPage);
    }

    private static void WriteConfig(Utf8JsonWriter w, string project, string name)
    {
        w.WriteStartObject();
        w.WriteString("name", name);
        w.WriteString("project", project);
        w.WriteString("environment", name.Split('_')[0]);
        w.WriteBoolean("root", !name.Contains('_', StringComparison.Ordinal));
        w.WriteBoolean("locked", false);
        w.WriteEndObject();
    }

    private static (int, byte[], string?) Ok(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteBoolean("success", true);
            writer.WriteEndObject();
        }

        return (200, stream.ToArray(), null);
    }
}
