using System.Text;

namespace Camtree.Node.Library.Editor;

/// <summary>One part of Camtree's report template: its form field, its heading in the report, and the guidance shown beside it.</summary>
public sealed record TemplateSection(string Field, string Label, string Help, IReadOnlyDictionary<string, string> Headings);

/// <summary>
/// Camtree's guided template for a practitioner research report. The structured abstract (context, aims, methods,
/// findings) travels as Camtree's own properties; the report's sections become its body, each under a heading in the
/// report's language, so that a reader on any server sees the same shape.
/// </summary>
public static class ReportTemplate
{
    public static readonly IReadOnlyList<TemplateSection> Sections =
    [
        Section("whyWeStarted", "Why we started", "The question or problem in your classroom or school that made you start, and why it matters to your pupils.",
            ("en", "Why we started"), ("es", "Por qué empezamos"), ("pt-BR", "Por que começamos"), ("fil", "Bakit kami nagsimula")),
        Section("whatWeDid", "What we did", "What you changed or tried, with whom, for how long; enough for a colleague to try it too.",
            ("en", "What we did"), ("es", "Qué hicimos"), ("pt-BR", "O que fizemos"), ("fil", "Ano ang ginawa namin")),
        Section("whatHappened", "What happened", "What you saw, heard and collected: observations, pupils' work, their voices, numbers.",
            ("en", "What happened"), ("es", "Qué pasó"), ("pt-BR", "O que aconteceu"), ("fil", "Ano ang nangyari")),
        Section("whatWeLearned", "What we learned", "What the evidence tells you, and how sure you are: what surprised you, what you would not claim.",
            ("en", "What we learned"), ("es", "Qué aprendimos"), ("pt-BR", "O que aprendemos"), ("fil", "Ano ang natutunan namin")),
        Section("whatNext", "What next", "What you or others will try next, and what a colleague should know before trying it.",
            ("en", "What next"), ("es", "Próximos pasos"), ("pt-BR", "Próximos passos"), ("fil", "Ano ang susunod")),
        Section("references", "References", "Readings and resources you used, one per line.",
            ("en", "References"), ("es", "Referencias"), ("pt-BR", "Referências"), ("fil", "Mga sanggunian")),
    ];

    /// <summary>The guidance for the structured abstract's parts, keyed by field.</summary>
    public static readonly IReadOnlyDictionary<string, string> AbstractHelp = new Dictionary<string, string>
    {
        ["title"] = "Say what you tried and with whom, e.g. \"Talk partners in a Year 8 science class\".",
        ["researchContext"] = "Your setting in a sentence or two: the school, the class, the pupils.",
        ["aims"] = "What you wanted to find out or improve.",
        ["methods"] = "How you went about it: the approach (lesson study, action research…), the cycles, what you collected.",
        ["findings"] = "What you found, in two or three sentences: this is what readers see first in lists and on Mastodon.",
    };

    /// <summary>The labels of the structured abstract's parts (context, aims, methods, findings), in the languages the template speaks.</summary>
    private static readonly IReadOnlyDictionary<string, string[]> AbstractLabels = new Dictionary<string, string[]>
    {
        ["en"] = ["Context", "Aims", "Methods", "Findings"],
        ["es"] = ["Contexto", "Objetivos", "Métodos", "Hallazgos"],
        ["pt-BR"] = ["Contexto", "Objetivos", "Métodos", "Resultados"],
        ["pt"] = ["Contexto", "Objetivos", "Métodos", "Resultados"],
        ["fil"] = ["Konteksto", "Mga layunin", "Mga pamamaraan", "Mga natuklasan"],
    };

    /// <summary>The abstract's labels in a report's language (its base language, else English).</summary>
    public static string[] AbstractLabelsIn(string language) =>
        AbstractLabels.GetValueOrDefault(language) ?? AbstractLabels.GetValueOrDefault(language.Split('-')[0]) ?? AbstractLabels["en"];

    /// <summary>The report's body: each section that has text, under its heading in the report's language (English otherwise).</summary>
    public static string Body(string language, IReadOnlyDictionary<string, string?> sections)
    {
        var body = new StringBuilder();
        foreach (var section in Sections)
        {
            if (sections.GetValueOrDefault(section.Field) is not { } text || string.IsNullOrWhiteSpace(text)) continue;
            var heading = section.Headings.GetValueOrDefault(language) ?? section.Headings.GetValueOrDefault(language.Split('-')[0]) ?? section.Headings["en"];
            if (body.Length > 0) body.Append("\n\n");
            body.Append("## ").Append(heading).Append("\n\n").Append(text.Trim().ReplaceLineEndings("\n"));
        }
        return body.ToString();
    }

    /// <summary>
    /// The inverse of <see cref="Body"/>: a body made of the template's headings (in the report's language, or English)
    /// back into its sections. Whatever comes before the first heading, or the whole body when a heading is not the
    /// template's, is returned as it is.
    /// </summary>
    public static (Dictionary<string, string?> Sections, string Other) Split(string language, string body)
    {
        var sections = Sections.ToDictionary(s => s.Field, _ => (string?)"");
        var byHeading = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var section in Sections)
            foreach (var heading in new[] { section.Headings.GetValueOrDefault(language), section.Headings.GetValueOrDefault(language.Split('-')[0]), section.Headings["en"] })
                if (heading is not null) byHeading.TryAdd(heading, section.Field);
        var text = body.ReplaceLineEndings("\n");
        var parts = System.Text.RegularExpressions.Regex.Split(text, @"^## (.+)$", System.Text.RegularExpressions.RegexOptions.Multiline);
        // parts: [before, heading1, text1, heading2, text2, …]
        for (var i = 1; i + 1 < parts.Length; i += 2)
        {
            if (!byHeading.TryGetValue(parts[i].Trim(), out var field) || !string.IsNullOrEmpty(sections[field])) return (Empty(), body.Trim());
            sections[field] = parts[i + 1].Trim();
        }
        return (sections, parts[0].Trim());

        Dictionary<string, string?> Empty() => Sections.ToDictionary(s => s.Field, _ => (string?)"");
    }

    private static TemplateSection Section(string field, string label, string help, params (string Language, string Heading)[] headings) =>
        new(field, label, help, headings.ToDictionary(h => h.Language, h => h.Heading));
}
