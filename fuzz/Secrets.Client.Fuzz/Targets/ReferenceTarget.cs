using System.Text;

namespace Secrets.Client.Fuzz.Targets;

/// <summary>
/// <see cref="SecretReference"/>: parsing throws only <see cref="InvalidSecretReferenceException"/>, and every reference,
/// parsed or built from parts, formats to text that parses back to it.
/// </summary>
internal sealed class ReferenceTarget : FuzzTarget
{
    public override string Name => "reference";

    public override string TypedError => nameof(InvalidSecretReferenceException);

    public override IReadOnlyList<byte[]> Seeds { get; } =
    [
        // The first byte picks the mode (see Run); the issue's minimal inputs come first.
        [0, .. Utf8(":%2F/")],
        [0, .. Utf8("g:/%2F2")],
        [0, .. Utf8("aws-sm://prod/db?stage=AWSPREVIOUS&env=Production,Staging#password")],
        [0, .. Utf8("gcp-sm://project/secret?version=5")],
        [0, .. Utf8("vault://kv/app#key")],
        [0, .. Utf8("aws-sm://with%20space/x%23y#f%26g")],
        [0, .. Utf8("plain-name")],
        [1, .. Encoding.Unicode.GetBytes("p://a\ud800b#f")],
        [2, .. Utf8("aws-sm|prod/db|5||password")],
        [2, .. Utf8("| a://b ||AWSCURRENT| f ")],
    ];

    public override IReadOnlyList<byte[]> Dictionary { get; } = Tokens(
        "://", ":", "/", "%", "%2F", "%3A", "%25", "%20", "%E3%80%80", "?", "#", "&", "=", ",", "version=", "stage=", "label=", "env=",
        " ", "\t", "\u3000", "\u0085", "aws-sm", "|", "%C3", "%ZZ", "\u00e9");

    /// <summary>First byte even: UTF-8 text; odd: UTF-16 (so lone surrogates occur); 2 mod 4: '|'-separated parts for the constructor.</summary>
    public override void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        var mode = input[0];
        var body = input[1..];
        var text = (mode & 1) == 1 ? new string(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, char>(body[..(body.Length & ~1)])) : Encoding.UTF8.GetString(body);
        SecretReference? reference;
        try
        {
            reference = mode % 4 == 2 ? Construct(text) : SecretReference.Parse(text);
        }
        catch (InvalidSecretReferenceException)
        {
            return;
        }

        AssertRoundTrips(reference);
        AssertRoundTrips(reference.WithoutField());
        AssertRoundTrips(reference.WithProvider("p"));
    }

    private static SecretReference Construct(string text)
    {
        var parts = text.Split('|', 5);
        string? Part(int i) => i < parts.Length && parts[i].Length > 0 ? parts[i] : null;
        return new SecretReference(Part(0), parts.Length > 1 ? parts[1] : string.Empty, Part(2), Part(3), Part(4));
    }

    private static void AssertRoundTrips(SecretReference reference)
    {
        var text = reference.ToString();
        if (!SecretReference.TryParse(text, out var again))
        {
            throw new FuzzPropertyException($"ToString() gave {Show(text)}, which does not parse.");
        }

        if (!reference.Equals(again) || !reference.Environments.SequenceEqual(again.Environments) || again.ToString() != text)
        {
            throw new FuzzPropertyException($"{Show(text)} parses to a different reference ({Show(again.ToString())}).");
        }
    }

    private static string Show(string text) => System.Text.Json.JsonSerializer.Serialize(text);
}
