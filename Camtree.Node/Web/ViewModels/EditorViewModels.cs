using System.Globalization;
using Camtree.Node.Library.Editor;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Node.Web.ViewModels;

/// <summary>A value a select offers, with its label.</summary>
public sealed record Choice(string Value, string Label);

/// <summary>
/// The report editor: the draft's fields, what is wrong with them (listed at the top, each linked to its field), a
/// notice ("Draft saved"), and, when asked for, the preview as readers will see it.
/// </summary>
public sealed record EditorPageModel(SiteModel Site, AntiforgeryField Antiforgery, long? DraftId, EditorFields Fields,
    IReadOnlyList<FieldError> Errors, string? Notice, EditorPreview? Preview)
{
    public IReadOnlyList<Choice> Methodologies => [.. CamtreeVocabulary.Methodologies.Select(m => new Choice(m, CamtreeVocabulary.MethodologyLabels[m]))];
    public IReadOnlyList<Choice> EducationalLevels => [.. CamtreeVocabulary.EducationalLevels.Select(l => new Choice(l, CamtreeVocabulary.EducationalLevelLabels[l]))];
    public IReadOnlyList<Choice> Languages => EditorChoices.Languages;
    public IReadOnlyList<Choice> Countries => EditorChoices.Countries;
    public IReadOnlyList<Choice> Licenses => [.. KnownLicenses.All.Select(l => new Choice(l.Url, l.Name))];
    public IReadOnlyList<string> Subjects => EditorChoices.Subjects;

    /// <summary>Whether a field has a problem (for <c>aria-invalid</c>).</summary>
    public bool HasError(string field) => Errors.Any(e => e.Field == field);
}

/// <summary>The preview: the report's title, abstract and body as its page will render them (already safe HTML).</summary>
public sealed record EditorPreview(string Title, string Language, string AbstractHtml, string BodyHtml);

/// <summary>A practitioner's drafts, newest first.</summary>
public sealed record DraftsPageModel(SiteModel Site, IReadOnlyList<(long Id, string Title, DateTimeOffset Updated)> Drafts);

/// <summary>The lists the editor offers: languages the library's communities write in, countries by name, common subjects.</summary>
public static class EditorChoices
{
    public static readonly IReadOnlyList<Choice> Languages =
    [
        new("en", "English"), new("es", "Español"), new("pt-BR", "Português (Brasil)"), new("pt-PT", "Português (Portugal)"), new("fil", "Filipino"),
        new("fr", "Français"), new("de", "Deutsch"), new("it", "Italiano"), new("ca", "Català"), new("cy", "Cymraeg"), new("ga", "Gaeilge"),
        new("ja", "日本語"), new("zh", "中文"), new("ar", "العربية"), new("sw", "Kiswahili"),
    ];

    /// <summary>Every country .NET knows, by its English name (localised with the interface later).</summary>
    public static readonly IReadOnlyList<Choice> Countries = CultureInfo.GetCultures(CultureTypes.SpecificCultures)
        .Select(c => { try { return new RegionInfo(c.Name); } catch (ArgumentException) { return null; } })
        .Where(r => r is not null && r.TwoLetterISORegionName.Length == 2 && r.TwoLetterISORegionName.All(char.IsAsciiLetterUpper))
        .DistinctBy(r => r!.TwoLetterISORegionName).Select(r => new Choice(r!.TwoLetterISORegionName, r.EnglishName))
        .OrderBy(c => c.Label, StringComparer.Ordinal).ToList();

    public static readonly IReadOnlyList<string> Subjects =
    [
        "mathematics", "science", "English", "reading", "writing", "languages", "English as a foreign language", "history", "geography",
        "art", "music", "physical education", "computing", "religious education", "citizenship", "special educational needs", "early literacy",
    ];
}

/// <summary>
/// The page for a version of a published report in another language: the report it belongs to, the language, what is
/// typed (the abstract's parts and the template's sections, under headings in that language) and what is wrong with it.
/// </summary>
/// <param name="BackHref">The report's page, or the draft's editor.</param>
/// <param name="FormAction">Where the form posts: the report's version, or the draft's.</param>
public sealed record TranslationPageModel(SiteModel Site, AntiforgeryField Antiforgery, string ReportTitle, string BackHref, string FormAction,
    string Language, string LanguageName, TranslationFields Fields, bool Exists, IReadOnlyList<FieldError> Errors)
{
    public bool HasError(string field) => Errors.Any(e => e.Field == field);
}

/// <summary>A version's fields as typed (and as a stored version is split back into them).</summary>
public sealed record TranslationFields(string Title, string ResearchContext, string Aims, string Methods, string Findings,
    IReadOnlyDictionary<string, string?> Sections, string OtherBody)
{
    public static TranslationFields FromForm(IFormCollection form)
    {
        string Text(string name, int max = 100_000) => form[name].ToString() is { Length: > 0 } value ? value[..Math.Min(value.Length, max)] : "";
        return new(Text("title", 1_000), Text("researchContext"), Text("aims"), Text("methods"), Text("findings"),
            ReportTemplate.Sections.ToDictionary(s => s.Field, s => (string?)Text(s.Field)), Text("otherBody"));
    }

    /// <summary>A draft's version, split back into the template's parts.</summary>
    public static TranslationFields From(Library.TranslationDraft? version)
    {
        if (version is null) return From((Storage.ReportTranslation?)null);
        var (sections, other) = ReportTemplate.Split(version.Language, version.Body);
        return new(version.Title, version.ResearchContext, version.Aims, version.Methods, version.Findings, sections, other);
    }

    public static TranslationFields From(Storage.ReportTranslation? translation)
    {
        if (translation is null) return new("", "", "", "", "", ReportTemplate.Sections.ToDictionary(s => s.Field, _ => (string?)""), "");
        var (sections, other) = ReportTemplate.Split(translation.Language, translation.BodyMarkdown ?? "");
        return new(translation.Title, translation.ResearchContext ?? "", translation.Aims ?? "", translation.Methods ?? "", translation.Findings ?? "",
            sections, other);
    }

    public Library.TranslationDraft ToDraft(string language) => new()
    {
        Language = language, Title = Title.Trim(), ResearchContext = ResearchContext.Trim(), Aims = Aims.Trim(), Methods = Methods.Trim(),
        Findings = Findings.Trim(),
        Body = string.Join("\n\n", new[] { OtherBody.Trim().ReplaceLineEndings("\n"), ReportTemplate.Body(language, Sections) }.Where(b => b.Length > 0)),
    };
}

/// <summary>A report's files page: what it carries, and the form to add one (with its limits said).</summary>
/// <param name="BasePath">The files' path: <c>/reports/{slug}/files</c>, or <c>/drafts/{id}/files</c> before publishing.</param>
/// <param name="BackHref">The report's page, or the draft's editor.</param>
public sealed record FilesPageModel(SiteModel Site, AntiforgeryField Antiforgery, string BackHref, string BasePath, string ReportTitle,
    IReadOnlyList<FileRow> Files, int MaxBytes, int MaxFiles, IReadOnlyList<FieldError> Errors, string? Notice, string Description)
{
    public bool HasError(string field) => Errors.Any(e => e.Field == field);
}

/// <summary>One file a report carries, as its files page lists it.</summary>
public sealed record FileRow(string PublicId, string Href, string FileName, string Description, string MediaType, long Size)
{
    public bool IsImage => Protocol.Vocabulary.AttachmentTypes.IsImage(MediaType);
}
