namespace Camtree.Protocol.Signatures;

/// <summary>
/// One member of the <c>Signature-Input</c> field (<see href="https://www.rfc-editor.org/rfc/rfc9421#section-4.1">RFC 9421 §4.1</see>):
/// a label, the covered components and the signature parameters of <see href="https://www.rfc-editor.org/rfc/rfc9421#section-2.3">§2.3</see>.
/// </summary>
/// <param name="Label">The dictionary key that pairs it with its <c>Signature</c> member.</param>
/// <param name="Parameters">The inner list as parsed: covered components with the parameters attached.</param>
/// <param name="KeyId">The <c>keyid</c> parameter: which key signed.</param>
/// <param name="Algorithm">The <c>alg</c> parameter, optional and sender-chosen.</param>
/// <param name="Created">The <c>created</c> parameter, Unix seconds.</param>
/// <param name="Expires">The <c>expires</c> parameter, Unix seconds.</param>
public sealed record Rfc9421SignatureInput(
    string Label,
    SfInnerList Parameters,
    string? KeyId,
    string? Algorithm,
    long? Created,
    long? Expires)
{
    /// <summary>
    /// Whether the signature covers a component by this name with no component parameters: <c>"@method";req</c>
    /// is a different component and does not count.
    /// </summary>
    public bool Covers(string name) =>
        Parameters.Items.Any(item => item.Value is string covered && covered == name && item.Parameters.Count == 0);

    /// <summary>
    /// Reads a member. Null and why when it is not an inner list of strings, or when a parameter RFC 9421 defines
    /// has the wrong type (<c>created</c> and <c>expires</c> are Integers; <c>keyid</c>, <c>alg</c>, <c>nonce</c>
    /// and <c>tag</c> are Strings). Other parameters are allowed and ignored: the registry is open (§6.3).
    /// </summary>
    public static (Rfc9421SignatureInput? Input, string? Problem) Parse(string label, SfMember member)
    {
        if (member is not SfInnerList list)
            return (null, $"Signature-Input member '{label}' is not an inner list");
        if (list.Items.Any(item => item.Value is not string))
            return (null, $"Signature-Input member '{label}' lists a component that is not a string");
        foreach (var (key, value) in list.Parameters)
        {
            var expected = key switch
            {
                "created" or "expires" => value is long,
                "keyid" or "alg" or "nonce" or "tag" => value is string,
                _ => true,
            };
            if (!expected) return (null, $"Signature-Input parameter '{key}' of '{label}' has the wrong type");
        }
        return (new Rfc9421SignatureInput(
            label,
            list,
            list.Parameter("keyid") as string,
            list.Parameter("alg") as string,
            list.Parameter("created") as long?,
            list.Parameter("expires") as long?), null);
    }
}
