using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Camtree.Protocol.Oai;

/// <summary>The facets a report belongs to as an OAI-PMH set: its themes, its methodology, its country.</summary>
public enum OaiSetKind { Theme, Methodology, Country }

/// <summary>A set asked for: a whole kind (<c>theme</c>) or one value of it (<c>theme:oracy</c>).</summary>
public sealed record OaiSetFilter(OaiSetKind Kind, string? Value);

/// <summary>
/// Camtree's set hierarchy (§4.6): <c>theme</c>, <c>methodology</c> and <c>country</c>, each with a set per value
/// (<c>theme:oracy</c>, <c>methodology:lesson_study</c>, <c>country:GB</c>). A setSpec allows only
/// <c>[A-Za-z0-9-_.!~*'()]</c>, so a value's other characters are written as <c>~</c> and two hex digits per UTF-8
/// byte (<c>~</c> itself as <c>~7e</c>): the mapping is reversible, so a set names exactly one value.
/// </summary>
public static partial class OaiSets
{
    public static string KindSpec(OaiSetKind kind) => kind switch
    {
        OaiSetKind.Theme => "theme",
        OaiSetKind.Methodology => "methodology",
        _ => "country",
    };

    public static string Spec(OaiSetKind kind, string value) => $"{KindSpec(kind)}:{EncodeValue(value)}";

    public static bool IsWellFormed(string spec) => SpecPattern().IsMatch(spec);

    /// <summary>Reads a setSpec into a filter; null when it is not one of this repository's sets.</summary>
    public static OaiSetFilter? Parse(string spec)
    {
        var colon = spec.IndexOf(':');
        var kindText = colon < 0 ? spec : spec[..colon];
        OaiSetKind? kind = kindText switch
        {
            "theme" => OaiSetKind.Theme,
            "methodology" => OaiSetKind.Methodology,
            "country" => OaiSetKind.Country,
            _ => null,
        };
        if (kind is null) return null;
        if (colon < 0) return new(kind.Value, null);
        var value = DecodeValue(spec[(colon + 1)..]);
        return value is null ? null : new(kind.Value, value);
    }

    public static string EncodeValue(string value)
    {
        var builder = new StringBuilder(value.Length);
        Span<byte> bytes = stackalloc byte[4];
        foreach (var rune in value.EnumerateRunes())
        {
            if (rune.IsAscii && rune.Value != '~' && IsSpecCharacter((char)rune.Value))
            {
                builder.Append((char)rune.Value);
                continue;
            }
            var length = rune.EncodeToUtf8(bytes);
            foreach (var b in bytes[..length]) builder.Append('~').Append(b.ToString("x2", CultureInfo.InvariantCulture));
        }
        return builder.ToString();
    }

    /// <summary>The value a set segment names; null when its escapes are not valid UTF-8 or it holds a <c>:</c>.</summary>
    public static string? DecodeValue(string segment)
    {
        var bytes = new List<byte>(segment.Length);
        for (var i = 0; i < segment.Length; i++)
        {
            var c = segment[i];
            if (c == '~')
            {
                if (i + 2 >= segment.Length || !byte.TryParse(segment.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
                    return null;
                bytes.Add(b);
                i += 2;
            }
            else if (IsSpecCharacter(c)) bytes.Add((byte)c);
            else return null;
        }
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString([.. bytes]);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static bool IsSpecCharacter(char c) =>
        c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.' or '!' or '~' or '*' or '\'' or '(' or ')';

    [GeneratedRegex(@"^[A-Za-z0-9\-_\.!~\*'\(\)]+(:[A-Za-z0-9\-_\.!~\*'\(\)]+)*$")]
    private static partial Regex SpecPattern();
}
