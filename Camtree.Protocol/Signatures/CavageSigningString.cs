using System.Text;

namespace Camtree.Protocol.Signatures;

/// <summary>The signing string of draft-cavage-http-signatures-12 §2.3.</summary>
public static class CavageSigningString
{
    /// <summary>
    /// Builds the signing string: for each listed header, <c>name: value</c> with the lowercased name, joined by
    /// <c>\n</c>; <c>(request-target)</c> is the lowercased method, a space and the path with query;
    /// <c>(created)</c> and <c>(expires)</c> come from the signature parameters.
    /// Returns null and the missing header's name when a listed header is absent.
    /// </summary>
    public static (string? SigningString, string? Missing) Build(
        HttpRequestParts request, IReadOnlyList<string> headers, string requestTarget,
        long? created = null, long? expires = null)
    {
        var lines = new StringBuilder();
        foreach (var header in headers)
        {
            var name = header.ToLowerInvariant();
            string? value = name switch
            {
                "(request-target)" => $"{request.Method.ToLowerInvariant()} {requestTarget}",
                "(created)" => created?.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "(expires)" => expires?.ToString(System.Globalization.CultureInfo.InvariantCulture),
                // Each instance of a repeated header is trimmed, then they are joined with ", " (draft-cavage-12 §2.3).
                _ => request.Headers.TryGetValue(name, out var values) && values.Count > 0
                    ? string.Join(", ", values.Select(v => v.Trim())) : null,
            };
            if (value is null) return (null, name);
            if (lines.Length > 0) lines.Append('\n');
            lines.Append(name).Append(": ").Append(value);
        }
        return (lines.ToString(), null);
    }
}
