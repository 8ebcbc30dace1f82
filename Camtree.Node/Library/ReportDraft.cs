using System.ComponentModel.DataAnnotations;

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
    /// <summary>When it was published; now when absent (the demo seed sets it).</summary>
    public DateTimeOffset? Published { get; init; }

    /// <summary>What is wrong with the draft, as field → messages; empty when it can be published.</summary>
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(Title)) errors["title"] = ["a report needs a title"];
        else if (Title.Length > 300) errors["title"] = ["a title is at most 300 characters"];
        if (string.IsNullOrWhiteSpace(Language) || Language.Length > 35 || !Language.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            errors["language"] = ["a BCP 47 language tag such as en, es or pt-BR"];
        if (string.IsNullOrWhiteSpace(Findings) && string.IsNullOrWhiteSpace(Body))
            errors["findings"] = ["a report needs its findings or a body"];
        if (Body.Length > 200_000) errors["body"] = ["the body is at most 200,000 characters"];
        if (Country is { Length: > 0 } c && (c.Length != 2 || !c.All(char.IsAsciiLetter)))
            errors["country"] = ["an ISO 3166-1 alpha-2 code such as GB or CL"];
        if (Themes.Any(t => string.IsNullOrWhiteSpace(t) || t.Length > 60 || t.Any(char.IsWhiteSpace)))
            errors["themes"] = ["themes are single words or hyphenated phrases, at most 60 characters"];
        if (License is { Length: > 0 } l && !Uri.TryCreate(l, UriKind.Absolute, out _))
            errors["license"] = ["a licence is given by its URL"];
        return errors;
    }
}
