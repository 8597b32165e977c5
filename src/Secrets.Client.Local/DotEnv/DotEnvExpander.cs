using System.Buffers;
using System.Security.Cryptography;
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
/// <para>Any input is handled in time linear in its size plus the output's: the braces of a value are paired in one
/// pass before it is expanded, nested defaults are walked with an explicit stack (at most
/// <see cref="MaxNestingDepth"/> deep), and the expanded values of a file may grow by at most
/// <see cref="MaxGrowth"/> bytes over the decoded values (a key that doubles an earlier one twenty times would
/// otherwise ask for gigabytes). Past either bound, the file is refused with a <see cref="DotEnvSyntaxException"/>.</para>
/// <para>Values are built in one pinned buffer that grows by doubling (each old buffer is wiped); the caller wipes the
/// last one with <see cref="Clear"/>.</para>
/// </remarks>
internal sealed class DotEnvExpander
{
    /// <summary>The deepest nesting of defaults and alternatives that is expanded (<c>${A:-${B:-...}}</c>).</summary>
    internal const int MaxNestingDepth = 64;

    /// <summary>How many bytes expansion may add to a file's decoded values, all keys together.</summary>
    internal const int MaxGrowth = 1 << 20;

    private readonly Dictionary<string, Range> _resolved = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _environment = new(StringComparer.Ordinal);
    private readonly Func<string, string?> _readEnvironment;
    private readonly string _source;
    private readonly int _limit;
    private readonly Stack<int> _ends = new();
    private byte[] _output;
    private int _written;

    /// <summary>Initializes a new instance of the <see cref="DotEnvExpander"/> class.</summary>
    /// <param name="readEnvironment">Reads an environment variable.</param>
    /// <param name="inputLength">The total size of the decoded values to expand.</param>
    /// <param name="source">The file path, for error messages.</param>
    internal DotEnvExpander(Func<string, string?> readEnvironment, int inputLength, string source)
    {
        _readEnvironment = readEnvironment;
        _source = source;
        _limit = (int)Math.Min(int.MaxValue - 64L, (long)inputLength + MaxGrowth);
        _output = GC.AllocateArray<byte>(Math.Max(inputLength, 16), pinned: true);
    }

    /// <summary>Gets the expanded values written so far, back to back.</summary>
    internal ReadOnlySpan<byte> Output => _output.AsSpan(0, _written);

    /// <summary>Expands <paramref name="input"/>, appends the result to <see cref="Output"/> and makes it visible as <paramref name="key"/>.</summary>
    /// <param name="key">The key the value belongs to.</param>
    /// <param name="input">The decoded value.</param>
    /// <param name="line">The line of the key's assignment, for error messages.</param>
    /// <returns>Where the expanded value sits in <see cref="Output"/>.</returns>
    /// <exception cref="DotEnvSyntaxException">The value nests too deep, or the file's values grow too large.</exception>
    internal Range Add(string key, ReadOnlySpan<byte> input, int line)
    {
        var start = _written;
        var closes = ArrayPool<int>.Shared.Rent(Math.Max(input.Length, 1));
        try
        {
            PairBraces(input, closes);
            Expand(input, closes, key, line);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(closes);
        }

        var range = new Range(start, _written);
        _resolved[key] = range;
        return range;
    }

    /// <summary>Wipes the output buffer.</summary>
    internal void Clear() => CryptographicOperations.ZeroMemory(_output);

    /// <summary>
    /// Records, at the index of every <c>${</c>, the index of the brace that closes it, or -1. This is what scanning
    /// forward from each <c>${</c> would find (nested <c>${</c> open a level, a bare <c>{</c> fails every open one, as
    /// dotenv-expand's <c>[^{}]+</c> allows no other brace), done for all of them in one pass.
    /// </summary>
    private static void PairBraces(ReadOnlySpan<byte> input, int[] closes)
    {
        var open = new Stack<int>();
        for (var i = 0; i < input.Length; i++)
        {
            switch (input[i])
            {
                case (byte)'\\' when i + 1 < input.Length && input[i + 1] == (byte)'$':
                    i++;
                    break;
                case (byte)'$' when i + 1 < input.Length && input[i + 1] == (byte)'{':
                    closes[i] = -1;
                    open.Push(i);
                    i++;
                    break;
                case (byte)'{':
                    open.Clear();
                    break;
                case (byte)'}' when open.Count > 0:
                    closes[open.Pop()] = i;
                    break;
            }
        }
    }

    /// <summary>
    /// Expands a value. The operand of a default or alternative is a sub-range that ends at its closing brace, so
    /// expanding it is scanning on with that brace as the end, then resuming after it: a stack of ends replaces recursion.
    /// </summary>
    private void Expand(ReadOnlySpan<byte> input, int[] closes, string key, int line)
    {
        _ends.Clear();
        var end = input.Length;
        var i = 0;
        while (true)
        {
            if (i >= end)
            {
                if (_ends.Count == 0)
                {
                    return;
                }

                i = end + 1;
                _ends.Pop();
                end = _ends.Count > 0 ? _ends.Peek() : input.Length;
                continue;
            }

            var b = input[i];
            if (b == (byte)'\\' && i + 1 < end && input[i + 1] == (byte)'$')
            {
                Append((byte)'$', key, line);
                i += 2;
                continue;
            }

            if (b == (byte)'$' && i + 1 < end)
            {
                if (input[i + 1] == (byte)'{')
                {
                    var close = closes[i];
                    if (close > i + 2)
                    {
                        var operand = ExpandBraced(input[(i + 2)..close], key, line);
                        if (operand >= 0)
                        {
                            if (_ends.Count == MaxNestingDepth)
                            {
                                throw new DotEnvSyntaxException(_source, line, $"the value of '{key}' nests defaults or alternatives more than {MaxNestingDepth} deep.", strictHint: false);
                            }

                            _ends.Push(close);
                            end = close;
                            i += 2 + operand;
                        }
                        else
                        {
                            i = close + 1;
                        }

                        continue;
                    }
                }
                else if (IsNameStart(input[i + 1]))
                {
                    var nameEnd = i + 2;
                    while (nameEnd < end && IsNameByte(input[nameEnd]))
                    {
                        nameEnd++;
                    }

                    AppendVariable(Encoding.ASCII.GetString(input[(i + 1)..nameEnd]), key, line);
                    i = nameEnd;
                    continue;
                }
            }

            Append(b, key, line);
            i++;
        }
    }

    /// <summary>Expands <c>${expression}</c>; returns the offset in <paramref name="expression"/> of an operand still to be expanded, or -1.</summary>
    private int ExpandBraced(ReadOnlySpan<byte> expression, string key, int line)
    {
        // dotenv-expand splits at the first of ':+', '+', ':-', '-'; the name is what comes before it. A ':' operator
        // can only start right before the first '+' or '-'.
        var operatorStart = expression.IndexOfAny("+-"u8);
        var operatorLength = 1;
        if (operatorStart > 0 && expression[operatorStart - 1] == (byte)':')
        {
            (operatorStart, operatorLength) = (operatorStart - 1, 2);
        }

        if (operatorStart < 0)
        {
            AppendVariable(Encoding.UTF8.GetString(expression), key, line);
            return -1;
        }

        var name = Encoding.UTF8.GetString(expression[..operatorStart]);
        var operand = operatorStart + operatorLength;
        var isAlternative = expression[operand - 1] == (byte)'+';
        var isSet = IsSet(name);
        if (isAlternative)
        {
            return isSet ? operand : -1;
        }

        if (isSet)
        {
            AppendVariable(name, key, line);
            return -1;
        }

        return operand;
    }

    private bool IsSet(string name) =>
        _resolved.TryGetValue(name, out var range) ? range.GetOffsetAndLength(_written).Length > 0 : !string.IsNullOrEmpty(ReadEnvironment(name));

    private void AppendVariable(string name, string key, int line)
    {
        if (_resolved.TryGetValue(name, out var range))
        {
            var (offset, length) = range.GetOffsetAndLength(_written);
            Reserve(length, key, line);
            _output.AsSpan(offset, length).CopyTo(_output.AsSpan(_written));
            _written += length;
        }
        else if (ReadEnvironment(name) is { Length: > 0 } text)
        {
            var length = Encoding.UTF8.GetByteCount(text);
            Reserve(length, key, line);
            _written += Encoding.UTF8.GetBytes(text, _output.AsSpan(_written));
        }
    }

    private void Append(byte b, string key, int line)
    {
        Reserve(1, key, line);
        _output[_written++] = b;
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

    /// <summary>Makes room for <paramref name="count"/> more bytes, or refuses the file when that passes the growth bound.</summary>
    private void Reserve(int count, string key, int line)
    {
        var needed = (long)_written + count;
        if (needed > _limit)
        {
            throw new DotEnvSyntaxException(_source, line, $"expanding variables makes the values longer than the file's plus {MaxGrowth} bytes (at key '{key}'); a key substituted into itself over and over does this.", strictHint: false);
        }

        if (needed <= _output.Length)
        {
            return;
        }

        var larger = GC.AllocateArray<byte>((int)Math.Min(Math.Max(needed, _output.Length * 2L), _limit), pinned: true);
        _output.AsSpan(0, _written).CopyTo(larger);
        CryptographicOperations.ZeroMemory(_output);
        _output = larger;
    }

    private static bool IsNameStart(byte b) => char.IsAsciiLetter((char)b) || b == (byte)'_';

    private static bool IsNameByte(byte b) => char.IsAsciiLetterOrDigit((char)b) || b == (byte)'_';
}
