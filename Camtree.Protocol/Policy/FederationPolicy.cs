namespace Camtree.Protocol.Policy;

/// <summary>How a node chooses whom it federates with.</summary>
public enum FederationMode
{
    /// <summary>Everyone, as most fediverse servers do.</summary>
    Open,
    /// <summary>Only the listed domains (a closed network of institutions under an agreement).</summary>
    Allowlist,
    /// <summary>Everyone but the listed domains.</summary>
    Blocklist,
}

/// <summary>
/// The node owner's choice of whom to federate with, applied to every exchange: inbox deliveries received,
/// deliveries sent, documents fetched, signed fetches served. A listed domain covers its subdomains
/// (<c>example.ac.uk</c> covers <c>camtree.example.ac.uk</c>); an entry with a port (<c>127.0.0.1:5081</c>)
/// names that authority only.
/// </summary>
public sealed class FederationPolicy(FederationMode mode, IEnumerable<string> domains, string? self = null)
{
    private readonly HashSet<string> _domains = new(domains.Select(d => d.Trim().TrimEnd('.').ToLowerInvariant()).Where(d => d.Length > 0));
    private readonly string? _self = self?.ToLowerInvariant();

    public static readonly FederationPolicy Open = new(FederationMode.Open, []);

    public FederationMode Mode { get; } = mode;

    /// <summary>Whether the node talks to a host, given as <c>host</c> or <c>host:port</c>.</summary>
    public bool Allows(string authority)
    {
        // A node always talks to itself (a practitioner following a colleague on the same node goes through HTTP too).
        if (Mode == FederationMode.Open || authority.Equals(_self, StringComparison.OrdinalIgnoreCase)) return true;
        var listed = IsListed(authority.ToLowerInvariant());
        return Mode == FederationMode.Allowlist ? listed : !listed;
    }

    /// <summary>Whether the node talks to the host of a URL (an IRI, an inbox, a key id).</summary>
    public bool AllowsUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && Allows(uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}");

    private bool IsListed(string authority)
    {
        if (_domains.Contains(authority)) return true;
        var host = authority.StartsWith('[') ? authority[..(authority.IndexOf(']') + 1)] : authority.Split(':')[0];
        for (var name = host; ; name = name[(name.IndexOf('.') + 1)..])
        {
            if (_domains.Contains(name)) return true;
            if (!name.Contains('.')) return false;
        }
    }
}
