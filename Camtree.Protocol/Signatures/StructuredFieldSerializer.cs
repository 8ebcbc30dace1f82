using System.Globalization;
using System.Text;

namespace Camtree.Protocol.Signatures;

/// <summary>
/// Serialises RFC 8941 members canonically (<see href="https://www.rfc-editor.org/rfc/rfc8941#section-4.1">RFC 8941 §4.1</see>):
/// one space between inner-list items, no space around parameters, <c>;key</c> for a true parameter.
/// RFC 9421 builds the <c>@signature-params</c> line and each component identifier from this serialisation (§2.3, §2.5).
/// </summary>
public static class StructuredFieldSerializer
{
    /// <summary>Serialises an Item or an Inner List with its parameters.</summary>
    public static string Serialize(SfMember member)
    {
        var text = new StringBuilder();
        Append(text, member);
        return text.ToString();
    }

    private static void Append(StringBuilder text, SfMember member)
    {
        switch (member)
        {
            case SfItem item:
                AppendBareItem(text, item.Value);
                break;
            case SfInnerList list:
                text.Append('(');
                for (var i = 0; i < list.Items.Count; i++)
                {
                    if (i > 0) text.Append(' ');
                    Append(text, list.Items[i]);
                }
                text.Append(')');
                break;
        }
        foreach (var (key, value) in member.Parameters)
        {
            text.Append(';').Append(key);
            if (value is true) continue; // §4.1.1.2: a true Boolean parameter is the key alone
            text.Append('=');
            AppendBareItem(text, value);
        }
    }

    private static void AppendBareItem(StringBuilder text, object value)
    {
        switch (value)
        {
            case long integer:
                text.Append(integer.ToString(CultureInfo.InvariantCulture));
                break;
            case string str:
                text.Append('"');
                foreach (var c in str)
                {
                    if (c is '"' or '\\') text.Append('\\');
                    text.Append(c);
                }
                text.Append('"');
                break;
            case SfToken token:
                text.Append(token.Value);
                break;
            case byte[] bytes:
                text.Append(':').Append(Convert.ToBase64String(bytes)).Append(':');
                break;
            case bool boolean:
                text.Append(boolean ? "?1" : "?0");
                break;
            default:
                // Only reachable with a hand-built member: the parser produces nothing else.
                throw new ArgumentException($"not an RFC 8941 bare item: {value.GetType().Name}", nameof(value));
        }
    }
}
