namespace Camtree.Protocol.Signatures;

/// <summary>
/// Parses RFC 8941 Structured Field Values (<see href="https://www.rfc-editor.org/rfc/rfc8941#section-4.2">RFC 8941 §4.2</see>),
/// limited to what RFC 9421 and RFC 9530 need: Dictionaries and Lists whose members are Items or Inner Lists, with
/// Integer, String, Token, Byte Sequence and Boolean bare items. Malformed input, and Decimals, yield null:
/// a field that does not parse as a whole is ignored as a whole (§4.2), never half-read, and nothing here throws.
/// </summary>
public static class StructuredFieldParser
{
    /// <summary>
    /// Parses a Dictionary (§4.2.2). Keys keep their first position; a repeated key takes its last value, as the RFC
    /// requires. Null when the value is malformed.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, SfMember>>? ParseDictionary(string? value)
    {
        if (value is null) return null;
        var reader = new Reader(value);
        reader.SkipSpaces();
        var members = new List<KeyValuePair<string, SfMember>>();
        while (!reader.AtEnd)
        {
            var key = reader.ParseKey();
            if (key is null) return null;
            SfMember? member;
            if (reader.TryConsume('='))
                member = reader.ParseItemOrInnerList();
            else
                member = reader.ParseParameters() is { } parameters ? new SfItem(true, parameters) : null; // a bare key is true
            if (member is null) return null;

            var existing = members.FindIndex(m => m.Key == key);
            if (existing >= 0) members[existing] = new(key, member);
            else members.Add(new(key, member));

            if (!reader.ContinueAfterMember()) return null;
        }
        return members;
    }

    /// <summary>Parses a List (§4.2.1). Null when the value is malformed.</summary>
    public static IReadOnlyList<SfMember>? ParseList(string? value)
    {
        if (value is null) return null;
        var reader = new Reader(value);
        reader.SkipSpaces();
        var members = new List<SfMember>();
        while (!reader.AtEnd)
        {
            if (reader.ParseItemOrInnerList() is not { } member) return null;
            members.Add(member);
            if (!reader.ContinueAfterMember()) return null;
        }
        return members;
    }

    /// <summary>A cursor over the field value; each Parse method returns null on malformed input.</summary>
    private sealed class Reader(string input)
    {
        private int _position;

        public bool AtEnd => _position >= input.Length;
        private char? Peek => _position < input.Length ? input[_position] : null;

        public void SkipSpaces()
        {
            while (Peek == ' ') _position++;
        }

        public bool TryConsume(char c)
        {
            if (Peek != c) return false;
            _position++;
            return true;
        }

        /// <summary>After a Dictionary or List member: optional whitespace, then the end or a comma and another member.</summary>
        public bool ContinueAfterMember()
        {
            while (Peek is ' ' or '\t') _position++;
            if (AtEnd) return true;
            if (!TryConsume(',')) return false;
            while (Peek is ' ' or '\t') _position++;
            return !AtEnd; // a trailing comma is malformed
        }

        public SfMember? ParseItemOrInnerList() => Peek == '(' ? ParseInnerList() : ParseItem();

        private SfInnerList? ParseInnerList()
        {
            _position++; // '('
            var items = new List<SfItem>();
            while (!AtEnd)
            {
                SkipSpaces();
                if (TryConsume(')'))
                    return ParseParameters() is { } parameters ? new SfInnerList(items, parameters) : null;
                if (ParseItem() is not { } item) return null;
                items.Add(item);
                if (Peek is not (' ' or ')')) return null;
            }
            return null; // no closing parenthesis
        }

        private SfItem? ParseItem()
        {
            if (ParseBareItem() is not { } value) return null;
            return ParseParameters() is { } parameters ? new SfItem(value, parameters) : null;
        }

        /// <summary>Parameters (§4.2.3.2): <c>;key</c> (true) or <c>;key=bare-item</c>; a repeated key takes its last value.</summary>
        public IReadOnlyList<KeyValuePair<string, object>>? ParseParameters()
        {
            var parameters = new List<KeyValuePair<string, object>>();
            while (TryConsume(';'))
            {
                SkipSpaces();
                var key = ParseKey();
                if (key is null) return null;
                object value = true;
                if (TryConsume('='))
                {
                    if (ParseBareItem() is not { } bare) return null;
                    value = bare;
                }
                var existing = parameters.FindIndex(p => p.Key == key);
                if (existing >= 0) parameters[existing] = new(key, value);
                else parameters.Add(new(key, value));
            }
            return parameters;
        }

        /// <summary>A key (§4.2.3.3): lowercase letter or <c>*</c>, then lowercase letters, digits, <c>_ - . *</c>.</summary>
        public string? ParseKey()
        {
            if (Peek is not ((>= 'a' and <= 'z') or '*')) return null;
            var start = _position++;
            while (Peek is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-' or '.' or '*') _position++;
            return input[start.._position];
        }

        private object? ParseBareItem() => Peek switch
        {
            '-' or (>= '0' and <= '9') => ParseInteger(),
            '"' => ParseString(),
            ':' => ParseByteSequence(),
            '?' => ParseBoolean(),
            '*' or (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') => ParseToken(),
            _ => null,
        };

        /// <summary>Integer (§4.2.4): at most 15 digits. A Decimal is not supported and fails the parse.</summary>
        private object? ParseInteger()
        {
            var negative = TryConsume('-');
            var digitsStart = _position;
            while (Peek is >= '0' and <= '9') _position++;
            var digits = _position - digitsStart;
            if (digits is 0 or > 15 || Peek == '.') return null;
            var magnitude = long.Parse(input.AsSpan(digitsStart, digits), System.Globalization.CultureInfo.InvariantCulture);
            return negative ? -magnitude : magnitude;
        }

        /// <summary>String (§4.2.5): printable ASCII; only <c>\"</c> and <c>\\</c> are escapes.</summary>
        private string? ParseString()
        {
            _position++; // '"'
            var text = new System.Text.StringBuilder();
            while (!AtEnd)
            {
                var c = input[_position++];
                if (c == '\\')
                {
                    if (Peek is not ({ } escaped and ('"' or '\\'))) return null;
                    text.Append(escaped);
                    _position++;
                }
                else if (c == '"') return text.ToString();
                else if (c is < ' ' or > '~') return null;
                else text.Append(c);
            }
            return null; // unterminated
        }

        /// <summary>Token (§4.2.6): ALPHA or <c>*</c>, then tchar, <c>:</c> or <c>/</c>.</summary>
        private SfToken ParseToken()
        {
            var start = _position++;
            while (Peek is { } c && (char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~:/".Contains(c))) _position++;
            return new SfToken(input[start.._position]);
        }

        /// <summary>
        /// Byte Sequence (§4.2.7): base64 between colons. Missing <c>=</c> padding is tolerated, as §4.2.7 asks.
        /// </summary>
        private byte[]? ParseByteSequence()
        {
            _position++; // ':'
            var start = _position;
            while (Peek is { } c && (char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=')) _position++;
            var encoded = input[start.._position];
            if (!TryConsume(':')) return null;
            if (encoded.Length % 4 != 0) encoded = encoded.PadRight(encoded.Length + (4 - encoded.Length % 4), '=');
            var bytes = new byte[encoded.Length / 4 * 3];
            return Convert.TryFromBase64String(encoded, bytes, out var written) ? bytes[..written] : null;
        }

        /// <summary>Boolean (§4.2.8): <c>?1</c> or <c>?0</c>.</summary>
        private object? ParseBoolean()
        {
            _position++; // '?'
            if (TryConsume('1')) return true;
            if (TryConsume('0')) return false;
            return null;
        }
    }
}
