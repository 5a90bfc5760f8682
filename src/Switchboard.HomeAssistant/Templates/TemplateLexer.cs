using System.Globalization;
using System.Text;

namespace Switchboard.HomeAssistant.Templates;

internal enum TokenKind
{
    Name,
    String,
    Integer,
    Float,
    Operator,

    /// <summary><c>}}</c> or <c>%}</c>; <see cref="Token.Text"/> says which, <see cref="Token.StripAfter"/> whether it was <c>-}}</c>.</summary>
    BlockEnd,
}

internal readonly record struct Token(TokenKind Kind, string Text, int Position, object? Value = null, bool StripAfter = false);

/// <summary>
/// Tokenizes the expression inside a <c>{{ … }}</c> or <c>{% … %}</c> block, up to and including its closing
/// delimiter, so that delimiters inside string literals are not mistaken for the end. As in Jinja's lexer, the closing
/// delimiter only counts while brackets are balanced: the <c>}}</c> of <c>{{ {'a': {'b': 1}} }}</c> closes two dicts.
/// </summary>
internal static class TemplateLexer
{
    private static readonly string[] Operators = ["//", "==", "!=", "<=", ">=", "**", "(", ")", "[", "]", "{", "}", ".", ",", "|", "<", ">", "+", "-", "*", "/", "%", "~", ":", "="];

    /// <summary>Reads tokens from <paramref name="position"/> to the block end; <paramref name="position"/> ends just after it.</summary>
    public static List<Token> ReadBlock(string source, ref int position, string closing)
    {
        var tokens = new List<Token>();
        var i = position;
        var depth = 0;
        while (true)
        {
            while (i < source.Length && char.IsWhiteSpace(source[i]))
            {
                i++;
            }

            if (i >= source.Length)
            {
                throw new TemplateSyntaxException($"unexpected end of template, expected '{closing}'", i);
            }

            var c = source[i];
            if (depth == 0 && c == '-' && string.CompareOrdinal(source, i + 1, closing, 0, 2) == 0)
            {
                tokens.Add(new Token(TokenKind.BlockEnd, closing, i, StripAfter: true));
                position = i + 3;
                return tokens;
            }

            if (depth == 0 && string.CompareOrdinal(source, i, closing, 0, 2) == 0)
            {
                tokens.Add(new Token(TokenKind.BlockEnd, closing, i));
                position = i + 2;
                return tokens;
            }

            if (depth == 0 && c is '}' or '%' && i + 1 < source.Length && source[i + 1] == '}')
            {
                throw new TemplateSyntaxException($"unexpected '{c}}}', expected '{closing}'", i);
            }

            if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < source.Length && (char.IsLetterOrDigit(source[i]) || source[i] == '_'))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Name, source[start..i], start));
                continue;
            }

            if (char.IsAsciiDigit(c))
            {
                tokens.Add(ReadNumber(source, ref i));
                continue;
            }

            if (c is '\'' or '"')
            {
                tokens.Add(ReadString(source, ref i));
                continue;
            }

            var matched = false;
            foreach (var op in Operators)
            {
                if (string.CompareOrdinal(source, i, op, 0, op.Length) == 0)
                {
                    tokens.Add(new Token(TokenKind.Operator, op, i));
                    i += op.Length;
                    depth = op switch
                    {
                        "(" or "[" or "{" => depth + 1,
                        ")" or "]" or "}" when depth > 0 => depth - 1,
                        _ => depth,
                    };
                    matched = true;
                    break;
                }
            }

            if (!matched)
            {
                throw new TemplateSyntaxException($"unexpected character '{c}'", i);
            }
        }
    }

    private static Token ReadNumber(string source, ref int i)
    {
        var start = i;
        var isFloat = false;
        while (i < source.Length && (char.IsAsciiDigit(source[i]) || source[i] == '_'))
        {
            i++;
        }

        // A '.' starts a fraction only when a digit follows: "value_json.0" style access keeps working.
        if (i + 1 < source.Length && source[i] == '.' && char.IsAsciiDigit(source[i + 1]))
        {
            isFloat = true;
            i++;
            while (i < source.Length && (char.IsAsciiDigit(source[i]) || source[i] == '_'))
            {
                i++;
            }
        }

        if (i < source.Length && source[i] is 'e' or 'E')
        {
            var j = i + 1;
            if (j < source.Length && source[j] is '+' or '-')
            {
                j++;
            }

            if (j < source.Length && char.IsAsciiDigit(source[j]))
            {
                isFloat = true;
                i = j;
                while (i < source.Length && char.IsAsciiDigit(source[i]))
                {
                    i++;
                }
            }
        }

        var text = source[start..i].Replace("_", string.Empty, StringComparison.Ordinal);
        if (isFloat)
        {
            return new Token(TokenKind.Float, text, start, double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture));
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var l)
            ? new Token(TokenKind.Integer, text, start, l)
            : new Token(TokenKind.Float, text, start, double.Parse(text, CultureInfo.InvariantCulture));
    }

    private static Token ReadString(string source, ref int i)
    {
        var start = i;
        var quote = source[i++];
        var builder = new StringBuilder();
        while (true)
        {
            if (i >= source.Length)
            {
                throw new TemplateSyntaxException("unterminated string literal", start);
            }

            var c = source[i++];
            if (c == quote)
            {
                return new Token(TokenKind.String, source[start..i], start, builder.ToString());
            }

            if (c != '\\' || i >= source.Length)
            {
                builder.Append(c);
                continue;
            }

            var escaped = source[i++];
            switch (escaped)
            {
                case 'n':
                    builder.Append('\n');
                    break;
                case 't':
                    builder.Append('\t');
                    break;
                case 'r':
                    builder.Append('\r');
                    break;
                case '0':
                    builder.Append('\0');
                    break;
                case 'u' when i + 4 <= source.Length && int.TryParse(source.AsSpan(i, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code):
                    builder.Append((char)code);
                    i += 4;
                    break;
                case '\\' or '\'' or '"':
                    builder.Append(escaped);
                    break;
                default:
                    // Python keeps unknown escapes as written.
                    builder.Append('\\').Append(escaped);
                    break;
            }
        }
    }
}
