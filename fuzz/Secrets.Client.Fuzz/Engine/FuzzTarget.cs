namespace Secrets.Client.Fuzz;

/// <summary>
/// One parser under fuzzing. <see cref="Run"/> returns when the parser accepted the input or refused it with its typed
/// error; any other exception, a broken property (<see cref="FuzzPropertyException"/>), a hang or a dead process is a finding.
/// </summary>
internal abstract class FuzzTarget
{
    /// <summary>Gets the name used on the command line.</summary>
    public abstract string Name { get; }

    /// <summary>Gets what the parser may throw, for the report.</summary>
    public abstract string TypedError { get; }

    /// <summary>Gets inputs the corpus starts from: valid documents and the crashers of issue #11.</summary>
    public abstract IReadOnlyList<byte[]> Seeds { get; }

    /// <summary>Gets the grammar's tokens, which the mutator inserts.</summary>
    public abstract IReadOnlyList<byte[]> Dictionary { get; }

    /// <summary>Parses one input.</summary>
    /// <param name="input">The input.</param>
    public abstract void Run(ReadOnlySpan<byte> input);

    /// <summary>Encodes seed text as UTF-8.</summary>
    protected static byte[] Utf8(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    /// <summary>Encodes each token as UTF-8.</summary>
    protected static byte[][] Tokens(params string[] tokens) => [.. tokens.Select(Utf8)];

    /// <summary>Repeats <paramref name="text"/> <paramref name="count"/> times.</summary>
    protected static string Repeat(string text, int count) => new System.Text.StringBuilder(text.Length * count).Insert(0, text, count).ToString();
}
