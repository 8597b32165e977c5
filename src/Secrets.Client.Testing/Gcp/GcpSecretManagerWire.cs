using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Secrets.Client.Testing;

/// <summary>
/// Secret Manager's JSON shapes: a secret and a version as the REST API writes them (int64 as strings, RFC 3339
/// times), a page with its <c>nextPageToken</c>, and the request pieces (page token, int64, <c>:verb</c> suffix).
/// </summary>
internal static class GcpSecretManagerWire
{
    internal static byte[] WritePage<T>(List<T> matching, string property, int offset, int pageSize, Action<Utf8JsonWriter, T> writeItem) =>
        EmulatorJson.WriteObject(w =>
        {
            var page = matching.Skip(offset).Take(pageSize).ToList();
            if (page.Count > 0)
            {
                w.WriteStartArray(property);
                page.ForEach(item => writeItem(w, item));
                w.WriteEndArray();
            }

            if (offset + pageSize < matching.Count)
            {
                w.WriteString("nextPageToken", Convert.ToBase64String(Encoding.ASCII.GetBytes("offset:" + (offset + pageSize).ToString(CultureInfo.InvariantCulture))));
            }

            w.WriteNumber("totalSize", matching.Count);
        });

    internal static bool TryDecodeToken(string token, out int offset)
    {
        offset = 0;
        try
        {
            var text = Encoding.ASCII.GetString(Convert.FromBase64String(token));
            return text.StartsWith("offset:", StringComparison.Ordinal)
                && int.TryParse(text.AsSpan("offset:".Length), NumberStyles.None, CultureInfo.InvariantCulture, out offset);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    internal static bool TryReadInt64(JsonElement element, out long value)
    {
        value = 0;
        return element.ValueKind switch
        {
            JsonValueKind.String => long.TryParse(element.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value),
            JsonValueKind.Number => element.TryGetInt64(out value),
            _ => false,
        };
    }

    internal static (string Id, string? Verb) SplitVerb(string segment)
    {
        var colon = segment.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (segment, null) : (segment[..colon], segment[(colon + 1)..]);
    }

    internal static void WriteSecret(Utf8JsonWriter w, GcpStoredSecret secret)
    {
        w.WriteStartObject();
        w.WriteString("name", secret.Name);
        w.WriteStartObject("replication");
        w.WriteStartObject("automatic");
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteString("createTime", GoogleApiProtocolCall.FormatTime(secret.Created));
        if (secret.Labels.Count > 0)
        {
            EmulatorJson.WriteStringMap(w, "labels", secret.Labels);
        }

        if (secret.Annotations.Count > 0)
        {
            EmulatorJson.WriteStringMap(w, "annotations", secret.Annotations);
        }

        w.WriteString("etag", secret.Etag);
        w.WriteEndObject();
    }

    internal static void WriteVersion(Utf8JsonWriter w, GcpStoredSecret secret, GcpStoredVersion version)
    {
        w.WriteStartObject();
        w.WriteString("name", $"{secret.Name}/versions/{version.Number.ToString(CultureInfo.InvariantCulture)}");
        w.WriteString("createTime", GoogleApiProtocolCall.FormatTime(version.Created));
        if (version.Destroyed is { } destroyed)
        {
            w.WriteString("destroyTime", GoogleApiProtocolCall.FormatTime(destroyed));
        }

        w.WriteString("state", version.State);
        w.WriteStartObject("replicationStatus");
        w.WriteStartObject("automatic");
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteString("etag", version.Etag);
        w.WriteBoolean("clientSpecifiedPayloadChecksum", version.ClientSpecifiedChecksum);
        w.WriteEndObject();
    }
}
