using Camtree.Node.Storage;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Node.Library.Editor;

/// <summary>
/// What the report editor's form holds, exactly as typed (a draft may be incomplete): the abstract, the template's
/// sections, and the metadata. Saved as a draft as it is; made into a <see cref="ReportDraft"/> to publish.
/// </summary>
public sealed record EditorFields
{
    public string Title { get; init; } = "";
    public string Language { get; init; } = "en";
    public string ResearchContext { get; init; } = "";
    public string Aims { get; init; } = "";
    public string Methods { get; init; } = "";
    public string Findings { get; init; } = "";
    /// <summary>The template's sections by field (<see cref="ReportTemplate.Sections"/>).</summary>
    public Dictionary<string, string?> Sections { get; init; } = [];
    public string Methodology { get; init; } = "";
    public string EducationalLevel { get; init; } = "";
    public string SubjectArea { get; init; } = "";
    public string Country { get; init; } = "";
    public string Setting { get; init; } = "";
    /// <summary>Themes as typed: words or hyphenated phrases, separated by spaces or commas, with or without #.</summary>
    public string Themes { get; init; } = "";
    public string License { get; init; } = CamtreeVocabulary.DefaultLicense;
    /// <summary>
    /// A published report's body that is not in the template's shape (written through the API, or edited by hand): kept
    /// as it is, in one field, before any sections.
    /// </summary>
    public string OtherBody { get; init; } = "";
    /// <summary>Versions in other languages written for this draft (on their own page), published with it.</summary>
    public IReadOnlyList<TranslationDraft> Translations { get; init; } = [];
    /// <summary>When this edits a published report: its slug (publishing sends an <c>Update</c> instead of a <c>Create</c>).</summary>
    public string? ReportSlug { get; init; }

    /// <summary>The fields of a posted form (unknown fields are ignored; every value is cut to what a form can sensibly hold).</summary>
    public static EditorFields FromForm(IFormCollection form)
    {
        string Text(string name, int max = 100_000) => form[name].ToString() is { Length: > 0 } value ? value[..Math.Min(value.Length, max)] : "";
        return new EditorFields
        {
            Title = Text("title", 1_000), Language = Text("language", 35) is { Length: > 0 } language ? language : "en",
            ResearchContext = Text("researchContext"), Aims = Text("aims"), Methods = Text("methods"), Findings = Text("findings"),
            Sections = ReportTemplate.Sections.ToDictionary(s => s.Field, s => (string?)Text(s.Field)),
            Methodology = Text("methodology", 200), EducationalLevel = Text("educationalLevel", 200), SubjectArea = Text("subjectArea", 200),
            Country = Text("country", 10), Setting = Text("setting", 1_000), Themes = Text("themes", 2_000),
            License = Text("license", 500) is { Length: > 0 } license ? license : CamtreeVocabulary.DefaultLicense,
            OtherBody = Text("otherBody"), ReportSlug = Text("reportSlug", 100) is { Length: > 0 } slug ? slug : null,
        };
    }

    /// <summary>
    /// A published local report in the editor: its body split back into the template's sections when it has their
    /// headings (in its language), else kept whole in <see cref="OtherBody"/>.
    /// </summary>
    public static EditorFields FromReport(ReportRow report)
    {
        var (sections, other) = ReportTemplate.Split(report.Language, report.ContentMarkdown ?? "");
        return new EditorFields
        {
            Title = report.Title, Language = report.Language, ResearchContext = report.ResearchContext ?? "", Aims = report.Aims ?? "",
            Methods = report.Methods ?? "", Findings = report.Findings ?? "", Sections = sections, Methodology = report.Methodology ?? "",
            EducationalLevel = report.EducationalLevel ?? "", SubjectArea = report.SubjectArea ?? "", Country = report.Country ?? "",
            Setting = report.Setting ?? "", Themes = string.Join(' ', report.ThemeList), License = report.License, OtherBody = other,
            ReportSlug = report.LocalSlug,
        };
    }

    /// <summary>The report to publish: the sections become the body, each under its heading.</summary>
    public ReportDraft ToDraft() => new()
    {
        Title = Title.Trim(), Language = Language.Trim(), ResearchContext = ResearchContext.Trim(), Aims = Aims.Trim(), Methods = Methods.Trim(),
        Findings = Findings.Trim(),
        Body = string.Join("\n\n", new[] { OtherBody.Trim().ReplaceLineEndings("\n"), ReportTemplate.Body(Language.Trim(), Sections) }.Where(b => b.Length > 0)),
        Methodology = Blank(Methodology), EducationalLevel = Blank(EducationalLevel), SubjectArea = Blank(SubjectArea),
        Country = Blank(Country)?.ToUpperInvariant(), Setting = Blank(Setting),
        Themes = [.. Themes.Split([' ', ',', ';', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(t => t.TrimStart('#').ToLowerInvariant())
            .Where(t => t.Length > 0).Distinct()],
        License = Blank(License),
        Translations = Translations,
    };

    private static string? Blank(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
