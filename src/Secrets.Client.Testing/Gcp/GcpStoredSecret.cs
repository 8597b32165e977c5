namespace Secrets.Client.Testing;

/// <summary>One emulated secret: its labels and versions, oldest first (version <c>n</c> is at index <c>n - 1</c>).</summary>
internal sealed class GcpStoredSecret
{
    public GcpStoredSecret(string name, DateTimeOffset created, Dictionary<string, string> labels)
    {
        Name = name;
        Created = created;
        Labels = labels;
    }

    public string Name { get; }

    public DateTimeOffset Created { get; }

    public Dictionary<string, string> Labels { get; }

    public Dictionary<string, string> Annotations { get; set; } = new(StringComparer.Ordinal);

    public List<GcpStoredVersion> Versions { get; } = [];

    /// <summary>Gets or sets how many times the secret's metadata changed; part of the etag.</summary>
    public int Revision { get; set; }

    public string Etag => $"\"{Created.UtcTicks:x}{Revision:x}\"";

    /// <summary>Resolves <c>latest</c> (the most recently created version, whatever its state, as the service documents) or a number.</summary>
    public GcpStoredVersion? Find(string version)
    {
        if (version == "latest")
        {
            return Versions.Count == 0 ? null : Versions[^1];
        }

        return long.TryParse(version, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) && number >= 1 && number <= Versions.Count
            ? Versions[(int)(number - 1)]
            : null;
    }
}
