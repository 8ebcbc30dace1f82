using Camtree.Node.Library;
using Camtree.Node.Storage;

namespace Camtree.Tests.Node;

/// <summary>"Cite this": the three forms, and a hostile title that must not break out of its BibTeX field or RIS line.</summary>
public sealed class CitationTests
{
    private static readonly ReportRow Report = new()
    {
        Iri = "https://chile.example/reports/x1", Url = "https://chile.example/reports/x1", AuthorName = "Valentina Rojas",
        Title = "Boletos de salida en matemáticas", Language = "es", Findings = "La evaluación formativa cambió la planificación.",
        Themes = "evaluación-formativa oracy", PublishedAt = new DateTimeOffset(2026, 5, 4, 10, 0, 0, TimeSpan.Zero),
    };

    [Fact]
    public void A_report_is_cited_as_text_BibTeX_and_RIS()
    {
        var cite = Citations.For(Report, "Red de Escuelas de Chile");

        Assert.Equal("Valentina Rojas (2026). Boletos de salida en matemáticas [Practitioner research report]. Red de Escuelas de Chile. https://chile.example/reports/x1", cite.Plain);
        Assert.Equal("""
            @misc{rojas2026boletos,
              author = {Valentina Rojas},
              title = {{Boletos de salida en matemáticas}},
              year = {2026},
              howpublished = {Red de Escuelas de Chile},
              note = {Practitioner research report},
              language = {es},
              url = {https://chile.example/reports/x1}
            }
            """.ReplaceLineEndings("\n"), cite.BibTex);
        Assert.Equal("""
            TY  - RPRT
            AU  - Valentina Rojas
            TI  - Boletos de salida en matemáticas
            PY  - 2026
            DA  - 2026/05/04
            PB  - Red de Escuelas de Chile
            M3  - Practitioner research report
            LA  - es
            KW  - evaluación-formativa
            KW  - oracy
            AB  - La evaluación formativa cambió la planificación.
            UR  - https://chile.example/reports/x1
            ER  - 

            """.ReplaceLineEndings("\n"), cite.Ris);
    }

    [Fact]
    public void A_title_cannot_close_its_BibTeX_field_or_start_a_RIS_line()
    {
        var hostile = Report with { Title = "Fractions}, note = {pwned\nER  - \nTY  - JOUR 100% & $5_#1 ~^\\", AuthorName = "Ña Ñu" };
        var cite = Citations.For(hostile, "Lib");

        Assert.Contains(@"title = {{Fractions\}, note = \{pwned ER  -  TY  - JOUR 100\% \& \$5\_\#1 \textasciitilde{}\textasciicircum{}\textbackslash{}}},", cite.BibTex);
        Assert.Single(cite.BibTex.Split('\n'), l => l.TrimStart().StartsWith("note =", StringComparison.Ordinal));
        Assert.Single(cite.Ris.Split('\n'), l => l.StartsWith("ER  -", StringComparison.Ordinal));
        Assert.StartsWith("@misc{nu2026fractions,", cite.BibTex); // the key in ASCII letters
    }
}
