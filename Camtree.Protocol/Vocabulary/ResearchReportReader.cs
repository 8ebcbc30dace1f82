using System.Globalization;
using Camtree.Protocol.JsonLd;

namespace Camtree.Protocol.Vocabulary;

/// <summary>
/// Reads a research report from an incoming <c>Article</c> (normalised by <see cref="IncomingObject"/>): Camtree's
/// research vocabulary, schema.org terms and the AS2 basics, each field cut to its <see cref="ReportLimits"/>, so that
/// what a peer sends becomes a <see cref="ResearchReport"/> the node can store. HTML is returned as received (cut, not
/// sanitised: the node sanitises before it stores). The reader makes the checks the vocabulary implies: a language
/// tag is BCP 47-shaped (else <c>und</c>), a country is ISO 3166-1 alpha-2, a licence and a <c>url</c> are http(s),
/// themes are single words (at most <see cref="ReportLimits.Themes"/>), and <c>published</c> in the future is the
/// time of receipt.
/// </summary>
public static class ResearchReportReader
{
    /// <summary>The report an Article describes. The Article must have an <c>id</c> and an <c>attributedTo</c>.</summary>
    public static ResearchReport FromArticle(IncomingObject article, ReportLimits limits, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(article.Id);
        ArgumentNullException.ThrowIfNull(article.AttributedTo);
        var themes = article.Tags.Where(t => t.Type == AsTypes.Hashtag && t.Name is not null)
            .Select(t => t.Name!.TrimStart('#').ToLowerInvariant())
            .Where(t => t.Length > 0 && t.Length <= limits.ThemeChars && !t.Any(char.IsWhiteSpace))
            .Distinct().Take(limits.Themes)
            .Select(t => new Hashtag("", "#" + t)).ToList();
        return new ResearchReport
        {
            Id = article.Id,
            AttributedTo = article.AttributedTo,
            Name = ReportLimits.Cut(string.IsNullOrWhiteSpace(article.Name) ? "(untitled)" : article.Name.Trim(), limits.TitleChars)!,
            Summary = ReportLimits.Cut(article.Summary, limits.SummaryChars) ?? "",
            Content = ReportLimits.Cut(article.Content, limits.BodyChars) ?? "",
            Url = article.Url is { } url && KnownLicenses.IsLicenseUrl(url) && url.Length <= 2048 ? url : article.Id,
            Published = article.Published is { } published && published <= receivedAt ? published : receivedAt,
            Updated = Time(article.GetString("updated")) is { } updated && updated <= receivedAt ? updated : null,
            To = article.To,
            Cc = article.Cc,
            Tag = themes,
            InLanguage = Language(article.GetString("inLanguage") ?? article.Language),
            Methodology = Text(article, "methodology", limits.MetadataChars),
            EducationalLevel = Text(article, "educationalLevel", limits.MetadataChars),
            SubjectArea = Text(article, "subjectArea", limits.MetadataChars),
            SpatialCoverage = article.GetString("spatialCoverage") is { Length: 2 } country && country.All(char.IsAsciiLetter) ? country.ToUpperInvariant() : null,
            Setting = Text(article, "setting", limits.SettingChars),
            ResearchContext = Text(article, "researchContext", limits.AbstractPartChars),
            Aims = Text(article, "aims", limits.AbstractPartChars),
            Methods = Text(article, "methods", limits.AbstractPartChars),
            Findings = Text(article, "findings", limits.AbstractPartChars),
            License = article.GetString("license") is { } license && KnownLicenses.IsLicenseUrl(license) && license.Length <= limits.LicenseChars
                ? license : CamtreeVocabulary.DefaultLicense,
            ReviewStatus = Text(article, "reviewStatus", limits.MetadataChars),
        };
    }

    /// <summary>
    /// The versions of a report in other languages: the languages of its <c>nameMap</c> other than
    /// <paramref name="ownLanguage"/>, each with its <c>summaryMap</c> and <c>contentMap</c> entries (empty when missing),
    /// cut to the limits. Tags that are not BCP 47-shaped are skipped, and at most <see cref="ReportLimits.Translations"/> are read.
    /// HTML is returned as received (the node sanitises before it stores).
    /// </summary>
    public static IReadOnlyList<ReportVersion> Versions(IncomingObject article, string ownLanguage, ReportLimits limits)
    {
        if (Map(article.Raw, "nameMap") is not { } names) return [];
        var summaries = Map(article.Raw, "summaryMap");
        var contents = Map(article.Raw, "contentMap");
        var versions = new List<ReportVersion>();
        foreach (var entry in names.EnumerateObject())
        {
            if (versions.Count == limits.Translations) break;
            if (entry.Value.ValueKind != System.Text.Json.JsonValueKind.String || string.IsNullOrWhiteSpace(entry.Value.GetString())) continue;
            var language = entry.Name;
            if (Language(language) == "und" || string.Equals(language, ownLanguage, StringComparison.OrdinalIgnoreCase)
                || versions.Any(v => string.Equals(v.Language, language, StringComparison.OrdinalIgnoreCase))) continue;
            versions.Add(new ReportVersion(language, ReportLimits.Cut(entry.Value.GetString()!.Trim(), limits.TitleChars)!,
                ReportLimits.Cut(Entry(summaries, language), limits.SummaryChars) ?? "", ReportLimits.Cut(Entry(contents, language), limits.BodyChars) ?? ""));
        }
        return versions;
    }

    private static System.Text.Json.JsonElement? Map(System.Text.Json.JsonElement element, string property) =>
        element.ValueKind == System.Text.Json.JsonValueKind.Object && element.TryGetProperty(property, out var map)
            && map.ValueKind == System.Text.Json.JsonValueKind.Object ? map : null;

    private static string? Entry(System.Text.Json.JsonElement? map, string language) =>
        map is { } m && m.TryGetProperty(language, out var value) && value.ValueKind == System.Text.Json.JsonValueKind.String ? value.GetString() : null;

    /// <summary>The theme names of a report read by <see cref="FromArticle"/>, without the <c>#</c>.</summary>
    public static IEnumerable<string> Themes(ResearchReport report) => report.Tag.Select(t => t.Name.TrimStart('#'));

    private static string? Text(IncomingObject article, string property, int max) =>
        article.GetString(property) is { } value && !string.IsNullOrWhiteSpace(value) ? ReportLimits.Cut(value.Trim(), max) : null;

    /// <summary>A BCP 47-shaped tag as received, or <c>und</c> when it is not one.</summary>
    private static string Language(string? tag) =>
        LanguageTags.IsWellFormed(tag) ? tag! : "und";

    private static DateTimeOffset? Time(string? text) =>
        text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;
}
