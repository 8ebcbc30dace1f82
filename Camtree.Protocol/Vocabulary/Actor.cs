using System.Text.Json.Serialization;

namespace Camtree.Protocol.Vocabulary;

/// <summary>
/// An ActivityPub actor document (ActivityPub §4.1): a practitioner (<c>Person</c>) or a node's library
/// (<c>Service</c>), with the RSA key other servers verify its HTTP signatures with.
/// </summary>
public sealed record Actor
{
    public required string Id { get; init; }
    public required string Type { get; init; }
    public required string PreferredUsername { get; init; }
    public string? Name { get; init; }
    public string? Summary { get; init; }
    /// <summary>The human-facing profile page.</summary>
    public string? Url { get; init; }
    public required string Inbox { get; init; }
    public required string Outbox { get; init; }
    public required string Followers { get; init; }
    public required string Following { get; init; }
    public ActorEndpoints? Endpoints { get; init; }
    public bool ManuallyApprovesFollowers { get; init; }
    public DateTimeOffset? Published { get; init; }
    public required PublicKey PublicKey { get; init; }
    /// <summary>The actor's Ed25519 keys as FEP-521a Multikeys (current first), which its object proofs name.</summary>
    public IReadOnlyList<System.Text.Json.Nodes.JsonObject>? AssertionMethod { get; init; }
    /// <summary>Search consent (FEP-5feb, <c>toot:indexable</c>): the actor's public posts may be indexed for full-text search.</summary>
    public bool? Indexable { get; init; }
    /// <summary>FEP-5feb <c>toot:discoverable</c>: the actor may be listed in directories and suggested.</summary>
    public bool? Discoverable { get; init; }
    /// <summary>A Camtree library actor's library collection: every report its node publishes (<c>camtree:reports</c>).</summary>
    public string? Reports { get; init; }

    /// <summary>Profile fields as Mastodon shows them (name → value, the value HTML): affiliation, ORCID iD, country, languages.</summary>
    public IReadOnlyList<PropertyValue>? Attachment { get; init; }
    /// <summary>The practitioner's school, university or organisation (<c>schema:affiliation</c>, as text).</summary>
    public string? Affiliation { get; init; }
    /// <summary>The practitioner's ORCID iD as its URI (<c>schema:sameAs</c>).</summary>
    public string? SameAs { get; init; }
    /// <summary>Where the practitioner works: ISO 3166-1 alpha-2 (<c>camtree:country</c>).</summary>
    public string? Country { get; init; }
    /// <summary>The languages the practitioner reads and writes, BCP 47 tags (<c>schema:knowsLanguage</c>).</summary>
    public IReadOnlyList<string>? KnowsLanguage { get; init; }
}

/// <summary>A profile field (Mastodon's <c>attachment</c> of type <c>schema:PropertyValue</c>): a name, and a value in HTML.</summary>
public sealed record PropertyValue(string Name, string Value)
{
    public string Type { get; init; } = "PropertyValue";
}

/// <summary>The <c>endpoints</c> of an actor (ActivityPub §4.1); Camtree publishes its shared inbox there.</summary>
public sealed record ActorEndpoints(string SharedInbox);

/// <summary>
/// An actor's RSA public key in the W3C security vocabulary, as Mastodon publishes it:
/// <c>id</c> = actor IRI + <c>#main-key</c>, <c>owner</c> = the actor, PEM-encoded SubjectPublicKeyInfo.
/// </summary>
public sealed record PublicKey(string Id, string Owner, string PublicKeyPem);
