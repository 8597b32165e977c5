namespace Secrets.Client.Fuzz.Targets;

/// <summary>Seeds and tokens for the JSON targets, including the lone surrogate and invalid UTF-8.</summary>
internal static class JsonSeeds
{
    public static IReadOnlyList<byte[]> All { get; } =
    [
        "{\"password\":\"\\ud800\"}"u8.ToArray(),
        [.. "{\"password\":\"\\n"u8, 0xC3, 0x28, .. "\"}"u8],
        "{\"user\":\"app\",\"password\":\"s3cr\\u00e9t\",\"port\":5432,\"nested\":{\"token\":\"t\",\"list\":[1,\"two\",null,{\"x\":true}]}}"u8.ToArray(),
        "{\"password\":{\"a\":[1,2,3]}, /* comment */ \"b\":1,}"u8.ToArray(),
        "{\"\\ud800\":1,\"password\":\"\\udc00\"}"u8.ToArray(),
        "[\"not an object\"]"u8.ToArray(),
    ];

    public static IReadOnlyList<byte[]> Tokens { get; } =
    [
        .. new[] { "{", "}", "[", "]", ":", ",", "\"", "\\", "\\u", "\\ud800", "\\udc00", "\\ud83d\\udd11", "\\n", "\\\"", "null", "true", "1e999", "-0", "\"password\"", "/*", "*/", "//" }
            .Select(System.Text.Encoding.UTF8.GetBytes),
        [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xFF], [0xF0, 0x9F, 0x94, 0x91],
    ];
}
