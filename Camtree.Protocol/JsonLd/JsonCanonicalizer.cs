using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Camtree.Protocol.JsonLd;

/// <summary>
/// The JSON Canonicalization Scheme of <see href="https://www.rfc-editor.org/rfc/rfc8785">RFC 8785</see>: the
/// byte-exact form that <c>eddsa-jcs-2022</c> proofs (FEP-8b32) hash. No whitespace; object members sorted by the
/// UTF-16 code units of their names (§3.2.3); strings escaped as ECMAScript's <c>JSON.stringify</c> does (§3.2.2.2);
/// numbers as ECMAScript prints doubles (§3.2.2.3); the result encoded as UTF-8 (§3.2.4).
/// </summary>
/// <remarks>
/// Input must be I-JSON (RFC 7493), as §3.1 requires, so this refuses rather than guesses:
/// a duplicate member name (System.Text.Json keeps both and readers disagree on which wins, so a signer and a
/// verifier could read different values under one signature), a lone surrogate, NaN or an infinity.
/// Every refusal is a <see cref="JsonCanonicalizationException"/>.
/// </remarks>
public static class JsonCanonicalizer
{
    /// <summary>Strict UTF-8: a lone surrogate is an error, never a silent U+FFFD.</summary>
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The canonical UTF-8 bytes of a parsed JSON value.</summary>
    public static byte[] Canonicalize(JsonElement value)
    {
        var text = new StringBuilder();
        Write(text, value);
        try
        {
            return Utf8.GetBytes(text.ToString());
        }
        catch (EncoderFallbackException)
        {
            throw new JsonCanonicalizationException("a string holds a lone surrogate, which I-JSON forbids (RFC 8785 §3.1)");
        }
    }

    /// <summary>
    /// The canonical UTF-8 bytes of a JSON node tree (null is JSON <c>null</c>). The tree is serialised and read
    /// back first, so numbers held as .NET values and numbers parsed from text take the same path.
    /// </summary>
    public static byte[] Canonicalize(JsonNode? value)
    {
        // System.Text.Json would write a lone surrogate in a .NET string as U+FFFD: refuse it instead.
        RequireWellFormedStrings(value);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(value));
        }
        catch (Exception e) when (e is ArgumentException or JsonException)
        {
            // ArgumentException: NaN or an infinity held as a .NET double; JsonException: nesting past 64 levels.
            throw new JsonCanonicalizationException($"the value is not I-JSON: {e.Message}");
        }
        using (document) return Canonicalize(document.RootElement);
    }

    private static void RequireWellFormedStrings(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject members:
                List<KeyValuePair<string, JsonNode?>> list;
                // A JsonObject parsed from text holding a duplicate name throws when its members are first read.
                try { list = [.. members]; }
                catch (ArgumentException) { throw new JsonCanonicalizationException("duplicate member name, which I-JSON forbids (RFC 7493 §2.3)"); }
                foreach (var (name, member) in list)
                {
                    RequireWellFormed(name);
                    RequireWellFormedStrings(member);
                }
                break;
            case JsonArray items:
                foreach (var item in items) RequireWellFormedStrings(item);
                break;
            case JsonValue text when text.GetValueKind() == JsonValueKind.String:
                string? value;
                try { text.TryGetValue(out value); }
                catch (InvalidOperationException) { throw new JsonCanonicalizationException("a string is not valid Unicode (RFC 8785 §3.1)"); }
                if (value is not null) RequireWellFormed(value);
                break;
        }
    }

    private static void RequireWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (!char.IsSurrogate(text[i])) continue;
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else throw new JsonCanonicalizationException("a string holds a lone surrogate, which I-JSON forbids (RFC 8785 §3.1)");
        }
    }

    /// <summary>The canonical form as a string, for tests and logs (what is hashed is the UTF-8 of it).</summary>
    public static string CanonicalizeToString(JsonElement value) => Encoding.UTF8.GetString(Canonicalize(value));

    private static void Write(StringBuilder text, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                WriteObject(text, value);
                break;
            case JsonValueKind.Array:
                text.Append('[');
                var first = true;
                foreach (var item in value.EnumerateArray())
                {
                    if (!first) text.Append(',');
                    first = false;
                    Write(text, item);
                }
                text.Append(']');
                break;
            case JsonValueKind.String:
                WriteString(text, ReadString(value));
                break;
            case JsonValueKind.Number:
                text.Append(EcmaScriptNumber.Format(ReadNumber(value)));
                break;
            case JsonValueKind.True:
                text.Append("true");
                break;
            case JsonValueKind.False:
                text.Append("false");
                break;
            case JsonValueKind.Null:
                text.Append("null");
                break;
            default:
                throw new JsonCanonicalizationException($"cannot canonicalize a JSON value of kind {value.ValueKind}");
        }
    }

    private static void WriteObject(StringBuilder text, JsonElement value)
    {
        var members = value.EnumerateObject().Select(m => (Name: ReadName(m), m.Value)).ToList();
        // string.CompareOrdinal compares UTF-16 code units, exactly the order §3.2.3 prescribes; a stable sort
        // puts duplicate names next to each other, where they are easy to refuse.
        members.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        text.Append('{');
        for (var i = 0; i < members.Count; i++)
        {
            if (i > 0)
            {
                if (members[i].Name == members[i - 1].Name)
                    throw new JsonCanonicalizationException($"duplicate member name \"{members[i].Name}\", which I-JSON forbids (RFC 7493 §2.3)");
                text.Append(',');
            }
            WriteString(text, members[i].Name);
            text.Append(':');
            Write(text, members[i].Value);
        }
        text.Append('}');
    }

    /// <summary>
    /// §3.2.2.2: the two-character escapes for \b \t \n \f \r " \, <c>\u00xx</c> (lowercase hex) for the other
    /// controls, and every other character as itself, including '/', DEL and all non-ASCII.
    /// </summary>
    private static void WriteString(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case < ' ': text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: text.Append(c); break;
            }
        }
        text.Append('"');
    }

    private static string ReadString(JsonElement value)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json refuses to decode an escaped lone surrogate into a .NET string.
            throw new JsonCanonicalizationException("a string is not valid Unicode (RFC 8785 §3.1)");
        }
    }

    private static string ReadName(JsonProperty member)
    {
        try
        {
            return member.Name;
        }
        catch (InvalidOperationException)
        {
            throw new JsonCanonicalizationException("a member name is not valid Unicode (RFC 8785 §3.1)");
        }
    }

    /// <summary>
    /// The double a JSON number denotes (§3.2.2.3: I-JSON numbers are IEEE-754 doubles), rounded to nearest as
    /// .NET's parser does; a literal too large for a double parses to infinity and is refused.
    /// </summary>
    private static double ReadNumber(JsonElement value) =>
        double.Parse(value.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture);
}

/// <summary>A JSON value that has no RFC 8785 canonical form; the message says why and is safe to show a sender.</summary>
public sealed class JsonCanonicalizationException(string message) : Exception(message);
