using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Secrets.Client.Cli;

/// <summary>
/// Writes a command's result as text for people or JSON for scripts (<c>--json</c>), and progress to stderr. Nothing
/// written here ever holds a value: only <c>get --reveal</c> writes one, directly.
/// </summary>
internal sealed class CliOutput
{
    private readonly CliContext _context;

    public CliOutput(CliContext context, bool json)
    {
        _context = context;
        Json = json;
    }

    public bool Json { get; }

    public static string Time(DateTimeOffset? time) => time?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "-";

    /// <summary>Writes one JSON document built by <paramref name="write"/> to stdout.</summary>
    public void WriteJson(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            write(json);
        }

        _context.Output.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    public void Line(string text) => _context.Output.WriteLine(text);

    /// <summary>Progress and notes for people, on stderr so that stdout stays parseable.</summary>
    public void Progress(string text) => _context.Error.WriteLine(text);

    public static void WriteProperties(Utf8JsonWriter json, SecretProperties properties, int? size)
    {
        json.WriteString("provider", properties.Provider);
        json.WriteString("name", properties.Name);
        json.WriteString("version", properties.Version);
        json.WriteStartArray("stages");
        foreach (var stage in properties.Stages)
        {
            json.WriteStringValue(stage);
        }

        json.WriteEndArray();
        WriteTime(json, "created", properties.CreatedOn);
        WriteTime(json, "updated", properties.UpdatedOn);
        WriteTime(json, "expires", properties.ExpiresOn);
        if (size is not null)
        {
            json.WriteNumber("size", size.Value);
        }
    }

    public static void WriteTime(Utf8JsonWriter json, string name, DateTimeOffset? time)
    {
        if (time is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, time.Value.ToUniversalTime());
        }
    }

    public void WritePropertiesText(SecretProperties properties, int? size)
    {
        Line($"provider  {properties.Provider}");
        Line($"name      {properties.Name}");
        Line($"version   {properties.Version ?? "-"}");
        Line($"stages    {(properties.Stages.Count == 0 ? "-" : string.Join(", ", properties.Stages))}");
        Line($"created   {Time(properties.CreatedOn)}");
        Line($"updated   {Time(properties.UpdatedOn)}");
        Line($"expires   {Time(properties.ExpiresOn)}");
        if (size is not null)
        {
            Line($"size      {size.Value.ToString(CultureInfo.InvariantCulture)} bytes");
        }
    }
}
