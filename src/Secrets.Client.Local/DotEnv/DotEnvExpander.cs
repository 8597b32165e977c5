using System.Text;

namespace Secrets.Client.Local;

/// <summary>
/// Variable expansion in the manner of npm <c>dotenv-expand</c> 12: <c>${NAME}</c>, <c>$NAME</c>,
/// <c>${NAME:-default}</c>, <c>${NAME-default}</c>, <c>${NAME:+alternative}</c>, <c>${NAME+alternative}</c>, and
/// <c>\$</c> for a literal dollar sign.
/// </summary>
/// <remarks>
/// <para>Keys are expanded in order; a name resolves to a key expanded before it, else to the process environment.
/// An empty value counts as unset (so <c>-</c> and <c>:-</c> behave alike, as in dotenv-expand). Defaults and
/// alternatives are expanded too, and may nest (<c>${A:-${B}}</c>).</para>
/// <para>Unlike dotenv-expand, values that were substituted are not scanned again (dotenv-expand re-scans the whole
/// result after every substitution, so a <c>$</c> inside a substituted value, or an escaped <c>\$</c> of an earlier
/// key, gets expanded a second time), replacement text is inserted verbatim (dotenv-expand passes it to
/// <c>String.prototype.replace</c>, which interprets <c>$&amp;</c>, <c>$$</c>...), and a key from the file wins over an
/// environment variable of the same name.</para>
/// <para>Values are built in one pinned buffer (the caller wipes it): a first pass measures, a second writes.
/// Environment lookups are cached for the duration so that both passes see the same text.</para>
/// </remarks>
internal sealed class DotEnvExpander
{
    private readonly Dictionary<string, Range> _resolved = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _environment = new(StringComparer.Ordinal);
    private readonly Func<string, string?> _readEnvironment;
    private byte[] _output;
    private int _written;

    /// <summary>Initializes a new instance of the <see cref="DotEnvExpander"/> class.</summary>
    /// <param name="readEnvironment">Reads an environment variable.</param>
    /// <param name="capacity">The expected total size of the expanded values.</param>
    internal DotEnvExpander(Func<string, string?> readEnvironment, int capacity)
    {
        _readEnvironment = readEnvironment;
        _output = GC.AllocateArray<byte>(Math.Max(capacity, 16), pinned: true);
    }

    /// <summary>Gets the expanded values written so far, back to back.</summary>
    internal ReadOnlySpan<byte> Output => _output.AsSpan(0, _written);

    /// <summary>Expands <paramref name="input"/>, appends the result to <see cref="Output"/> and makes it visible as <paramref name="key"/>.</summary>
    /// <param name="key">The key the value belongs to.</param>
    /// <param name="input">The decoded value.</param>
    /// <returns>Where the expanded value sits in <see cref="Output"/>.</returns>
    internal Range Add(string key, ReadOnlySpan<byte> input)
    {
        var measure = new ByteSink(default, measuring: true);
        Expand(input, ref measure);
        EnsureCapacity(_written + measure.Written);
        var sink = new ByteSink(_output.AsSpan(_written, measure.Written), measuring: false);
        Expand(input, ref sink);
        var range = new Range(_written, _written + sink.Written);
        _written += sink.Written;
        _resolved[key] = range;
        return range;
    }

    /// <summary>Wipes the output buffer.</summary>
    internal void Clear() => System.Security.Cryptography.CryptographicOperations.ZeroMemory(_output);

    private void EnsureCapacity(int needed)
    {
        if (needed <= _output.Length)
        {
            return;
        }

        var larger = GC.AllocateArray<byte>(Math.Max(needed, _output.Length * 2), pinned: true);
        _output.AsSpan(0, _written).CopyTo(larger);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(_output);
        _output = larger;
    }

    private void Expand(ReadOnlySpan<byte> input, ref ByteSink sink)
    {
        var i = 0;
        while (i < input.Length)
        {
            var b = input[i];
            if (b == (byte)'\\' && i + 1 < input.Length && input[i + 1] == (byte)'$')
            {
                sink.Append((byte)'$');
                i += 2;
                continue;
            }

            if (b == (byte)'$' && i + 1 < input.Length)
            {
                if (input[i + 1] == (byte)'{')
                {
                    var close = FindClosingBrace(input, i + 2);
                    if (close > i + 2)
                    {
                        ExpandBraced(input[(i + 2)..close], ref sink);
                        i = close + 1;
                        continue;
                    }
                }
                else if (IsNameStart(input[i + 1]))
                {
                    var end = i + 2;
                    while (end < input.Length && IsNameByte(input[end]))
                    {
                        end++;
                    }

                    AppendVariable(Encoding.ASCII.GetString(input[(i + 1)..end]), ref sink);
                    i = end;
                    continue;
                }
            }

            sink.Append(b);
            i++;
        }
    }

    private void ExpandBraced(ReadOnlySpan<byte> expression, ref ByteSink sink)
    {
        // dotenv-expand splits at the first of ':+', '+', ':-', '-'; the name is what comes before it.
        var operatorStart = -1;
        var operatorLength = 0;
        for (var i = 0; i < expression.Length; i++)
        {
            if (expression[i] == (byte)':' && i + 1 < expression.Length && expression[i + 1] is (byte)'+' or (byte)'-')
            {
                (operatorStart, operatorLength) = (i, 2);
                break;
            }

            if (expression[i] is (byte)'+' or (byte)'-')
            {
                (operatorStart, operatorLength) = (i, 1);
                break;
            }
        }

        if (operatorStart < 0)
        {
            AppendVariable(Encoding.UTF8.GetString(expression), ref sink);
            return;
        }

        var name = Encoding.UTF8.GetString(expression[..operatorStart]);
        var operand = expression[(operatorStart + operatorLength)..];
        var isAlternative = expression[operatorStart + operatorLength - 1] == (byte)'+';
        var isSet = IsSet(name);
        if (isAlternative)
        {
            if (isSet)
            {
                Expand(operand, ref sink);
            }
        }
        else if (isSet)
        {
            AppendVariable(name, ref sink);
        }
        else
        {
            Expand(operand, ref sink);
        }
    }

    private bool IsSet(string name) =>
        _resolved.TryGetValue(name, out var range) ? range.GetOffsetAndLength(_written).Length > 0 : !string.IsNullOrEmpty(ReadEnvironment(name));

    private void AppendVariable(string name, ref ByteSink sink)
    {
        if (_resolved.TryGetValue(name, out var range))
        {
            sink.Append(_output.AsSpan(range));
        }
        else if (ReadEnvironment(name) is { Length: > 0 } text)
        {
            sink.Append(text);
        }
    }

    private string? ReadEnvironment(string name)
    {
        if (!_environment.TryGetValue(name, out var text))
        {
            text = name.Length == 0 || name.AsSpan().IndexOfAny('=', '\0') >= 0 ? null : _readEnvironment(name);
            _environment[name] = text;
        }

        return text;
    }

    /// <summary>Finds the brace closing a <c>${</c> whose content starts at <paramref name="start"/>; -1 if none.</summary>
    private static int FindClosingBrace(ReadOnlySpan<byte> input, int start)
    {
        var depth = 1;
        for (var i = start; i < input.Length; i++)
        {
            switch (input[i])
            {
                case (byte)'\\' when i + 1 < input.Length && input[i + 1] == (byte)'$':
                    i++;
                    break;
                case (byte)'$' when i + 1 < input.Length && input[i + 1] == (byte)'{':
                    depth++;
                    i++;
                    break;
                case (byte)'{':
                    // dotenv-expand's [^{}]+ allows no other brace inside an expression.
                    return -1;
                case (byte)'}':
                    if (--depth == 0)
                    {
                        return i;
                    }

                    break;
            }
        }

        return -1;
    }

    private static bool IsNameStart(byte b) => char.IsAsciiLetter((char)b) || b == (byte)'_';

    private static bool IsNameByte(byte b) => char.IsAsciiLetterOrDigit((char)b) || b == (byte)'_';

    private ref struct ByteSink(Span<byte> destination, bool measuring)
    {
        private readonly Span<byte> _destination = destination;
        private readonly bool _measuring = measuring;

        public int Written { get; private set; }

        public void Append(byte b)
        {
            if (!_measuring)
            {
                _destination[Written] = b;
            }

            Written++;
        }

        public void Append(ReadOnlySpan<byte> bytes)
        {
            if (!_measuring)
            {
                bytes.CopyTo(_destination[Written..]);
            }

            Written += bytes.Length;
        }

        public void Append(string text)
        {
            Written += _measuring ? Encoding.UTF8.GetByteCount(text) : Encoding.UTF8.GetBytes(text, _destination[Written..]);
        }
    }
}
