using Camtree.Node.Configuration;
using Camtree.Protocol.Discovery;
using Microsoft.Extensions.Options;

namespace Camtree.Node.Federation;

/// <summary>
/// Every IRI this node mints, built and parsed in this one place, from the configured public URL exactly
/// (scheme, host, port).
/// </summary>
public sealed class LocalUris
{
    public const string LibraryUsername = "library";
    private readonly string _base;

    public LocalUris(IOptions<NodeOptions> options) : this(options.Value.PublicUrl) { }

    public LocalUris(string publicUrl)
    {
        var uri = new Uri(publicUrl.TrimEnd('/'), UriKind.Absolute);
        _base = uri.GetLeftPart(UriPartial.Authority);
        Authority = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
    }

    /// <summary>The node's origin, e.g. <c>https://camtree.example.ac.uk</c>.</summary>
    public string Base => _base;
    /// <summary>Host, and port when not the scheme's default: the domain part of handles.</summary>
    public string Authority { get; }

    public string Actor(string username) => $"{_base}/users/{username}";
    public string KeyId(string username) => Actor(username) + "#main-key";
    public string Inbox(string username) => Actor(username) + "/inbox";
    public string Outbox(string username) => Actor(username) + "/outbox";
    public string Followers(string username) => Actor(username) + "/followers";
    public string Following(string username) => Actor(username) + "/following";
    public string SharedInbox => $"{_base}/inbox";
    /// <summary>The library collection: every report published on this node, in publication order.</summary>
    public string LibraryReports => Actor(LibraryUsername) + "/reports";
    /// <summary>The library collection's partition digests.</summary>
    public string LibraryDigests => LibraryReports + "/digests";
    public string Profile(string username) => $"{_base}/@{username}";
    public string Report(string slug) => $"{_base}/reports/{slug}";
    public string Activity(string id) => $"{_base}/activities/{id}";
    public string Note(string id) => $"{_base}/notes/{id}";
    /// <summary>A collection of an object: <c>{object IRI}/{name}</c> (replies, likes, shares).</summary>
    public string Collection(string objectIri, string name) => $"{objectIri}/{name}";
    /// <summary>A file a local report carries.</summary>
    public string Attachment(string publicId, string fileName) => $"{_base}/attachments/{publicId}/{Uri.EscapeDataString(fileName)}";
    public string Theme(string name) => $"{_base}/themes/{Uri.EscapeDataString(name)}";
    public AccountHandle Handle(string username) => new(username, Authority);

    /// <summary>A new id for an activity or report: time-ordered, unguessable.</summary>
    public static string NewId() => Guid.CreateVersion7().ToString("N");

    /// <summary>The username of a local actor IRI, or null when the IRI is not one.</summary>
    public string? ParseActor(string? iri) => ParseSegment(iri, "/users/");

    /// <summary>The slug of a local report IRI, or null.</summary>
    public string? ParseReport(string? iri) => ParseSegment(iri, "/reports/");

    /// <summary>True when the IRI is on this node's origin.</summary>
    public bool IsLocal(string? iri) =>
        iri is not null && Uri.TryCreate(iri, UriKind.Absolute, out var uri) && uri.GetLeftPart(UriPartial.Authority) == _base;

    private string? ParseSegment(string? iri, string prefix)
    {
        if (iri is null || !iri.StartsWith(_base + prefix, StringComparison.Ordinal)) return null;
        var rest = iri[(_base.Length + prefix.Length)..];
        return rest.Length > 0 && rest.IndexOfAny(['/', '#', '?']) < 0 ? rest : null;
    }
}
