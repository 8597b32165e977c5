using System.Globalization;
using System.Text;

namespace Secrets.Client.Testing;

/// <summary>
/// Publishes Secret Manager's event notifications to the configured Pub/Sub topics, as the service does for a secret's
/// <c>topics</c>: attributes <c>eventType</c>, <c>dataFormat</c> (<c>JSON_API_V1</c>), <c>secretId</c> (the secret's
/// resource name), <c>versionId</c> (the version's, for version events) and <c>timestamp</c>; data the Secret or
/// SecretVersion resource as the REST API writes it. Never the payload.
/// </summary>
internal sealed class GcpSecretNotifier(GcpSecretManagerEmulatorOptions options)
{
    public void Notify(string eventType, GcpStoredSecret secret, GcpStoredVersion? version)
    {
        if (options.NotificationPubSub is not { } pubsub || options.NotificationTopics.Count == 0)
        {
            return;
        }

        var attributes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["eventType"] = eventType,
            ["dataFormat"] = "JSON_API_V1",
            ["secretId"] = secret.Name,
            ["timestamp"] = GoogleApiProtocolCall.FormatTime(options.TimeProvider.GetUtcNow()),
        };
        if (version is not null)
        {
            attributes["versionId"] = $"{secret.Name}/versions/{version.Number.ToString(CultureInfo.InvariantCulture)}";
        }

        var data = Encoding.UTF8.GetString(EmulatorJson.Write(w =>
        {
            if (version is null)
            {
                GcpSecretManagerWire.WriteSecret(w, secret);
            }
            else
            {
                GcpSecretManagerWire.WriteVersion(w, secret, version);
            }
        }));
        foreach (var topic in options.NotificationTopics)
        {
            try
            {
                pubsub.Publish(topic, data, attributes);
            }
            catch (InvalidOperationException)
            {
                // A topic that does not exist: the service records a publish failure and carries on, so does the emulator.
            }
        }
    }
}
