using System.Text.Json;
using Secrets.Client.Vault;

namespace Secrets.Client.Fuzz.Targets;

/// <summary>
/// Vault's answer readers (<c>VaultJson</c>): only <see cref="JsonException"/> may come out, which the adapter maps to
/// its malformed-response error; the error-body reader never throws.
/// </summary>
internal sealed class VaultResponseTarget : FuzzTarget
{
    public override string Name => "vault-response";

    public override string TypedError => nameof(JsonException);

    public override IReadOnlyList<byte[]> Seeds { get; } =
    [
        Utf8("{\"request_id\":\"r\",\"data\":{\"data\":{\"password\":\"p\",\"n\":[1,{\"x\":null}]},\"metadata\":{\"version\":3,\"created_time\":\"2026-01-01T00:00:00Z\",\"deletion_time\":\"\",\"destroyed\":false,\"custom_metadata\":{\"environment\":\"production\"}}}}"),
        Utf8("{\"data\":{\"version\":99999999999,\"created_time\":\"\\ud800\"}}"),
        Utf8("{\"errors\":[\"permission denied\",\"\\udc00\",5]}"),
        Utf8("{\"data\":{\"data\":null,\"metadata\":{\"version\":\"1\",\"custom_metadata\":{\"k\":1,\"\\ud800\":\"v\"}}}}"),
    ];

    public override IReadOnlyList<byte[]> Dictionary { get; } =
    [
        .. Tokens("{", "}", "[", "]", ":", ",", "\"", "\\ud800", "\\u0041", "null", "true", "1e999", "99999999999", "-1",
            "\"data\"", "\"metadata\"", "\"version\"", "\"created_time\"", "\"deletion_time\"", "\"destroyed\"", "\"custom_metadata\"", "\"errors\""),
        [0xC3, 0x28], [0xFF],
    ];

    public override void Run(ReadOnlySpan<byte> input)
    {
        try
        {
            var (data, _) = VaultJson.ReadKvData(input);
            if (data is { } range)
            {
                _ = input[range];
            }
        }
        catch (JsonException)
        {
        }

        try
        {
            _ = VaultJson.ReadWriteResult(input);
        }
        catch (JsonException)
        {
        }

        _ = VaultJson.ReadErrors(input);
    }
}
