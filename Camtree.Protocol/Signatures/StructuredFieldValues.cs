namespace Camtree.Protocol.Signatures;

/// <summary>
/// A member of an RFC 8941 Structured Field: an Item or an Inner List, each with its Parameters
/// (<see href="https://www.rfc-editor.org/rfc/rfc8941#section-3.1">RFC 8941 §3.1</see>).
/// Only what RFC 9421 and RFC 9530 need is modelled. A bare item value is one of:
/// <see cref="long"/> (Integer), <see cref="string"/> (String), <see cref="SfToken"/> (Token),
/// <c>byte[]</c> (Byte Sequence) or <see cref="bool"/> (Boolean). Decimals are not supported.
/// </summary>
/// <param name="Parameters">The parameters in order (RFC 8941 §3.1.2: an ordered map).</param>
public abstract record SfMember(IReadOnlyList<KeyValuePair<string, object>> Parameters)
{
    /// <summary>The value of a parameter, or null when it is absent.</summary>
    public object? Parameter(string key)
    {
        foreach (var parameter in Parameters)
            if (parameter.Key == key) return parameter.Value;
        return null;
    }
}

/// <summary>An Item (<see href="https://www.rfc-editor.org/rfc/rfc8941#section-3.3">RFC 8941 §3.3</see>).</summary>
public sealed record SfItem(object Value, IReadOnlyList<KeyValuePair<string, object>> Parameters) : SfMember(Parameters);

/// <summary>An Inner List (<see href="https://www.rfc-editor.org/rfc/rfc8941#section-3.1.1">RFC 8941 §3.1.1</see>).</summary>
public sealed record SfInnerList(IReadOnlyList<SfItem> Items, IReadOnlyList<KeyValuePair<string, object>> Parameters) : SfMember(Parameters);

/// <summary>A Token (<see href="https://www.rfc-editor.org/rfc/rfc8941#section-3.3.4">RFC 8941 §3.3.4</see>), distinct from a String.</summary>
public readonly record struct SfToken(string Value)
{
    public override string ToString() => Value;
}
