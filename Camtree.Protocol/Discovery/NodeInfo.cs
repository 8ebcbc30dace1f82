using System.Text.Json.Serialization;

namespace Camtree.Protocol.Discovery;

/// <summary>The NodeInfo 2.1 document (https://nodeinfo.diaspora.software/schema.html, version 2.1).</summary>
public sealed record NodeInfoDocument
{
    public const string SchemaRel = "http://nodeinfo.diaspora.software/ns/schema/2.1";
    public const string Profile = "http://nodeinfo.diaspora.software/ns/schema/2.1#";

    [JsonPropertyName("version")] public string Version { get; init; } = "2.1";
    [JsonPropertyName("software")] public required NodeInfoSoftware Software { get; init; }
    [JsonPropertyName("protocols")] public IReadOnlyList<string> Protocols { get; init; } = ["activitypub"];
    [JsonPropertyName("services")] public NodeInfoServices Services { get; init; } = new([], []);
    [JsonPropertyName("openRegistrations")] public bool OpenRegistrations { get; init; }
    [JsonPropertyName("usage")] public required NodeInfoUsage Usage { get; init; }
    [JsonPropertyName("metadata")] public IReadOnlyDictionary<string, object> Metadata { get; init; } = new Dictionary<string, object>();
}

public sealed record NodeInfoSoftware(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("repository"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Repository = null,
    [property: JsonPropertyName("homepage"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Homepage = null);

public sealed record NodeInfoServices(
    [property: JsonPropertyName("inbound")] IReadOnlyList<string> Inbound,
    [property: JsonPropertyName("outbound")] IReadOnlyList<string> Outbound);

public sealed record NodeInfoUsage(
    [property: JsonPropertyName("users")] NodeInfoUsers Users,
    [property: JsonPropertyName("localPosts")] int LocalPosts);

/// <summary>User counts; the activity figures are optional and left out unless the server measures them.</summary>
public sealed record NodeInfoUsers(
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("activeMonth"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ActiveMonth = null,
    [property: JsonPropertyName("activeHalfyear"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ActiveHalfyear = null);

/// <summary>The <c>/.well-known/nodeinfo</c> discovery document: links to the NodeInfo documents by schema.</summary>
public sealed record NodeInfoLinks(
    [property: JsonPropertyName("links")] IReadOnlyList<NodeInfoLink> Links);

public sealed record NodeInfoLink(
    [property: JsonPropertyName("rel")] string Rel,
    [property: JsonPropertyName("href")] string Href);
