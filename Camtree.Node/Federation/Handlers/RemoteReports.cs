using Camtree.Node.Library;
using Camtree.Node.Storage;
using Camtree.Protocol.JsonLd;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Node.Federation.Handlers;

/// <summary>
/// How a report received from another node becomes a row of the library (shared by Create, Update, Announce, copies
/// and the library backfill): the protocol's <see cref="ResearchReportReader"/> reads and bounds it; here its HTML is
/// sanitised and the author's name and the vouching key are added.
/// </summary>
internal static class RemoteReports
{
    /// <param name="verifiedKeyId">The key that vouches for the report, if any.</param>
    /// <param name="proofVerified">Whether that key vouched through the report's (or its activity's) object proof.</param>
    public static ReportRow FromArticle(IncomingObject article, StoredRemoteActor author, string? verifiedKeyId, DateTimeOffset now,
        ReportLimits limits, bool proofVerified = false, string? proofFailure = null)
    {
        var report = ResearchReportReader.FromArticle(article, limits, now);
        return new ReportRow
        {
            Iri = report.Id,
            AuthorIri = author.Iri,
            AuthorName = ReportLimits.Cut(author.DisplayName ?? author.Username ?? author.Iri, limits.NameChars)!,
            Title = report.Name,
            SummaryHtml = ContentSanitizer.Sanitize(report.Summary),
            ContentHtml = ContentSanitizer.Sanitize(report.Content),
            Language = report.InLanguage,
            Methodology = report.Methodology,
            EducationalLevel = report.EducationalLevel,
            SubjectArea = report.SubjectArea,
            Country = report.SpatialCoverage,
            Setting = report.Setting,
            ResearchContext = report.ResearchContext,
            Aims = report.Aims,
            Methods = report.Methods,
            Findings = report.Findings,
            License = report.License,
            Themes = string.Join(' ', ResearchReportReader.Themes(report)),
            Url = report.Url,
            PublishedAt = report.Published,
            OriginUpdated = report.Updated,
            ReviewStatus = report.ReviewStatus,
            ReceivedAt = now,
            VerifiedKeyId = verifiedKeyId,
            ProofVerified = proofVerified && verifiedKeyId is not null,
            ProofCheckedAt = proofVerified || proofFailure is not null ? now : null,
            ProofFailure = proofFailure,
            Flagged = proofFailure is not null,
            Translations = ReportTranslation.ToColumn([.. ResearchReportReader.Versions(article, report.InLanguage, limits).Select(v => new ReportTranslation
            {
                Language = v.Language, Title = v.Name, SummaryHtml = ContentSanitizer.Sanitize(v.Summary), ContentHtml = ContentSanitizer.Sanitize(v.Content),
            })]),
            // Links to the files on their author's server: listed on the report's page, never fetched or shown inline from there.
            Attachments = AttachmentColumn.ToColumn(AttachmentTypes.Read(article, limits.Attachments, limits.AttachmentNameChars)),
        };
    }
}
