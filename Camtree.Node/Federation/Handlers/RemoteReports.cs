using Camtree.Node.Library;
using Camtree.Node.Storage;
using Camtree.Protocol.JsonLd;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Node.Federation.Handlers;

/// <summary>How a report received from another node is read into the library (shared by Create, Update and Announce).</summary>
internal static class RemoteReports
{
    /// <param name="verifiedKeyId">The key that vouches for the report, if any.</param>
    /// <param name="proofVerified">Whether that key vouched through the report's (or its activity's) object proof.</param>
    public static ReportRow FromArticle(IncomingObject article, StoredRemoteActor author, string? verifiedKeyId, DateTimeOffset now, bool proofVerified = false) => new()
    {
        Iri = article.Id!,
        AuthorIri = author.Iri,
        AuthorName = author.DisplayName ?? author.Username ?? author.Iri,
        Title = Truncate(article.Name ?? "(untitled)", 300),
        SummaryHtml = HtmlSanitizer.Sanitize(article.Summary),
        ContentHtml = HtmlSanitizer.Sanitize(article.Content),
        Language = article.GetString("inLanguage") ?? article.Language ?? "und",
        Methodology = article.GetString("methodology"),
        EducationalLevel = article.GetString("educationalLevel"),
        SubjectArea = article.GetString("subjectArea"),
        Country = article.GetString("spatialCoverage"),
        Setting = article.GetString("setting"),
        ResearchContext = article.GetString("researchContext"),
        Aims = article.GetString("aims"),
        Methods = article.GetString("methods"),
        Findings = article.GetString("findings"),
        License = article.GetString("license") ?? CamtreeVocabulary.DefaultLicense,
        Themes = string.Join(' ', article.Tags.Where(t => t.Type == AsTypes.Hashtag && t.Name is not null)
            .Select(t => t.Name!.TrimStart('#').ToLowerInvariant()).Where(t => t.Length > 0 && !t.Contains(' ')).Distinct()),
        Url = article.Url is { } url && url.StartsWith("http", StringComparison.Ordinal) ? url : article.Id!,
        PublishedAt = article.Published ?? now,
        ReceivedAt = now,
        VerifiedKeyId = verifiedKeyId,
        ProofVerified = proofVerified && verifiedKeyId is not null,
    };

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}
