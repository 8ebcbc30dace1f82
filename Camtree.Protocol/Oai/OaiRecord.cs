namespace Camtree.Protocol.Oai;

/// <summary>A record's header (§2.5): its identifier, datestamp, sets, and whether the item was withdrawn.</summary>
public sealed record OaiHeader(string Identifier, DateTimeOffset Datestamp, IReadOnlyList<string> SetSpecs, bool Deleted);

/// <summary>A record: a header, and the report's metadata unless it was withdrawn.</summary>
public sealed record OaiRecord(OaiHeader Header, OaiReportMetadata? Metadata);

/// <summary>
/// What Camtree says about a research report in a repository, in plain text (the formats write it out): the fields
/// of the Article and its Camtree extension that a repository catalogues.
/// </summary>
public sealed record OaiReportMetadata
{
    /// <summary>The report's ActivityPub id.</summary>
    public required string Id { get; init; }
    /// <summary>Its page for people.</summary>
    public required string Url { get; init; }
    public required string Title { get; init; }
    public required string AuthorName { get; init; }
    public required string AuthorId { get; init; }
    /// <summary>A BCP 47 tag.</summary>
    public required string Language { get; init; }
    public required DateTimeOffset Published { get; init; }
    public DateTimeOffset? Updated { get; init; }
    public required string License { get; init; }
    public string Summary { get; init; } = "";
    public string? ResearchContext { get; init; }
    public string? Aims { get; init; }
    public string? Methods { get; init; }
    public string? Findings { get; init; }
    public string? Methodology { get; init; }
    public string? EducationalLevel { get; init; }
    public string? SubjectArea { get; init; }
    /// <summary>An ISO 3166-1 alpha-2 code.</summary>
    public string? Country { get; init; }
    public string? Setting { get; init; }
    public string? ReviewStatus { get; init; }
    public IReadOnlyList<string> Themes { get; init; } = [];
    /// <summary>The library that published it (this node's name for its own reports).</summary>
    public string? Publisher { get; init; }
    /// <summary>For a report held from another node: that node's origin (<c>https://host</c>), written as <c>dc:source</c>.</summary>
    public string? Source { get; init; }
}
