namespace Camtree.Protocol.Signatures;

/// <summary>
/// The values of RFC 9421 message components in a request: HTTP fields
/// (<see href="https://www.rfc-editor.org/rfc/rfc9421#section-2.1">§2.1</see>) and the derived components of
/// <see href="https://www.rfc-editor.org/rfc/rfc9421#section-2.2">§2.2</see> that a request has.
/// </summary>
public static class Rfc9421Components
{
    /// <summary>
    /// The value of one covered component, or null and why it cannot be reconstructed: unknown, absent from the
    /// request, for responses only, or with a component parameter (<c>;sf</c>, <c>;bs</c>, <c>;req</c>, …) this node
    /// does not implement. Verification must then fail (§3.2 step 4), never skip the component.
    /// </summary>
    public static (string? Value, string? Problem) Value(HttpRequestParts request, SfItem identifier)
    {
        if (identifier.Value is not string name)
            return (null, "a component identifier is not a string");
        if (name.StartsWith('@'))
            return DerivedValue(request, name, identifier);
        if (identifier.Parameters.Count > 0)
            return (null, $"component parameter ';{identifier.Parameters[0].Key}' on '{name}' is not supported");
        if (name.Length == 0 || name.Any(char.IsAsciiLetterUpper))
            return (null, $"field component '{name}' is not a lowercase field name (§2.1)");
        return FieldValue(request, name) is { } value ? (value, null) : (null, $"the request has no '{name}' field");
    }

    /// <summary>
    /// A field's value per §2.1: each instance's value without leading and trailing whitespace, joined with <c>", "</c>.
    /// </summary>
    public static string? FieldValue(HttpRequestParts request, string name) =>
        request.Headers.TryGetValue(name, out var values) && values.Count > 0
            ? string.Join(", ", values.Select(v => v.Trim(' ', '\t')))
            : null;

    private static (string? Value, string? Problem) DerivedValue(HttpRequestParts request, string name, SfItem identifier)
    {
        if (name == "@query-param")
            return QueryParamValue(request, identifier);
        if (identifier.Parameters.Count > 0)
            return (null, $"component parameter ';{identifier.Parameters[0].Key}' on '{name}' is not supported");

        var pathAndQuery = request.PathAndQuery;
        var queryStart = pathAndQuery.IndexOf('?');
        var path = queryStart < 0 ? pathAndQuery : pathAndQuery[..queryStart];
        return name switch
        {
            "@method" => (request.Method, null), // §2.2.1: case-sensitive, not normalised
            "@target-uri" => Authority(request) is { } authority
                ? ($"{request.Scheme.ToLowerInvariant()}://{authority}{pathAndQuery}", null)
                : (null, "the request has no Host header for '@target-uri'"),
            "@authority" => Authority(request) is { } authority
                ? (authority, null)
                : (null, "the request has no Host header for '@authority'"),
            "@scheme" => (request.Scheme.ToLowerInvariant(), null),
            "@request-target" => (pathAndQuery, null),
            "@path" => (path.Length == 0 ? "/" : path, null), // §2.2.6: an empty path is "/"
            "@query" => (queryStart < 0 ? "?" : pathAndQuery[queryStart..], null), // §2.2.7: no query is "?"
            "@status" => (null, "'@status' belongs to responses"),
            "@signature-params" => (null, "'@signature-params' must not be listed as a covered component (§2.3)"),
            _ => (null, $"unknown derived component '{name}'"),
        };
    }

    /// <summary>
    /// §2.2.3: the Host, lowercased, without the scheme's default port (RFC 9110 §4.2.3 normalisation).
    /// </summary>
    private static string? Authority(HttpRequestParts request)
    {
        var host = FieldValue(request, "host");
        if (string.IsNullOrEmpty(host)) return null;
        host = host.ToLowerInvariant();
        var defaultPort = request.Scheme.Equals("http", StringComparison.OrdinalIgnoreCase) ? ":80" : ":443";
        return host.EndsWith(defaultPort, StringComparison.Ordinal) ? host[..^defaultPort.Length] : host;
    }

    private static (string? Value, string? Problem) QueryParamValue(HttpRequestParts request, SfItem identifier)
    {
        if (identifier.Parameters is not [{ Key: "name", Value: string encodedName }])
            return (null, "'@query-param' needs exactly one parameter, a string 'name' (§2.2.8)");
        return Rfc9421QueryParam.Value(request.PathAndQuery, encodedName);
    }
}
