using System.Globalization;

namespace Secrets.Client.Gcp;

/// <summary>
/// Reads a Secret Manager Pub/Sub notification's attributes (<c>eventType</c>, <c>secretId</c>
/// <c>projects/P/secrets/S</c>, <c>versionId</c>, <c>timestamp</c>) into a <see cref="SecretChangeNotification"/> named
/// <c>P/S</c> with every spelling a reference may use as aliases. The data (a Secret or SecretVersion resource, never a
/// payload) is not needed. Events that change no value (SECRET_ROTATE asks a rotator to act; TOPIC_CONFIGURED is a
/// test message) are ignored.
/// </summary>
internal static class GcpNotificationParser
{
    private static readonly HashSet<string> ChangingEvents = new(StringComparer.Ordinal)
    {
        "SECRET_CREATE", "SECRET_UPDATE", "SECRET_DELETE", "SECRET_VERSION_ADD", "SECRET_VERSION_ENABLE", "SECRET_VERSION_DISABLE",
        "SECRET_VERSION_DESTROY", "SECRET_VERSION_DESTROY_SCHEDULED",
    };

    public static (SecretChangeNotification? Notification, string? IgnoredReason) Parse(IReadOnlyDictionary<string, string> attributes, DateTimeOffset? publishTime, GcpSecretChangeListenerOptions options, string source)
    {
        if (!attributes.TryGetValue("eventType", out var eventType) || eventType.Length == 0)
        {
            return (null, "malformed");
        }

        if (!ChangingEvents.Contains(eventType))
        {
            return (null, "event-type");
        }

        if (!attributes.TryGetValue("secretId", out var secretId))
        {
            return (null, "malformed");
        }

        var parts = secretId.Split('/');
        if (parts.Length != 4 || parts[0] != "projects" || parts[2] != "secrets" || parts[1].Length == 0 || parts[3].Length == 0)
        {
            return (null, "malformed");
        }

        var (project, secret) = (parts[1], parts[3]);
        var projects = new List<string> { project };
        if (options.ProjectId is { } id && options.ProjectNumber is { } number)
        {
            if (project == number)
            {
                projects.Add(id);
            }
            else if (project == id)
            {
                projects.Add(number);
            }
        }

        var aliases = new List<string>();
        foreach (var spelling in projects)
        {
            aliases.Add($"{spelling}/{secret}");
            aliases.Add($"projects/{spelling}/secrets/{secret}");
        }

        if (options.MatchReferencesWithoutProject)
        {
            aliases.Add(secret);
        }

        string? version = null;
        if (eventType == "SECRET_VERSION_ADD" && attributes.TryGetValue("versionId", out var versionId))
        {
            var slash = versionId.LastIndexOf('/');
            version = slash >= 0 && versionId.AsSpan(0, slash).SequenceEqual($"{secretId}/versions") ? versionId[(slash + 1)..] : null;
        }

        var name = $"{project}/{secret}";
        var time = attributes.TryGetValue("timestamp", out var stamp) && DateTimeOffset.TryParse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at) ? at : publishTime;
        return (new SecretChangeNotification(options.ProviderName, name)
        {
            Aliases = [.. aliases.Where(a => a != name).Distinct(StringComparer.Ordinal)],
            Version = version,
            EventType = eventType,
            EventTime = time,
            Source = source,
        }, null);
    }
}
