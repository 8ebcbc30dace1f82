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
    /// The canonical UTF-8 bytes of a JSON node tree (null is JSON <c>null</c>), written from the tree itself.
    /// Values that are not plain strings (numbers held as .NET values, dates) are written to JSON text and read back,
    /// so numbers held as .NET values and numbers parsed from text take the same path.
    /// </summary>
    /// <remarks>
    /// Written directly rather than by serialising the tree and parsing it back (what this did first): proofs
    /// canonicalise a report four or five times per verification, and the round trip made canonicalising cost more
    /// than the Ed25519 verification itself (measured: <c>Camtree.Benchmarks proofs</c>).
    /// </remarks>
    public static byte[] Canonicalize(JsonNode? value)
    {
        var text = new StringBuilder();
        Write(text, value, depth: 0);
        try
        {
            return Utf8.GetBytes(text.ToString());
        }
        catch (EncoderFallbackException)
        {
            throw new JsonCanonicalizationException("a string holds a lone surrogate, which I-JSON forbids (RFC 8785 §3.1)");
        }
    }

    /// <summary>As deep as System.Text.Json reads by default: a tree built in code may nest deeper, and is refused.</summary>
    private const int MaxDepth = 64;

    private static void Write(StringBuilder text, JsonNode? node, int depth)
    {
        if (depth > MaxDepth) throw new JsonCanonicalizationException($"the value nests deeper than {MaxDepth} levels");
        switch (node)
        {
            case null:
                text.Append("null");
                break;
            case JsonObject members:
                List<KeyValuePair<string, JsonNode?>> list;
                // A JsonObject parsed from text holding a duplicate name throws when its members are first read.
                try { list = [.. members]; }
                catch (ArgumentException) { throw new JsonCanonicalizationException("duplicate member name, which I-JSON forbids (RFC 7493 §2.3)"); }
                // string.CompareOrdinal compares UTF-16 code units, exactly the order §3.2.3 prescribes.
                list.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
                text.Append('{');
                for (var i = 0; i < list.Count; i++)
                {
                    if (i > 0) text.Append(',');
                    WriteString(text, list[i].Key);
                    text.Append(':');
                    Write(text, list[i].Value, depth + 1);
                }
                text.Append('}');
                break;
            case JsonArray items:
                text.Append('[');
                for (var i = 0; i < items.Count; i++)
                {
                    if (i > 0) text.Append(',');
                    Write(text, items[i], depth + 1);
                }
                text.Append(']');
                break;
            case JsonValue value:
                WriteValue(text, value);
                break;
        }
    }

    private static void WriteValue(StringBuilder text, JsonValue value)
    {
        if (value.TryGetValue<JsonElement>(out var element))
        {
            Write(text, element);
            return;
        }
        if (value.TryGetValue<string>(out var plain))
        {
            WriteString(text, plain);
            return;
        }
        if (value.TryGetValue<bool>(out var boolean))
        {
            text.Append(boolean ? "true" : "false");
            return;
        }
        // Anything else held as a .NET value: as System.Text.Json writes it, then read as text is.
        try
        {
            using var document = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(value));
            Write(text, document.RootElement);
        }
        catch (Exception e) when (e is ArgumentException or JsonException or NotSupportedException)
        {
            // ArgumentException: NaN or an infinity held as a .NET double.
            throw new JsonCanonicalizationException($"the value is not I-JSON: {e.Message}");
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
        var rest = value.AsSpan();
        if (rest.IndexOfAnyInRange('\uD800', '\uDFFF') >= 0) RequireWellFormed(value);
        text.Append('"');
        while (true)
        {
            // Most of a report is plain text: append it a run at a time, and escape only what §3.2.2.2 names.
            var next = rest.IndexOfAny(MustEscape);
            if (next < 0)
            {
                text.Append(rest);
                break;
            }
            text.Append(rest[..next]);
            var c = rest[next];
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                default: text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
            }
            rest = rest[(next + 1)..];
        }
        text.Append('"');
    }

    /// <summary>A lone surrogate has no UTF-8 form: refused (RFC 8785 §3.1), never written as U+FFFD.</summary>
    private static void RequireWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (!char.IsSurrogate(text[i])) continue;
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else throw new JsonCanonicalizationException("a string holds a lone surrogate, which I-JSON forbids (RFC 8785 §3.1)");
        }
    }

    /// <summary>The characters §3.2.2.2 escapes: the quote, the backslash and the controls.</summary>
    private static readonly System.Buffers.SearchValues<char> MustEscape = System.Buffers.SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f");

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
