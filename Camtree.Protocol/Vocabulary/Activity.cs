namespace Camtree.Protocol.Vocabulary;

/// <summary>
/// An outgoing activity (AS2 Vocabulary §3.1, ActivityPub §6). <see cref="Object"/> is either an IRI
/// (a string) or an embedded object (a record such as <see cref="ResearchReport"/> or another Activity).
/// </summary>
public sealed record Activity
{
    public required string Id { get; init; }
    public required string Type { get; init; }
    public required string Actor { get; init; }
    public required object Object { get; init; }
    public IReadOnlyList<string>? To { get; init; }
    public IReadOnlyList<string>? Cc { get; init; }
    /// <summary>The Group(s) an activity was sent into (FEP-1b12: a group's <c>Announce</c> names itself here).</summary>
    public IReadOnlyList<string>? Audience { get; init; }
    public DateTimeOffset? Published { get; init; }
}

/// <summary>An <c>OrderedCollection</c> (AS2 Core §5.3) that links to its first and last pages.</summary>
public sealed record OrderedCollection
{
    public required string Id { get; init; }
    public string Type { get; init; } = AsTypes.OrderedCollection;
    public required int TotalItems { get; init; }
    public string? First { get; init; }
    public string? Last { get; init; }
}

/// <summary>One page of an <c>OrderedCollection</c> (AS2 Core §5.6), newest items first.</summary>
public sealed record OrderedCollectionPage
{
    public required string Id { get; init; }
    public string Type { get; init; } = AsTypes.OrderedCollectionPage;
    public required string PartOf { get; init; }
    public int? TotalItems { get; init; }
    public string? Next { get; init; }
    public string? Prev { get; init; }
    public required IReadOnlyList<object> OrderedItems { get; init; }
}
