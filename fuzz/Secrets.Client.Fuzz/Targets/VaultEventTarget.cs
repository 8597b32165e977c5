using Secrets.Client.Vault;

namespace Secrets.Client.Fuzz.Targets;

/// <summary>
/// Messages of Vault's event websocket (<c>VaultKvEventReader.Read</c>): only <see cref="FormatException"/> may come out,
/// and a secret path is always <c>mount/path</c> without empty, <c>.</c> or <c>..</c> segments.
/// </summary>
internal sealed class VaultEventTarget : FuzzTarget
{
    public override string Name => "vault-event";

    public override string TypedError => nameof(FormatException);

    public override IReadOnlyList<byte[]> Seeds { get; } =
    [
        Utf8("""{"id":"a","source":"vault://x","specversion":"1.0","type":"*","data":{"event":{"id":"a","metadata":{"current_version":"3","data_path":"secret/data/app/db","modified":"true","oldest_version":"0","operation":"data-write","path":"secret/data/app/db"}},"event_type":"kv-v2/data-write","plugin_info":{"mount_class":"secret","mount_accessor":"kv_1","mount_path":"secret/","plugin":"kv"}},"datacontentype":"application/cloudevents","time":"2026-12-02T15:19:49.394915-07:00"}"""),
        Utf8("""{"data":{"event":{"metadata":{"path":"destroy/a/../b","modified":"true"}},"event_type":"kv-v2/destroy","plugin_info":{"mount_path":"/"}}}"""),
        Utf8("""{"data":{"event_type":"database/rotate","event":{"metadata":{}}}}"""),
    ];

    public override IReadOnlyList<byte[]> Dictionary { get; } =
    [
        .. Tokens("{", "}", "[", "]", ":", ",", "\"", "\\ud800", "null", "true", "\"data\"", "\"event\"", "\"metadata\"", "\"path\"", "\"event_type\"",
            "\"kv-v2/data-write\"", "\"plugin_info\"", "\"mount_path\"", "\"current_version\"", "\"modified\"", "\"false\"", "/", "..", "\"time\""),
        [0xC3, 0x28], [0xFF],
    ];

    public override void Run(ReadOnlySpan<byte> input)
    {
        try
        {
            var kvEvent = VaultKvEventReader.Read(input);
            if (kvEvent.SecretPath is { } path && (!path.Contains('/', StringComparison.Ordinal) || path.Split('/').Skip(1).Any(s => s is "" or "." or "..")))
            {
                throw new FuzzPropertyException("a secret path with an empty, '.' or '..' segment");
            }
        }
        catch (FormatException)
        {
        }
    }
}
