using Camtree.Node.Federation;
using Camtree.Node.Storage;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Node.Web.ViewModels;

/// <summary>A report as a card in a list.</summary>
public sealed record ReportCardModel(
    string Title, string Href, string Language, string AuthorName, DateTimeOffset Published, string? Methodology, string? Origin,
    string Excerpt, IReadOnlyList<string> Themes)
{
    /// <summary>The longest excerpt of findings on a card.</summary>
    public const int ExcerptChars = 280;

    public static ReportCardModel From(ReportRow report) => new(
        report.Title, ReportLinks.PageOf(report), report.Language, report.AuthorName, report.PublishedAt, report.Methodology,
        report.IsLocal ? null : new Uri(report.Iri).Authority, Library.ReportRendering.Excerpt(report.Findings, ExcerptChars), report.ThemeList);
}

/// <summary>A page of cards, with the link to the older ones; <paramref name="Notices"/> are said under the introduction.</summary>
public sealed record ReportListModel(SiteModel Site, string Title, string Heading, string? Intro, IReadOnlyList<ReportCardModel> Cards,
    string? NewestHref, string? OlderHref, string EmptyText, IReadOnlyList<string>? Notices = null);

/// <summary>Who vouches for a report received from elsewhere, as the page says it.</summary>
public enum Provenance { Local, ProofVerified, DeliveredByOrigin, ReadFromOrigin, Unverified }

/// <summary>A report's own page.</summary>
public sealed record ReportPageModel
{
    public required SiteModel Site { get; init; }
    public required string Title { get; init; }
    /// <summary>The language of the version shown.</summary>
    public required string Language { get; init; }
    /// <summary>The language the report was written in.</summary>
    public string OwnLanguage { get; init; } = "";
    /// <summary>Its versions (its own first) when it has some in other languages; empty when it has none.</summary>
    public IReadOnlyList<ReportVersionLink> Versions { get; init; } = [];
    public required string AuthorName { get; init; }
    /// <summary>The author's page: their profile here, or their IRI when it is http(s); else no link.</summary>
    public string? AuthorHref { get; init; }
    public required DateTimeOffset Published { get; init; }
    /// <summary>The node it comes from, for a report received from elsewhere.</summary>
    public string? Origin { get; init; }
    /// <summary>The original's page, when it is an http(s) address.</summary>
    public string? OriginalHref { get; init; }
    public Provenance Provenance { get; init; }
    public string? VerifiedKeyId { get; init; }
    public string? CopiedFrom { get; init; }
    public IReadOnlyList<(string Label, string Value)> Metadata { get; init; } = [];
    /// <summary>The licence: its name when known, else its address; a link only when it is http(s).</summary>
    public required (string Text, string? Href) License { get; init; }
    /// <summary>Sanitised HTML.</summary>
    public required string SummaryHtml { get; init; }
    /// <summary>Sanitised HTML.</summary>
    public required string ContentHtml { get; init; }
    public IReadOnlyList<string> Themes { get; init; } = [];
    /// <summary>The files it carries: this node's shown (images inline), another's as links to its author's server.</summary>
    public IReadOnlyList<AttachmentView> Attachments { get; init; } = [];
    public int Likes { get; init; }
    public int Shares { get; init; }
    public IReadOnlyList<CommentModel> Comments { get; init; } = [];
    /// <summary>For a signed-in practitioner: the forms to comment, like and share; null for a visitor (who is asked to sign in).</summary>
    public ReportActions? Actions { get; init; }
    /// <summary>The report's page on this node (where its forms post).</summary>
    public string Path { get; init; } = "";
    /// <summary>How to cite it (plain text, BibTeX, RIS).</summary>
    public Library.Citation? Citation { get; init; }
    /// <summary>What was just done ("Comment sent."), said once after the redirect.</summary>
    public string? Notice { get; init; }
}

/// <summary>A file a report carries, as its page shows it.</summary>
public sealed record AttachmentView(string Href, string Name, string MediaType, bool IsLocal)
{
    public bool IsImage => Protocol.Vocabulary.AttachmentTypes.IsImage(MediaType);
}

/// <summary>A link to a report's version in a language (its name in that language's own words).</summary>
public sealed record ReportVersionLink(string Language, string Name, string Href, bool Current);

/// <summary>The report page's forms for a signed-in practitioner.</summary>
public sealed record ReportActions(AntiforgeryField Antiforgery, bool Liked, bool Shared, string? OwnSlug = null);

/// <summary>A comment under a report (sanitised HTML).</summary>
public sealed record CommentModel(string AuthorName, DateTimeOffset Published, string ContentHtml);

/// <summary>Where reports live on this node's pages, and which URLs from peers may become links.</summary>
public static class ReportLinks
{
    /// <summary>Local reports live at their IRI; federated ones at this node's copy.</summary>
    public static string PageOf(ReportRow report) => report.IsLocal ? report.Url : $"/library/{report.Id}";

    /// <summary>The URL when it is an absolute http(s) address, else null: the only links made from what peers send.</summary>
    public static string? Safe(string? url) => KnownLicenses.IsLicenseUrl(url) ? url : null;

    public static string Theme(string theme) => $"/themes/{Uri.EscapeDataString(theme)}";
}

/// <summary>How the viewer of a profile stands towards its practitioner: what the Follow part of the page offers.</summary>
public enum ProfileFollowState { SignedOut, Self, NotFollowing, Pending, Following }

/// <summary>
/// A practitioner's profile page: who they are (name, handle, affiliation, ORCID iD, country, languages), what they chose
/// about search, a Follow button for a signed-in viewer, and their reports a page at a time.
/// </summary>
public sealed record ProfilePageModel(SiteModel Site, string Name, string Handle, string ActorIri, string Summary, string Affiliation,
    string? OrcidHref, string? Country, IReadOnlyList<string> Languages, bool Indexable, bool Discoverable, ProfileFollowState FollowState,
    AntiforgeryField? Antiforgery, ReportListModel Reports, string Path);

/// <summary>A library elsewhere in the network, as the network page lists it.</summary>
/// <param name="Reports">How many of its reports this node holds (for a subscription), else null.</param>
public sealed record NetworkLibrary(string ActorIri, string Name, string Handle, string? Href, string? State, int? Reports,
    IReadOnlyList<(string Theme, int Reports)> Themes, bool Followed);

/// <summary>
/// The network as this node sees it: itself (name, description, counts, themes), the libraries it subscribes to, and
/// those that follow it, each with a Follow button for a signed-in practitioner.
/// </summary>
public sealed record NetworkPageModel(SiteModel Site, string Description, string LibraryHandle, string LibraryIri, Library.NodeSummary Summary,
    IReadOnlyList<NetworkLibrary> Subscribed, IReadOnlyList<NetworkLibrary> Following, AntiforgeryField? Antiforgery);
