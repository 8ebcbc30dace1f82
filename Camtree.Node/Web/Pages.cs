using System.Text;
using Camtree.Node.Configuration;
using Camtree.Node.Federation;
using Camtree.Node.Storage;
using Microsoft.Extensions.Options;
using static Camtree.Node.Web.Html;

namespace Camtree.Node.Web;

/// <summary>
/// The server-rendered pages: the library, a report, a practitioner's profile. Lists come a page at a time
/// (<see cref="PageSize"/> cards, each with a bounded excerpt); every link to somewhere else is an http(s) URL
/// checked here, whatever a peer sent.
/// </summary>
public sealed class Pages(IOptions<NodeOptions> options, LocalUris uris)
{
    /// <summary>Cards on one page of a list.</summary>
    public const int PageSize = 20;

    /// <summary>The longest excerpt of findings on a card.</summary>
    public const int ExcerptChars = 280;

    private string NodeName => options.Value.NodeName;

    /// <param name="reports">Up to <see cref="PageSize"/> + 1 reports: one more than shown tells there is a next page.</param>
    public IResult Library(IReadOnlyList<ReportRow> reports, int localCount, bool isFirstPage)
    {
        var body = new StringBuilder();
        body.Append($"<h1>{E(NodeName)}</h1>");
        body.Append($"<p class=\"meta\">{localCount} reports written here, and those of the nodes this library federates with.</p>");
        AppendCards(body, reports, "/", isFirstPage);
        return Page(NodeName, "Library", body.ToString());
    }

    private void AppendCards(StringBuilder body, IReadOnlyList<ReportRow> reports, string path, bool isFirstPage)
    {
        if (reports.Count == 0) body.Append(isFirstPage ? "<p>No reports yet.</p>" : "<p>No older reports.</p>");
        foreach (var report in reports.Take(PageSize)) body.Append(Card(report));
        if (reports.Count > PageSize || !isFirstPage)
        {
            body.Append("<nav class=\"pages\" aria-label=\"Pages\">");
            body.Append(isFirstPage ? "<span></span>" : $"<a href=\"{E(path)}\">Newest reports</a>");
            if (reports.Count > PageSize)
                body.Append($"<a href=\"{E(path)}?before={E(LibraryCursor.After(reports[PageSize - 1]).ToString())}\" rel=\"next\">Older reports</a>");
            body.Append("</nav>");
        }
    }

    /// <summary>A report's page, with its comments and how often it was liked and shared.</summary>
    public async Task<IResult> ReportAsync(ReportRow report, InteractionStore interactions)
    {
        if (report.DeletedAt is not null) return Gone(report);
        var comments = await interactions.CommentsOnAsync(report.Iri);
        var likes = (await interactions.ActorsAsync(InteractionKinds.Like, report.Iri)).Count;
        var shares = (await interactions.ActorsAsync(InteractionKinds.Share, report.Iri)).Count;
        return Report(report, comments, likes, shares);
    }

    /// <summary>What a deleted report's address shows: that it was deleted (410 Gone).</summary>
    public IResult Gone(ReportRow report)
    {
        return Page(NodeName, "Deleted report",
            $"<h1>This report was deleted</h1><p class=\"meta\">Its author withdrew it on {report.DeletedAt:d MMMM yyyy}.</p>",
            statusCode: StatusCodes.Status410Gone);
    }

    private IResult Report(ReportRow report, IReadOnlyList<CommentRow> comments, int likes, int shares)
    {
        var body = new StringBuilder();
        body.Append($"<article lang=\"{E(report.Language)}\">");
        body.Append($"<h1>{E(report.Title)}</h1>");
        body.Append($"<p class=\"meta\">by {Link(AuthorLink(report), report.AuthorName)} · {report.PublishedAt:d MMMM yyyy} · {E(report.Language)}");
        if (!report.IsLocal)
        {
            body.Append($" · <span class=\"tag origin\">from {E(new Uri(report.Iri).Authority)}</span>");
            if (SafeHref(report.Url) is { } original) body.Append($" <a href=\"{E(original)}\" rel=\"nofollow noopener noreferrer\">original</a>");
        }
        body.Append("</p>");
        body.Append(Provenance(report));
        body.Append("<dl class=\"research\">");
        Field(body, "Methodology", report.Methodology);
        Field(body, "Phase", report.EducationalLevel);
        Field(body, "Subject", report.SubjectArea);
        Field(body, "Country", report.Country);
        Field(body, "Setting", report.Setting);
        body.Append($"<dt>Licence</dt><dd>{License(report.License)}</dd>");
        body.Append("</dl>");
        body.Append("<section><h2>Abstract</h2>").Append(report.SummaryHtml).Append("</section>");
        body.Append("<section>").Append(report.ContentHtml).Append("</section>");
        body.Append(Themes(report));
        body.Append($"<p class=\"meta\">{likes} likes · {shares} shares</p>");
        body.Append("</article>");
        body.Append($"<section><h2>Comments ({comments.Count})</h2>");
        foreach (var comment in comments)
            body.Append($"<article class=\"card\"><p class=\"meta\">{E(comment.AuthorName)} · {comment.PublishedAt:d MMM yyyy}</p>{comment.ContentHtml}</article>");
        body.Append("</section>");
        return Page(NodeName, report.Title, body.ToString(), report.Language);
    }

    public IResult Theme(string theme, IReadOnlyList<ReportRow> reports, bool isFirstPage)
    {
        var body = new StringBuilder();
        body.Append($"<h1>#{E(theme)}</h1>");
        body.Append("<p class=\"meta\">Reports on this theme in this library.</p>");
        AppendCards(body, reports, $"/themes/{Uri.EscapeDataString(theme)}", isFirstPage);
        return Page(NodeName, "#" + theme, body.ToString());
    }

    public IResult Profile(LocalActor actor, IReadOnlyList<ReportRow> reports, bool isFirstPage)
    {
        var body = new StringBuilder();
        body.Append($"<h1>{E(actor.DisplayName)}</h1>");
        body.Append($"<p class=\"meta\">{E(uris.Handle(actor.Username).ToString())}</p><p>{E(actor.Summary)}</p>");
        body.Append($"<h2>Reports</h2>");
        AppendCards(body, reports, $"/@{actor.Username}", isFirstPage);
        return Page(NodeName, actor.DisplayName, body.ToString());
    }

    private string Card(ReportRow report)
    {
        var card = new StringBuilder();
        card.Append($"<article class=\"card\" lang=\"{E(report.Language)}\">");
        card.Append($"<h3><a href=\"{E(PageLink(report))}\">{E(report.Title)}</a></h3>");
        card.Append($"<p class=\"meta\">{E(report.AuthorName)} · {report.PublishedAt:d MMM yyyy} · {E(report.Language)}");
        if (report.Methodology is not null) card.Append($" · {E(report.Methodology)}");
        if (!report.IsLocal) card.Append($" · <span class=\"tag origin\">from {E(new Uri(report.Iri).Authority)}</span>");
        card.Append("</p>");
        if (report.Findings is not null) card.Append($"<p>{E(Camtree.Node.Library.ReportRendering.Excerpt(report.Findings, ExcerptChars))}</p>");
        card.Append(Themes(report));
        card.Append("</article>");
        return card.ToString();
    }

    /// <summary>Local reports live at their IRI; federated ones at this node's copy.</summary>
    private static string PageLink(ReportRow report) => report.IsLocal ? report.Url : $"/library/{report.Id}";

    private string AuthorLink(ReportRow report) =>
        uris.ParseActor(report.AuthorIri) is { } username ? uris.Profile(username) : report.AuthorIri;

    /// <summary>Who vouches for a report received from elsewhere: its proof, its author's server, or nobody (flagged).</summary>
    private static string Provenance(ReportRow report) => report switch
    {
        { IsLocal: true } => "",
        { ProofVerified: true, VerifiedKeyId: { } key } =>
            $"<p class=\"meta provenance verified\">✓ Signed by its author: the object proof verifies with {E(key)}.</p>",
        { VerifiedKeyId: { } key } => $"<p class=\"meta provenance\">Delivered by its author's server (HTTP signature by {E(key)}).</p>",
        { CopiedFrom: null } => "<p class=\"meta provenance\">Read from its author's server.</p>",
        _ => $"<p class=\"meta provenance flagged\">⚠ Unverified copy{(report.CopiedFrom is { } from ? $" from {E(from)}" : "")}: its proof did not verify; it may not be what its author wrote.</p>",
    };

    /// <summary>The URL when it is an absolute http(s) address, else null: the only links made from what peers send.</summary>
    private static string? SafeHref(string? url) =>
        Protocol.Vocabulary.KnownLicenses.IsLicenseUrl(url) ? url : null;

    /// <summary>A link when the URL is safe, else the text alone.</summary>
    private static string Link(string? url, string text) =>
        SafeHref(url) is { } href ? $"<a href=\"{E(href)}\">{E(text)}</a>" : E(text);

    /// <summary>A known licence by its name, another http(s) licence by its address, anything else as text.</summary>
    private static string License(string license) =>
        Protocol.Vocabulary.KnownLicenses.NameOf(license) is { } name
            ? $"<a href=\"{E(license)}\" rel=\"license\">{E(name)}</a>"
            : SafeHref(license) is { } href ? $"<a href=\"{E(href)}\" rel=\"license nofollow noopener noreferrer\">{E(href)}</a>" : E(license);

    private static string Themes(ReportRow report) =>
        string.Concat(report.ThemeList.Select(t => $"<a class=\"tag\" href=\"/themes/{Uri.EscapeDataString(t)}\">#{E(t)}</a>"));

    private static void Field(StringBuilder body, string label, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value)) body.Append($"<dt>{E(label)}</dt><dd>{E(value)}</dd>");
    }
}
