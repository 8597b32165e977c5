namespace Secrets.Client.Testing;

/// <summary>One emulated secret version. <see cref="State"/> is <c>ENABLED</c>, <c>DISABLED</c> or <c>DESTROYED</c>.</summary>
internal sealed class GcpStoredVersion
{
    public GcpStoredVersion(long number, byte[] data, DateTimeOffset created)
    {
        Number = number;
        Data = data;
        Created = created;
    }

    public long Number { get; }

    public byte[] Data { get; set; }

    public DateTimeOffset Created { get; }

    public DateTimeOffset? Destroyed { get; set; }

    /// <summary>Gets or sets a value indicating whether the client sent <c>dataCrc32c</c> when it added the version.</summary>
    public bool ClientSpecifiedChecksum { get; set; }

    public string State { get; set; } = GcpSecretVersionStates.Enabled;

    public string Etag => $"\"{Created.UtcTicks:x}{State.Length:x}\"";
}
