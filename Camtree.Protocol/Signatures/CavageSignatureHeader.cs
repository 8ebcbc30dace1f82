using System.Text;

namespace Camtree.Protocol.Signatures;

/// <summary>
/// The parameters of a draft-cavage-http-signatures-12 signature (§2.1): the value of the <c>Signature</c>
/// header, or of <c>Authorization: Signature …</c>.
/// </summary>
public sealed record CavageSignatureHeader(
    string KeyId,
    string? Algorithm,
    IReadOnlyList<string> Headers,
    string Signature,
    long? Created = null,
    long? Expires = null)
{
    /// <summary>Formats the header value as Mastodon sends it.</summary>
    public string Format()
    {
        var text = new StringBuilder();
        text.Append("keyId=\"").Append(KeyId).Append('"');
        if (Algorithm is not null) text.Append(",algorithm=\"").Append(Algorithm).Append('"');
        if (Created is not null) text.Append(",created=").Append(Created);
        if (Expires is not null) text.Append(",expires=").Append(Expires);
        text.Append(",headers=\"").Append(string.Join(' ', Headers)).Append('"');
        text.Append(",signature=\"").Append(Signature).Append('"');
        return text.ToString();
    }

    /// <summary>
    /// Parses a header value. Returns null when it is not a well-formed parameter list with
    /// <c>keyId</c> and <c>signature</c>. When <c>headers</c> is absent it defaults to <c>date</c> (§2.1.6).
    /// </summary>
    public static CavageSignatureHeader? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (value.StartsWith("Signature ", StringComparison.OrdinalIgnoreCase)) value = value[10..];

        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var position = 0;
        while (position < value.Length)
        {
            while (position < value.Length && (value[position] == ',' || char.IsWhiteSpace(value[position]))) position++;
            if (position >= value.Length) break;
            var equals = value.IndexOf('=', position);
            if (equals < 0) return null;
            var name = value[position..equals].Trim();
            position = equals + 1;
            string parameter;
            if (position < value.Length && value[position] == '"')
            {
                var close = value.IndexOf('"', position + 1);
                if (close < 0) return null;
                parameter = value[(position + 1)..close];
                position = close + 1;
            }
            else
            {
                var comma = value.IndexOf(',', position);
                var end = comma < 0 ? value.Length : comma;
                parameter = value[position..end].Trim();
                position = end;
            }
            if (!parameters.TryAdd(name, parameter)) return null; // a repeated parameter is ambiguous
        }

        if (!parameters.TryGetValue("keyId", out var keyId) || keyId.Length == 0) return null;
        if (!parameters.TryGetValue("signature", out var signature) || signature.Length == 0) return null;
        var headers = parameters.TryGetValue("headers", out var list)
            ? list.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(h => h.ToLowerInvariant()).ToList()
            : ["date"];
        return new CavageSignatureHeader(
            keyId,
            parameters.GetValueOrDefault("algorithm"),
            headers,
            signature,
            parameters.TryGetValue("created", out var created) && long.TryParse(created, out var c) ? c : null,
            parameters.TryGetValue("expires", out var expires) && long.TryParse(expires, out var e) ? e : null);
    }
}
