using Camtree.Node.Configuration;
using Camtree.Node.Federation;
using Camtree.Node.Storage;
using Camtree.Node.Web.Components;
using Camtree.Node.Web.ViewModels;
using Camtree.Protocol.Vocabulary;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Camtree.Node.Web;

/// <summary>
/// The pages for people, as Razor components rendered on the server from view models: the library, a report, a theme,
/// a practitioner's profile. Lists come a page at a time (<see cref="PageSize"/> cards, each with a bounded excerpt);
/// every link to somewhere else is an http(s) URL checked here, whatever a peer sent. The texts made here are in the
/// reader's language (<paramref name="text"/>, with the culture of the request).
/// </summary>
public sealed class Pages(IOptions<NodeOptions> options, LocalUris uris, IStringLocalizer<Localization.Text> text)
{
    /// <summary>Cards on one page of a list.</summary>
    public const int PageSize = 20;

    private SiteModel Site => new(options.Value.NodeName);

    /// <param name="reports">Up to <see cref="PageSize"/> + 1 reports: one more than shown tells there is a next page.</param>
    public IResult Library(IReadOnlyList<ReportRow> reports, int localCount, bool isFirstPage) =>
        List(text["Library"], options.Value.NodeName, text["{0} reports written here, and those of the nodes this library federates with.", localCount], reports, "/",
            isFirstPage);

    /// <summary>A signed-in practitioner's home: the reports of those they follow.</summary>
    public IResult Home(LocalActor actor, IReadOnlyList<ReportRow> reports, bool isFirstPage) =>
        List(text["Home"], text["Home"], text["Reports by the people and libraries {0} follows, newest first.", actor.DisplayName], reports, "/home", isFirstPage,
            reports.Count == 0 && isFirstPage ? [text["Follow practitioners and libraries (Find people) to see their reports here."].Value] : null);

    /// <summary>A theme's page: its group (when it has one), how the viewer follows it, its reports.</summary>
    public IResult Theme(string theme, ThemeGroup? group, int followers, IReadOnlyList<ReportRow> reports, bool isFirstPage, ProfileFollowState followState,
        AntiforgeryField? antiforgery)
    {
        var path = ReportLinks.Theme(theme);
        return Render<ThemePage>(new ThemePageModel(Site, theme, group is null ? null : uris.Handle(group.Username).ToString(),
            group is null ? null : uris.Actor(group.Username), followers, followState, antiforgery,
            ListModel("#" + theme, "#" + theme, null, reports, path, isFirstPage), path));
    }

    /// <summary>The directory of themes.</summary>
    public IResult Themes(IReadOnlyList<ThemeListing> themes, IReadOnlySet<string> followed, AntiforgeryField? antiforgery) =>
        Render<ThemesPage>(new ThemesPageModel(Site, [.. themes.Select(t => new ThemeEntry(t.Theme, uris.Handle(t.Username).ToString(), uris.Actor(t.Username),
            t.Reports, t.Followers, followed.Contains(uris.Actor(t.Username))))], antiforgery));

    /// <summary>A practitioner's page, with what the viewer can do: follow them, or (their own) edit it.</summary>
    public IResult Profile(LocalActor actor, IReadOnlyList<ReportRow> reports, bool isFirstPage, ProfileFollowState followState, AntiforgeryField? antiforgery)
    {
        var path = $"/@{actor.Username}";
        return Render<ProfilePage>(new ProfilePageModel(Site, actor.DisplayName, uris.Handle(actor.Username).ToString(), uris.Actor(actor.Username), actor.Summary,
            actor.Affiliation, actor.Orcid is { } orcid ? ReportLinks.Safe(orcid) : null, actor.Country, actor.LanguageList, actor.Indexable, actor.Discoverable,
            followState, antiforgery, ListModel(actor.DisplayName, actor.DisplayName, null, reports, path, isFirstPage), path));
    }

    private IResult List(string title, string heading, string? intro, IReadOnlyList<ReportRow> reports, string path, bool isFirstPage,
        IReadOnlyList<string>? notices = null) =>
        Render<ReportListPage>(ListModel(title, heading, intro, reports, path, isFirstPage, notices));

    private ReportListModel ListModel(string title, string heading, string? intro, IReadOnlyList<ReportRow> reports, string path, bool isFirstPage,
        IReadOnlyList<string>? notices = null) =>
        new ReportListModel(Site, title, heading, intro, reports.Take(PageSize).Select(ReportCardModel.From).ToList(),
            isFirstPage ? null : path,
            reports.Count > PageSize ? $"{path}?before={Uri.EscapeDataString(LibraryCursor.After(reports[PageSize - 1]).ToString())}" : null,
            isFirstPage ? "No reports yet." : "No older reports.", notices);

    /// <summary>A report's page, with its comments and how often it was liked and shared.</summary>
    /// <param name="language">The version asked for (<c>?lang=</c>); else the one in the reader's interface language, else the report's own.</param>
    public async Task<IResult> ReportAsync(ReportRow report, InteractionStore interactions, ReportActions? actions = null, string? notice = null,
        string? language = null)
    {
        if (report.DeletedAt is not null) return Gone(report);
        var own = new ReportTranslation { Language = report.Language, Title = report.Title, SummaryHtml = report.SummaryHtml, ContentHtml = report.ContentHtml };
        var versions = report.TranslationList.Prepend(own).ToList();
        var shown = ChooseVersion(versions, language, System.Globalization.CultureInfo.CurrentUICulture.Name);
        var comments = await interactions.CommentsOnAsync(report.Iri);
        var model = new ReportPageModel
        {
            Site = Site,
            Title = shown.Title,
            Language = shown.Language,
            OwnLanguage = report.Language,
            Versions = versions.Count == 1 ? [] : [.. versions.Select(v => new ReportVersionLink(v.Language,
                Camtree.Node.Library.Search.FacetLabels.NativeLanguageName(v.Language),
                $"/library/{report.Id}?lang={Uri.EscapeDataString(v.Language)}", ReferenceEquals(v, shown)))],
            AuthorName = report.AuthorName,
            AuthorHref = uris.ParseActor(report.AuthorIri) is { } username ? uris.Profile(username) : ReportLinks.Safe(report.AuthorIri),
            Published = report.PublishedAt,
            Origin = report.IsLocal ? null : new Uri(report.Iri).Authority,
            OriginalHref = report.IsLocal ? null : ReportLinks.Safe(report.Url),
            Provenance = report switch
            {
                { IsLocal: true } => Provenance.Local,
                { ProofVerified: true, VerifiedKeyId: not null } => Provenance.ProofVerified,
                { VerifiedKeyId: not null } => Provenance.DeliveredByOrigin,
                { CopiedFrom: null, Flagged: false } => Provenance.ReadFromOrigin,
                _ => Provenance.Unverified,
            },
            VerifiedKeyId = report.VerifiedKeyId,
            CopiedFrom = report.CopiedFrom,
            Metadata = new (string, string?)[]
            {
                ("Methodology", report.Methodology), ("Phase", report.EducationalLevel), ("Subject", report.SubjectArea),
                ("Country", report.Country), ("Setting", report.Setting),
            }.Where(m => !string.IsNullOrWhiteSpace(m.Item2)).Select(m => (m.Item1, m.Item2!)).ToList(),
            License = KnownLicenses.NameOf(report.License) is { } name ? (name, report.License) : (report.License, ReportLinks.Safe(report.License)),
            SummaryHtml = shown.SummaryHtml,
            ContentHtml = shown.ContentHtml,
            Themes = report.ThemeList,
            // This node's files are served from here (relative, under its own CSP); another's only ever linked to.
            Attachments = [.. report.AttachmentList.Select(a => a.Url.StartsWith(uris.Base + "/attachments/", StringComparison.Ordinal)
                ? new AttachmentView(a.Url[uris.Base.Length..], a.Name, a.MediaType, IsLocal: true)
                : new AttachmentView(ReportLinks.Safe(a.Url) ?? "", a.Name, a.MediaType, IsLocal: false)).Where(a => a.Href.Length > 0)],
            Likes = (await interactions.ActorsAsync(InteractionKinds.Like, report.Iri)).Count,
            Shares = (await interactions.ActorsAsync(InteractionKinds.Share, report.Iri)).Count,
            Comments = comments.Select(c => new CommentModel(c.AuthorName, c.PublishedAt, c.ContentHtml)).ToList(),
            Actions = actions,
            Path = $"/library/{report.Id}",
            Citation = Camtree.Node.Library.Citations.For(report, report.IsLocal ? options.Value.NodeName : new Uri(report.Iri).Authority),
            Notice = notice,
        };
        return Render<ReportPage>(model);
    }

    /// <summary>
    /// The version a reader sees: the one asked for, else the one in the interface's language (exactly, then by base
    /// language: a reader in pt-BR gets a <c>pt</c> version), else the report's own.
    /// </summary>
    internal static ReportTranslation ChooseVersion(IReadOnlyList<ReportTranslation> versions, string? asked, string interfaceLanguage)
    {
        static string Base(string tag) => tag.Split('-')[0];
        if (!string.IsNullOrEmpty(asked) && versions.FirstOrDefault(v => string.Equals(v.Language, asked, StringComparison.OrdinalIgnoreCase)) is { } chosen)
            return chosen;
        return versions.FirstOrDefault(v => string.Equals(v.Language, interfaceLanguage, StringComparison.OrdinalIgnoreCase))
            ?? versions.FirstOrDefault(v => string.Equals(Base(v.Language), Base(interfaceLanguage), StringComparison.OrdinalIgnoreCase))
            ?? versions[0];
    }

    /// <summary>What a deleted report's address shows: that it was deleted (410 Gone).</summary>
    public IResult Gone(ReportRow report) =>
        new RazorComponentResult<ErrorPage>(new
        {
            Site, Heading = "This report was deleted", Reason = "Its author withdrew it on {0}", ReasonArguments = new object[] { $"{report.DeletedAt:d MMMM yyyy}" },
        })
        {
            StatusCode = StatusCodes.Status410Gone, ContentType = "text/html; charset=utf-8",
        };

    private static RazorComponentResult<T> Render<T>(object model) where T : Microsoft.AspNetCore.Components.IComponent =>
        new(new { Model = model }) { ContentType = "text/html; charset=utf-8" };
}
