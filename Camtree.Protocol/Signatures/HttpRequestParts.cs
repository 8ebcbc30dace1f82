namespace Camtree.Protocol.Signatures;

/// <summary>
/// The parts of an HTTP request that signatures cover, independent of any web framework:
/// the node adapts ASP.NET Core's request to this, the signing handler adapts <see cref="HttpRequestMessage"/>.
/// </summary>
/// <param name="Method">The request method, any case.</param>
/// <param name="PathAndQuery">The request target as sent: path plus <c>?query</c> when there is one.</param>
/// <param name="Headers">Header values by case-insensitive name.</param>
/// <param name="Body">The exact body bytes, or null for a request without a body.</param>
public sealed record HttpRequestParts(
    string Method,
    string PathAndQuery,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Headers,
    ReadOnlyMemory<byte>? Body = null)
{
    /// <summary>
    /// The scheme of the request's target URI, for RFC 9421's <c>@scheme</c> and <c>@target-uri</c>: what the
    /// sender used, not what the node sees behind a TLS-terminating proxy, so the node sets it from its public URL.
    /// </summary>
    public string Scheme { get; init; } = "https";

    /// <summary>The header's values joined as HTTP combines repeated fields (", "), or null when absent.</summary>
    public string? Header(string name) =>
        Headers.TryGetValue(name, out var values) && values.Count > 0 ? string.Join(", ", values) : null;

    /// <summary>Builds the parts from simple name/value pairs (names compared case-insensitively).</summary>
    public static HttpRequestParts Create(string method, string pathAndQuery,
        IEnumerable<KeyValuePair<string, string>> headers, ReadOnlyMemory<byte>? body = null)
    {
        var map = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var group in headers.GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase))
            map[group.Key] = group.Select(h => h.Value).ToList();
        return new HttpRequestParts(method, pathAndQuery, map, body);
    }
}
