using Camtree.Node.Federation;
using Camtree.Node.Storage;
using Camtree.Protocol.Delivery;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Node.Library;

/// <summary>Publishes reports: stores them and sends <c>Create(Article)</c> to the author's followers.</summary>
public sealed class ReportService(
    ReportStore reports, FollowStore follows, Outbox outbox, DocumentBuilder documents, LocalUris uris, TimeProvider time)
{
    /// <summary>
    /// Publishes a draft by a local practitioner. The report, its Create activity and the deliveries to every
    /// follower's (shared) inbox are stored in one transaction. Throws <see cref="ArgumentException"/> for an invalid draft.
    /// </summary>
    public async Task<ReportRow> PublishAsync(LocalActor author, ReportDraft draft)
    {
        if (draft.Validate() is { Count: > 0 } errors)
            throw new ArgumentException(string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")));

        var slug = LocalUris.NewId();
        var now = time.GetUtcNow();
        var report = new ReportRow
        {
            Iri = uris.Report(slug),
            LocalSlug = slug,
            LocalAuthorId = author.Id,
            AuthorIri = uris.Actor(author.Username),
            AuthorName = author.DisplayName,
            Title = draft.Title.Trim(),
            SummaryHtml = ReportRendering.AbstractHtml(draft.ResearchContext, draft.Aims, draft.Methods, draft.Findings),
            ContentHtml = ReportRendering.MarkdownToHtml(draft.Body),
            ContentMarkdown = draft.Body,
            Language = draft.Language.Trim(),
            Methodology = Blank(draft.Methodology),
            EducationalLevel = Blank(draft.EducationalLevel),
            SubjectArea = Blank(draft.SubjectArea),
            Country = Blank(draft.Country)?.ToUpperInvariant(),
            Setting = Blank(draft.Setting),
            ResearchContext = Blank(draft.ResearchContext),
            Aims = Blank(draft.Aims),
            Methods = Blank(draft.Methods),
            Findings = Blank(draft.Findings),
            License = Blank(draft.License) ?? CamtreeVocabulary.DefaultLicense,
            Themes = string.Join(' ', draft.Themes.Select(t => t.Trim().TrimStart('#').ToLowerInvariant()).Distinct()),
            Url = uris.Report(slug),
            PublishedAt = draft.Published ?? now,
            ReceivedAt = now,
        };

        var article = documents.Report(report, author);
        var create = documents.Activity(AsTypes.Create, author, article, article.To, article.Cc, report.PublishedAt);
        long id = 0;
        await outbox.SendAsync(author, create, isPublic: true,
            inboxes: async (connection, transaction) =>
                InboxResolver.ResolveInboxes(await follows.FollowerInboxesAsync(connection, transaction, author.Id)),
            alongside: async (connection, transaction) => id = await reports.InsertAsync(connection, transaction, report));
        return report with { Id = id };
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
