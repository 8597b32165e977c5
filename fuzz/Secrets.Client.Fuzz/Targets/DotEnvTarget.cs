using System.Buffers;
using Secrets.Client.Local;

namespace Secrets.Client.Fuzz.Targets;

/// <summary>
/// The <c>.env</c> parser and the dotenv-expand expander together, as the provider runs them: only
/// <see cref="DotEnvSyntaxException"/> (a <see cref="SecretFormatException"/>) may come out, and every entry's value must
/// lie within the parsed values.
/// </summary>
internal sealed class DotEnvTarget : FuzzTarget
{
    private static readonly Dictionary<string, string> Environment = new(StringComparer.Ordinal)
    {
        ["HOME"] = "/home/fuzz",
        ["EMPTY"] = string.Empty,
        ["DOLLAR"] = "$A${B}",
    };

    public override string Name => "dotenv";

    public override string TypedError => nameof(DotEnvSyntaxException);

    public override IReadOnlyList<byte[]> Seeds { get; } =
    [
        // The first byte picks strict (odd) or lenient parsing; expansion is always on. Then the issue's crashers.
        [0, .. Utf8("A=\nK=" + Repeat("${A:-", 4_000) + "x" + Repeat("}", 4_000))],
        [0, .. Utf8(Doubling(32))],
        [0, .. Utf8("K=" + Repeat("${", 100_000))],
        [0, .. Utf8(Doubling(20) + "K=" + Repeat("$A19", 30))],
        [1, .. Utf8("# comment\nexport A=1\nB='two'\nC=\"three\\nlines\"\nD=`four`\nE=${A}-$B-${MISSING:-def}-${A:+alt}\nF=\\$A\n")],
        [0, .. Utf8("A=\"multi\nline\"\nB: colon\r\nC=x # comment\nD=${HOME}/x\nE=${DOLLAR}")],
        [1, .. Utf8("K=\"open\nL=1")],
    ];

    public override IReadOnlyList<byte[]> Dictionary { get; } = Tokens(
        "$", "${", "}", "{", "\\$", ":-", "-", ":+", "+", "$A", "${A}", "${A:-", "${B-", "${A:+", "A=", "B=", "K=", "export ",
        "=", ": ", "'", "\"", "`", "\\", "#", "\n", "\r\n", "\r", " ", "\t", "\u00a0", "\u2028", "\ufeff", "HOME", "EMPTY", "DOLLAR");

    public override void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        var strict = (input[0] & 1) == 1;
        var buffer = ArrayPool<byte>.Shared.Rent(input.Length - 1);
        try
        {
            input[1..].CopyTo(buffer);
            using var content = DotEnvContent.Parse(buffer.AsSpan(0, input.Length - 1), strict, expand: true, "fuzz.env", name => Environment.GetValueOrDefault(name));
            var length = content.Values.Length;
            foreach (var entry in content.Entries)
            {
                var (offset, count) = entry.Value.GetOffsetAndLength(length);
                if (offset < 0 || count < 0 || offset + count > length)
                {
                    throw new FuzzPropertyException($"Entry '{entry.Key}' points outside the values.");
                }
            }
        }
        catch (DotEnvSyntaxException)
        {
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A0=xx, then each key twice the one before: 2^(keys) bytes from a few hundred.</summary>
    private static string Doubling(int keys)
    {
        var text = new System.Text.StringBuilder("A0=xx\n");
        for (var i = 1; i < keys; i++)
        {
            text.Append('A').Append(i).Append("=${A").Append(i - 1).Append("}${A").Append(i - 1).Append("}\n");
        }

        return text.ToString();
    }
}
