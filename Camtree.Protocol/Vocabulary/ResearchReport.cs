namespace Camtree.Protocol.Vocabulary;

/// <summary>
/// A research report as an AS2 <c>Article</c>. Mastodon renders an Article as <c>name</c> + <c>summary</c>
/// + link and drops <c>content</c>, so <c>summary</c> always carries the structured abstract. The research
/// metadata uses Camtree's vocabulary and schema.org terms (see <see cref="JsonLd.CamtreeContext"/>).
/// </summary>
public sealed record ResearchReport
{
    public required string Id { get; init; }
    public string Type { get; init; } = AsTypes.Article;
    public required string AttributedTo { get; init; }
    public required string Name { get; init; }
    /// <summary>The structured abstract rendered as HTML (context, aims, methods, findings).</summary>
    public required string Summary { get; init; }
    /// <summary>The full report, HTML.</summary>
    public required string Content { get; init; }
    /// <summary><c>name</c> keyed by language (AS2 §4.7 natural language values).</summary>
    public IReadOnlyDictionary<string, string>? NameMap { get; init; }
    /// <summary><c>summary</c> keyed by language: the structured abstract of each version.</summary>
    public IReadOnlyDictionary<string, string>? SummaryMap { get; init; }
    public IReadOnlyDictionary<string, string>? ContentMap { get; init; }
    public required string Url { get; init; }
    public required DateTimeOffset Published { get; init; }
    public DateTimeOffset? Updated { get; init; }
    public IReadOnlyList<string> To { get; init; } = [ActivityStreams.PublicIri];
    public IReadOnlyList<string> Cc { get; init; } = [];
    public IReadOnlyList<Hashtag> Tag { get; init; } = [];
    /// <summary>Files that travel with the report (AS2 <c>attachment</c>, as <c>Document</c>s); null when it has none.</summary>
    public IReadOnlyList<AttachmentDocument>? Attachment { get; init; }

    // Research metadata (Camtree vocabulary and schema.org).
    public required string InLanguage { get; init; }
    public string? Methodology { get; init; }
    public string? EducationalLevel { get; init; }
    public string? SubjectArea { get; init; }
    public string? SpatialCoverage { get; init; }
    public string? Setting { get; init; }
    public string? ResearchContext { get; init; }
    public string? Aims { get; init; }
    public string? Methods { get; init; }
    public string? Findings { get; init; }
    public string License { get; init; } = CamtreeVocabulary.DefaultLicense;
    public string? ReviewStatus { get; init; }

    /// <summary>Collections of responses (ActivityPub §5.6–5.8): comments, likes, shares.</summary>
    public string? Replies { get; init; }
    public string? Likes { get; init; }
    public string? Shares { get; init; }
}

/// <summary>
/// A report in another language than its own (<c>inLanguage</c>): its title, abstract and body, as they travel in the
/// Article's <c>nameMap</c>, <c>summaryMap</c> and <c>contentMap</c> under one language tag (AS2 §4.7).
/// </summary>
public sealed record ReportVersion(string Language, string Name, string Summary, string Content);

/// <summary>A short text: a comment on a report, or a reply (AS2 Vocabulary §3.3 Note).</summary>
public sealed record Note
{
    public required string Id { get; init; }
    public string Type { get; init; } = AsTypes.Note;
    public required string AttributedTo { get; init; }
    public required string Content { get; init; }
    public string? InReplyTo { get; init; }
    public required DateTimeOffset Published { get; init; }
    public string? Url { get; init; }
    public IReadOnlyList<string> To { get; init; } = [ActivityStreams.PublicIri];
    public IReadOnlyList<string> Cc { get; init; } = [];
    public IReadOnlyList<Mention>? Tag { get; init; }
}

/// <summary>A mention of an actor in a Note's <c>tag</c> (AS2 Vocabulary §3.4 Mention).</summary>
public sealed record Mention(string Href, string Name)
{
    public string Type { get; init; } = "Mention";
}

/// <summary>What a deleted object leaves behind (AS2 Vocabulary §3.3 Tombstone).</summary>
public sealed record Tombstone(string Id, string FormerType, DateTimeOffset Deleted)
{
    public string Type { get; init; } = AsTypes.Tombstone;
}

/// <summary>A theme as a Mastodon-style <c>Hashtag</c> tag: <c>name</c> is <c>#theme</c>, <c>href</c> its page.</summary>
public sealed record Hashtag(string Href, string Name)
{
    public string Type { get; init; } = AsTypes.Hashtag;
}
