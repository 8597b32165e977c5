namespace Secrets.Client.Local;

/// <summary>
/// A byte-level re-implementation of <c>dotenv.parse</c> (npm <c>dotenv</c> 16), which is a single global, multi-line
/// regular expression:
/// <code>
/// /(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/mg
/// </code>
/// followed by a trim, a quote strip and, for values that start with a double quote, <c>\n</c>/<c>\r</c> expansion.
/// </summary>
/// <remarks>
/// <para>The matcher below walks the same alternatives in the same order as the backtracking engine, so it finds the same
/// matches, including the odd ones (a quoted value on the line after <c>KEY=</c>, <c>KEY:</c> followed by a line break).
/// Where a backtracking choice can never change the outcome (for example the leading <c>\s*</c>, which must be followed
/// by a key character) it is taken once, which keeps the work linear for ordinary files.</para>
/// <para>JavaScript's <c>\s</c> is Unicode-aware (it includes U+00A0, U+2028, U+FEFF...), and in multi-line mode
/// <c>^</c>/<c>$</c> also break at U+2028 and U+2029; the helpers decode those from UTF-8. Bytes that are not valid UTF-8
/// are kept as they are (dotenv would turn them into U+FFFD).</para>
/// </remarks>
internal static class DotEnvParser
{
    private static ReadOnlySpan<byte> Export => "export"u8;

    /// <summary>Rewrites <c>\r\n</c> and lone <c>\r</c> to <c>\n</c> in place, as dotenv does first; returns the new length.</summary>
    /// <param name="text">The file's bytes.</param>
    /// <returns>The length of the normalized text.</returns>
    internal static int NormalizeLineEndings(Span<byte> text)
    {
        var write = 0;
        for (var read = 0; read < text.Length; read++)
        {
            var b = text[read];
            if (b == (byte)'\r')
            {
                text[write++] = (byte)'\n';
                if (read + 1 < text.Length && text[read + 1] == (byte)'\n')
                {
                    read++;
                }
            }
            else
            {
                text[write++] = b;
            }
        }

        return write;
    }

    /// <summary>Finds every assignment dotenv would find, in file order (duplicates included).</summary>
    /// <param name="text">Normalized text (see <see cref="NormalizeLineEndings"/>).</param>
    /// <param name="strict">Whether lines dotenv silently skips, and quoted values it takes literally, are errors.</param>
    /// <param name="source">The file path, for error messages.</param>
    /// <returns>The assignments.</returns>
    /// <exception cref="DotEnvSyntaxException">In strict mode, a line is not an assignment, comment or blank line.</exception>
    internal static List<DotEnvAssignment> FindAssignments(ReadOnlySpan<byte> text, bool strict, string source)
    {
        var assignments = new List<DotEnvAssignment>();
        var lines = new LineCounter();
        var lineStart = 0;
        while (lineStart >= 0)
        {
            var keyStart = SkipWhitespace(text, lineStart);
            if (TryMatchAt(text, keyStart, out var match))
            {
                var line = lines.LineOf(text, match.KeyStart);
                if (strict && match.UnclosedQuote && KeepsOpeningQuote(text, match))
                {
                    var key = GetKey(text, match);
                    throw new DotEnvSyntaxException(source, line, $"the quoted value of '{key}' is not closed, or is followed by something other than a comment.");
                }

                assignments.Add(new DotEnvAssignment(GetKey(text, match), match.ValueStart, match.ValueEnd - match.ValueStart, line));
                lineStart = NextLineStartAtOrAfter(text, match.End);
            }
            else
            {
                // Any other line start up to keyStart reaches the same keyStart through \s*, so it fails the same way.
                if (strict && keyStart < text.Length && text[keyStart] != (byte)'#')
                {
                    throw new DotEnvSyntaxException(source, lines.LineOf(text, keyStart), "expected 'KEY=value', 'KEY: value', a comment starting with '#', or a blank line.");
                }

                lineStart = NextLineStartAfter(text, keyStart);
            }
        }

        return assignments;
    }

    /// <summary>
    /// Turns the raw value group into the value dotenv returns, in place: trims (JavaScript whitespace), removes
    /// surrounding quotes, and expands <c>\n</c> and <c>\r</c> when the trimmed value starts with a double quote.
    /// </summary>
    /// <param name="value">The raw value; overwritten with the result.</param>
    /// <returns>The length of the result.</returns>
    internal static int DecodeValue(Span<byte> value)
    {
        var start = 0;
        var end = value.Length;
        int width;
        while (start < end && (width = WhitespaceLength(value[..end], start)) > 0)
        {
            start += width;
        }

        while (end > start && (width = TrailingWhitespaceLength(value[start..end])) > 0)
        {
            end -= width;
        }

        if (start == end)
        {
            return 0;
        }

        var trimmed = value[start..end];
        var firstByte = trimmed[0];
        var length = StripQuotes(trimmed);
        if (firstByte == (byte)'"')
        {
            length = ExpandNewlineEscapes(trimmed[..length]);
        }

        trimmed[..length].CopyTo(value);
        return length;
    }

    /// <summary>Counts the bytes of the JavaScript <c>\s</c> character starting at <paramref name="index"/>, or 0.</summary>
    internal static int WhitespaceLength(ReadOnlySpan<byte> text, int index)
    {
        if ((uint)index >= (uint)text.Length)
        {
            return 0;
        }

        var b = text[index];
        if (b < 0x80)
        {
            return b is (>= 0x09 and <= 0x0D) or 0x20 ? 1 : 0;
        }

        var rest = text[(index + 1)..];
        return b switch
        {
            0xC2 when rest.Length >= 1 && rest[0] == 0xA0 => 2, // U+00A0
            0xE1 when rest.Length >= 2 && rest[0] == 0x9A && rest[1] == 0x80 => 3, // U+1680
            0xE2 when rest.Length >= 2 && rest[0] == 0x80 && rest[1] is (>= 0x80 and <= 0x8A) or 0xA8 or 0xA9 or 0xAF => 3, // U+2000-200A, U+2028, U+2029, U+202F
            0xE2 when rest.Length >= 2 && rest[0] == 0x81 && rest[1] == 0x9F => 3, // U+205F
            0xE3 when rest.Length >= 2 && rest[0] == 0x80 && rest[1] == 0x80 => 3, // U+3000
            0xEF when rest.Length >= 2 && rest[0] == 0xBB && rest[1] == 0xBF => 3, // U+FEFF, so a byte order mark is whitespace too
            _ => 0,
        };
    }

    /// <summary>Counts the bytes of the line terminator (<c>\n</c>, <c>\r</c>, U+2028, U+2029) at <paramref name="index"/>, or 0.</summary>
    internal static int TerminatorLength(ReadOnlySpan<byte> text, int index)
    {
        if ((uint)index >= (uint)text.Length)
        {
            return 0;
        }

        var b = text[index];
        if (b is (byte)'\n' or (byte)'\r')
        {
            return 1;
        }

        return b == 0xE2 && index + 2 < text.Length && text[index + 1] == 0x80 && text[index + 2] is 0xA8 or 0xA9 ? 3 : 0;
    }

    private static bool TryMatchAt(ReadOnlySpan<byte> text, int start, out Match match)
    {
        // (?:export\s+)? is greedy: try with it, then without. \s+ must be followed by a key character, so only its
        // longest form can succeed.
        if (text[start..].StartsWith(Export))
        {
            var afterExport = start + Export.Length;
            if (WhitespaceLength(text, afterExport) > 0 && TryKeyAndValue(text, SkipWhitespace(text, afterExport), out match))
            {
                return true;
            }
        }

        return TryKeyAndValue(text, start, out match);
    }

    private static bool TryKeyAndValue(ReadOnlySpan<byte> text, int keyStart, out Match match)
    {
        match = default;
        var keyEnd = keyStart;
        while (keyEnd < text.Length && IsKeyByte(text[keyEnd]))
        {
            keyEnd++;
        }

        if (keyEnd == keyStart)
        {
            return false;
        }

        // (?:\s*=\s*?|:\s+?): the lazy quantifiers take as little as they can, and with the least the rest of the
        // pattern always matches (see ParseValue), so they never grow.
        int valueStart;
        var equals = SkipWhitespace(text, keyEnd);
        if (equals < text.Length && text[equals] == (byte)'=')
        {
            valueStart = equals + 1;
        }
        else if (keyEnd < text.Length && text[keyEnd] == (byte)':' && WhitespaceLength(text, keyEnd + 1) is var width and > 0)
        {
            valueStart = keyEnd + 1 + width;
        }
        else
        {
            return false;
        }

        match = ParseValue(text, valueStart);
        match.KeyStart = keyStart;
        match.KeyEnd = keyEnd;
        return true;
    }

    private static Match ParseValue(ReadOnlySpan<byte> text, int start)
    {
        var quoteFailed = false;
        var opening = SkipWhitespace(text, start);
        if (opening < text.Length && text[opening] is (byte)'\'' or (byte)'"' or (byte)'`')
        {
            // \s*Q(?:\\Q|[^Q])*Q: the greedy loop runs to the first quote not preceded by a backslash; on backtracking
            // each escaped quote before it becomes the closing quote in turn, right to left.
            var quote = text[opening];
            var firstUnescaped = -1;
            for (var i = opening + 1; i < text.Length; i++)
            {
                if (text[i] == (byte)'\\' && i + 1 < text.Length && text[i + 1] == quote)
                {
                    i++;
                }
                else if (text[i] == quote)
                {
                    firstUnescaped = i;
                    break;
                }
            }

            if (firstUnescaped >= 0 && TailEnd(text, firstUnescaped + 1) is var end and >= 0)
            {
                return new Match { ValueStart = start, ValueEnd = firstUnescaped + 1, End = end };
            }

            var limit = firstUnescaped >= 0 ? firstUnescaped : text.Length;
            for (var closing = limit - 1; closing >= opening + 2; closing--)
            {
                if (text[closing] == quote && text[closing - 1] == (byte)'\\' && TailEnd(text, closing + 1) is var escapedEnd and >= 0)
                {
                    return new Match { ValueStart = start, ValueEnd = closing + 1, End = escapedEnd };
                }
            }

            quoteFailed = true;
        }

        // [^#\r\n]+, then \s*(?:#.*)?$, which always matches where that run stops.
        var valueEnd = start;
        while (valueEnd < text.Length && text[valueEnd] is not ((byte)'#' or (byte)'\n' or (byte)'\r'))
        {
            valueEnd++;
        }

        return new Match
        {
            ValueStart = start,
            ValueEnd = valueEnd,
            End = TailEnd(text, valueEnd),
            UnclosedQuote = quoteFailed && opening < valueEnd,
        };
    }

    /// <summary>
    /// Matches <c>\s*(?:#.*)?$</c> at <paramref name="start"/> and returns where the match ends, or -1. The greedy
    /// <c>\s*</c> may run over line breaks; if what follows is neither a comment nor the end, it backs off to the last
    /// line break it crossed.
    /// </summary>
    private static int TailEnd(ReadOnlySpan<byte> text, int start)
    {
        var position = start;
        var lastTerminator = -1;
        int width;
        while ((width = WhitespaceLength(text, position)) > 0)
        {
            if (TerminatorLength(text, position) > 0)
            {
                lastTerminator = position;
            }

            position += width;
        }

        if (position >= text.Length)
        {
            return text.Length;
        }

        if (text[position] == (byte)'#')
        {
            while (position < text.Length && TerminatorLength(text, position) == 0)
            {
                position++;
            }

            return position;
        }

        return lastTerminator;
    }

    private static int StripQuotes(Span<byte> value)
    {
        // value.replace(/^(['"`])([\s\S]*)\1$/mg, '$2'): in multi-line mode ^ and $ also match around line
        // terminators, and [\s\S]* is greedy, so at each line start that opens with a quote the match runs to the last
        // same quote that ends a line.
        var read = 0;
        var write = 0;
        var length = value.Length;
        while (read < length)
        {
            var first = value[read];
            if (first is (byte)'\'' or (byte)'"' or (byte)'`')
            {
                for (var closing = length - 1; closing > read; closing--)
                {
                    if (value[closing] == first && (closing + 1 == length || TerminatorLength(value, closing + 1) > 0))
                    {
                        var inner = value[(read + 1)..closing];
                        inner.CopyTo(value[write..]);
                        write += inner.Length;
                        read = closing + 1;
                        break;
                    }
                }
            }

            while (read < length)
            {
                var terminator = TerminatorLength(value, read);
                if (terminator > 0)
                {
                    value.Slice(read, terminator).CopyTo(value[write..]);
                    read += terminator;
                    write += terminator;
                    break;
                }

                value[write++] = value[read++];
            }
        }

        return write;
    }

    private static int ExpandNewlineEscapes(Span<byte> value)
    {
        var write = 0;
        for (var read = 0; read < value.Length; read++)
        {
            if (value[read] == (byte)'\\' && read + 1 < value.Length && value[read + 1] is (byte)'n' or (byte)'r')
            {
                value[write++] = value[read + 1] == (byte)'n' ? (byte)'\n' : (byte)'\r';
                read++;
            }
            else
            {
                value[write++] = value[read];
            }
        }

        return write;
    }

    private static int TrailingWhitespaceLength(ReadOnlySpan<byte> text)
    {
        for (var width = 1; width <= 3 && width <= text.Length; width++)
        {
            if (WhitespaceLength(text, text.Length - width) == width)
            {
                return width;
            }
        }

        return 0;
    }

    private static int SkipWhitespace(ReadOnlySpan<byte> text, int position)
    {
        int width;
        while ((width = WhitespaceLength(text, position)) > 0)
        {
            position += width;
        }

        return position;
    }

    private static int NextLineStartAtOrAfter(ReadOnlySpan<byte> text, int position)
    {
        if (position == 0 || position > text.Length)
        {
            return position > text.Length ? -1 : 0;
        }

        if (text[position - 1] is (byte)'\n' or (byte)'\r' || (position >= 3 && TerminatorLength(text, position - 3) == 3))
        {
            return position;
        }

        return NextLineStartAfter(text, position);
    }

    private static int NextLineStartAfter(ReadOnlySpan<byte> text, int position)
    {
        for (var i = position; i < text.Length; i++)
        {
            var width = TerminatorLength(text, i);
            if (width > 0)
            {
                return i + width;
            }
        }

        return -1;
    }

    /// <summary>
    /// Whether a value whose quotes did not pair up still starts with its quote once decoded (<c>"open</c>,
    /// <c>"a" b</c>); values like <c>'it''s'</c> lose their outer quotes and are let through.
    /// </summary>
    private static bool KeepsOpeningQuote(ReadOnlySpan<byte> text, Match match)
    {
        var raw = text[match.ValueStart..match.ValueEnd];
        var opening = raw[raw.IndexOfAny("'\"`"u8)];
        var copy = System.Buffers.ArrayPool<byte>.Shared.Rent(raw.Length);
        try
        {
            raw.CopyTo(copy);
            var length = DecodeValue(copy.AsSpan(0, raw.Length));
            return length > 0 && copy[0] == opening;
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(copy.AsSpan(0, raw.Length));
            System.Buffers.ArrayPool<byte>.Shared.Return(copy);
        }
    }

    private static bool IsKeyByte(byte b) => char.IsAsciiLetterOrDigit((char)b) || b is (byte)'_' or (byte)'.' or (byte)'-';

    private static string GetKey(ReadOnlySpan<byte> text, Match match) =>
        System.Text.Encoding.ASCII.GetString(text[match.KeyStart..match.KeyEnd]);

    private struct Match
    {
        public int KeyStart;
        public int KeyEnd;
        public int ValueStart;
        public int ValueEnd;
        public int End;
        public bool UnclosedQuote;
    }

    /// <summary>Turns byte offsets into 1-based line numbers, for offsets given in increasing order.</summary>
    private struct LineCounter
    {
        private int _position;
        private int _line;

        public int LineOf(ReadOnlySpan<byte> text, int position)
        {
            if (_line == 0)
            {
                _line = 1;
            }

            if (position < _position)
            {
                _position = 0;
                _line = 1;
            }

            _line += text[_position..position].Count((byte)'\n');
            _position = position;
            return _line;
        }
    }
}
