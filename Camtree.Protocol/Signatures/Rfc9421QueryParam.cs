using System.Text;

namespace Camtree.Protocol.Signatures;

/// <summary>
/// The <c>@query-param</c> derived component (<see href="https://www.rfc-editor.org/rfc/rfc9421#section-2.2.8">RFC 9421 §2.2.8</see>):
/// the query is parsed as <c>application/x-www-form-urlencoded</c> (WHATWG URL §5.1), and each decoded name and value
/// is re-encoded with that format's percent-encode set, space as <c>%20</c>. The <c>name</c> parameter holds the
/// re-encoded name, so <c>a+b</c>, <c>a%20b</c> and <c>a b</c> all select the same parameter.
/// </summary>
public static class Rfc9421QueryParam
{
    /// <summary>
    /// The re-encoded value of the parameter whose re-encoded name is <paramref name="encodedName"/>. Null and why when
    /// it is absent, or present more than once (§2.2.8: a repeated parameter "MUST NOT be included").
    /// </summary>
    public static (string? Value, string? Problem) Value(string pathAndQuery, string encodedName)
    {
        var queryStart = pathAndQuery.IndexOf('?');
        string? found = null;
        if (queryStart >= 0)
        {
            foreach (var pair in pathAndQuery[(queryStart + 1)..].Split('&'))
            {
                if (pair.Length == 0) continue;
                var equals = pair.IndexOf('=');
                var name = Reencode(equals < 0 ? pair : pair[..equals]);
                if (name != encodedName) continue;
                if (found is not null) return (null, $"query parameter '{encodedName}' occurs more than once");
                found = Reencode(equals < 0 ? "" : pair[(equals + 1)..]);
            }
        }
        return found is null ? (null, $"the request has no query parameter '{encodedName}'") : (found, null);
    }

    /// <summary>Form-decodes (<c>+</c> is a space, <c>%XX</c> a byte, bytes are UTF-8) then percent-encodes again.</summary>
    public static string Reencode(string raw)
    {
        var bytes = Encoding.UTF8.GetBytes(raw.Replace('+', ' '));
        var decoded = new List<byte>(bytes.Length);
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == '%' && i + 2 < bytes.Length && IsHex(bytes[i + 1]) && IsHex(bytes[i + 2]))
            {
                decoded.Add(Convert.ToByte(Encoding.ASCII.GetString(bytes, i + 1, 2), 16));
                i += 2;
            }
            else decoded.Add(bytes[i]);
        }
        // Invalid UTF-8 becomes U+FFFD, as the URL Standard's "UTF-8 decode without BOM" does.
        var text = Encoding.UTF8.GetString(decoded.ToArray());

        var encoded = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'*' or (byte)'-' or (byte)'.' or (byte)'_')
                encoded.Append((char)b);
            else
                encoded.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return encoded.ToString();
    }

    private static bool IsHex(byte b) => char.IsAsciiHexDigit((char)b);
}
