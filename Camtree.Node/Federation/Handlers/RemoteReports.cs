using Camtree.Node.Library;
using Camtree.Node.Storage;
using Camtree.Protocol.JsonLd;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Node.Federation.Handlers;

/// <summary>
/// How a report received from another node is read into the library (shared by Create, Update, Announce and copies):
/// every field cut to its <see cref="ReportLimits"/> (themes beyond the limit dropped), HTML sanitised, URLs that will
/// become links checked to be http(s), and a <c>published</c> time in the future clamped to the time of receipt (it
/// would otherwise pin the report to the top of the library).
/// </summary>
internal static class RemoteReports
{
    /// <param name="verifiedKeyId">The key that vouches for the report, if any.</param>
    /// <param name="proofVerified">Whether that key vouched through the report's (or its activity's) object proof.</param>
    public static ReportRow FromArticle(IncomingObject article, StoredRemoteActor author, string? verifiedKeyId, DateTimeOffset now,
        ReportLimits limits, bool proofVerified = false) => new()
    {
        Iri = article.Id!,
        AuthorIri = author.Iri,
        AuthorName = ReportLimits.Cut(author.DisplayName ?? author.Username ?? author.Iri, limits.NameChars)!,
        Title = ReportLimits.Cut(string.IsNullOrWhiteSpace(article.Name) ? "(untitled)" : article.Name.Trim(), limits.TitleChars)!,
        // Cut before sanitising: the parser closes whatever the cut left open.
        SummaryHtml = ContentSanitizer.Sanitize(ReportLimits.Cut(article.Summary, limits.SummaryChars)),
        ContentHtml = ContentSanitizer.Sanitize(ReportLimits.Cut(article.Content, limits.BodyChars)),
        Language = Language(article.GetString("inLanguage") ?? article.Language),
        Methodology = Text(article, "methodology", limits.MetadataChars),
        EducationalLevel = Text(article, "educationalLevel", limits.MetadataChars),
        SubjectArea = Text(article, "subjectArea", limits.MetadataChars),
        Country = article.GetString("spatialCoverage") is { Length: 2 } country && country.All(char.IsAsciiLetter) ? country.ToUpperInvariant() : null,
        Setting = Text(article, "setting", limits.SettingChars),
        ResearchContext = Text(article, "researchContext", limits.AbstractPartChars),
        Aims = Text(article, "aims", limits.AbstractPartChars),
        Methods = Text(article, "methods", limits.AbstractPartChars),
        Findings = Text(article, "findings", limits.AbstractPartChars),
        License = article.GetString("license") is { } license && KnownLicenses.IsLicenseUrl(license) && license.Length <= limits.LicenseChars
            ? license : CamtreeVocabulary.DefaultLicense,
        Themes = string.Join(' ', article.Tags.Where(t => t.Type == AsTypes.Hashtag && t.Name is not null)
            .Select(t => t.Name!.TrimStart('#').ToLowerInvariant())
            .Where(t => t.Length > 0 && t.Length <= limits.ThemeChars && !t.Any(char.IsWhiteSpace))
            .Distinct().Take(limits.Themes)),
        // The page's "original" link: the report's own url when it is an http(s) address, else its id.
        Url = article.Url is { } url && KnownLicenses.IsLicenseUrl(url) && url.Length <= 2048 ? url : article.Id!,
        PublishedAt = article.Published is { } published && published <= now ? published : now,
        ReceivedAt = now,
        VerifiedKeyId = verifiedKeyId,
        ProofVerified = proofVerified && verifiedKeyId is not null,
    };

    private static string? Text(IncomingObject article, string property, int max) =>
        article.GetString(property) is { } value && !string.IsNullOrWhiteSpace(value) ? ReportLimits.Cut(value.Trim(), max) : null;

    /// <summary>A BCP 47 tag as received, or <c>und</c> when it is not one.</summary>
    private static string Language(string? tag) =>
        tag is { Length: > 0 and <= 35 } && tag.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') ? tag : "und";
}
