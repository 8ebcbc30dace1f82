using Camtree.Protocol.Vocabulary;

namespace Camtree.Node.Library;

/// <summary>
/// What a practitioner writes: a title, the structured abstract (context, aims, methods, findings), the report
/// body in Markdown, and research metadata. The JSON API accepts it as is.
/// </summary>
public sealed record ReportDraft
{
    public string Title { get; init; } = "";
    /// <summary>BCP 47 language tag of the report, e.g. <c>en</c>, <c>es</c>, <c>pt-BR</c>.</summary>
    public string Language { get; init; } = "en";
    public string ResearchContext { get; init; } = "";
    public string Aims { get; init; } = "";
    public string Methods { get; init; } = "";
    public string Findings { get; init; } = "";
    /// <summary>The full report, Markdown (raw HTML is not rendered).</summary>
    public string Body { get; init; } = "";
    public string? Methodology { get; init; }
    public string? EducationalLevel { get; init; }
    public string? SubjectArea { get; init; }
    /// <summary>ISO 3166-1 alpha-2 country code.</summary>
    public string? Country { get; init; }
    public string? Setting { get; init; }
    public IReadOnlyList<string> Themes { get; init; } = [];
    public string? License { get; init; }
    /// <summary>Versions in other languages, published with it (the Article's nameMap, summaryMap and contentMap).</summary>
    public IReadOnlyList<TranslationDraft> Translations { get; init; } = [];
    /// <summary>When it was published; now when absent (the demo seed sets it).</summary>
    public DateTimeOffset? Published { get; init; }

    /// <summary>
    /// What is wrong with the draft, as field → messages; empty when it can be published. The sizes are those of
    /// <paramref name="limits"/>, the same a report received from another node is cut to.
    /// </summary>
    public Dictionary<string, string[]> Validate(ReportLimits? limits = null)
    {
        limits ??= new ReportLimits();
        var errors = new Dictionary<string, string[]>();
        void Check(string field, string? value, int max, string what)
        {
            if (value is not null && value.Length > max) errors[field] = [$"{what} is at most {max:N0} characters (this one has {value.Length:N0})"];
        }
        if (string.IsNullOrWhiteSpace(Title)) errors["title"] = ["a report needs a title"];
        else Check("title", Title, limits.TitleChars, "a title");
        if (!LanguageTags.IsWellFormed(Language))
            errors["language"] = ["a BCP 47 language tag such as en, es or pt-BR"];
        if (string.IsNullOrWhiteSpace(Findings) && string.IsNullOrWhiteSpace(Body))
            errors["findings"] = ["a report needs its findings or a body"];
        Check("researchContext", ResearchContext, limits.AbstractPartChars, "the context");
        Check("aims", Aims, limits.AbstractPartChars, "the aims");
        Check("methods", Methods, limits.AbstractPartChars, "the methods");
        Check("findings", Findings, limits.AbstractPartChars, "the findings");
        Check("body", Body, limits.BodyChars, "the body");
        Check("methodology", Methodology, limits.MetadataChars, "the methodology");
        Check("educationalLevel", EducationalLevel, limits.MetadataChars, "the educational level");
        Check("subjectArea", SubjectArea, limits.MetadataChars, "the subject");
        Check("setting", Setting, limits.SettingChars, "the setting");
        if (Country is { Length: > 0 } c && (c.Length != 2 || !c.All(char.IsAsciiLetter)))
            errors["country"] = ["an ISO 3166-1 alpha-2 code such as GB or CL"];
        if (Themes.Count > limits.Themes)
            errors["themes"] = [$"a report has at most {limits.Themes} themes"];
        else if (Themes.Any(t => string.IsNullOrWhiteSpace(t) || t.Length > limits.ThemeChars || t.Any(char.IsWhiteSpace)))
            errors["themes"] = [$"themes are single words or hyphenated phrases, at most {limits.ThemeChars} characters"];
        if (License is { Length: > 0 } l && (!KnownLicenses.IsLicenseUrl(l) || l.Length > limits.LicenseChars))
            errors["license"] = ["a licence is given by its http(s) URL, such as https://creativecommons.org/licenses/by/4.0/"];
        return errors;
    }
}

/// <summary>A version of a published report in another language, as its author writes it: title, abstract, body (Markdown).</summary>
public sealed record TranslationDraft
{
    public string Language { get; init; } = "";
    public string Title { get; init; } = "";
    public string ResearchContext { get; init; } = "";
    public string Aims { get; init; } = "";
    public string Methods { get; init; } = "";
    public string Findings { get; init; } = "";
    public string Body { get; init; } = "";
}
