using System.Text;

namespace Camtree.Protocol.Signatures;

/// <summary>The signature base of RFC 9421 (<see href="https://www.rfc-editor.org/rfc/rfc9421#section-2.5">§2.5</see>).</summary>
public static class Rfc9421SignatureBase
{
    /// <summary>
    /// Builds the signature base for one signature: for each covered component, its serialised identifier, <c>": "</c>
    /// and its value, each line ending in LF; then <c>"@signature-params": </c> and the parameters. Returns null and
    /// why when a component cannot be reconstructed or is listed twice.
    /// </summary>
    /// <remarks>
    /// The <c>@signature-params</c> value is the canonical RFC 8941 serialisation of the parsed inner list, as §2.3
    /// defines it, not the text received. For a conforming signer the two are the same string. Re-serialising means
    /// the bytes verified are exactly the parameters checked: with the text received, <c>created=1;created=2</c>
    /// would be signed as sent but read as 2, so the signature would vouch for something other than what the policy
    /// checked.
    /// </remarks>
    public static (string? Base, string? Problem) Build(HttpRequestParts request, SfInnerList signatureParameters)
    {
        var lines = new StringBuilder();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var component in signatureParameters.Items)
        {
            var identifier = StructuredFieldSerializer.Serialize(component);
            if (!seen.Add(identifier)) return (null, $"component {identifier} is listed twice (§2.5)");
            var (value, problem) = Rfc9421Components.Value(request, component);
            if (value is null) return (null, problem);
            // A line break inside a value would let it pose as further lines of the base.
            if (value.AsSpan().IndexOfAny('\r', '\n') >= 0) return (null, $"component {identifier} has a line break in its value");
            lines.Append(identifier).Append(": ").Append(value).Append('\n');
        }
        lines.Append("\"@signature-params\": ").Append(StructuredFieldSerializer.Serialize(signatureParameters));
        return (lines.ToString(), null);
    }
}
