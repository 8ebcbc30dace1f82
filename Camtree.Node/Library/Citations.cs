using System.Globalization;
using System.Text;
using Camtree.Node.Storage;

namespace Camtree.Node.Library;

/// <summary>A report's citation in the three forms people paste: plain text, BibTeX and RIS.</summary>
public sealed record Citation(string Plain, string BibTex, string Ris);

/// <summary>
/// "Cite this": how to cite a report. The author's name is given as they give it (names are not split into given and
/// family names: that guess is wrong for many of the cultures Camtree serves); the publisher is the library the
/// report was published in (this node's name, or the node it comes from).
/// </summary>
public static class Citations
{
    public const string Genre = "Practitioner research report";

    public static Citation For(ReportRow report, string library)
    {
        var year = report.PublishedAt.UtcDateTime.Year.ToString(CultureInfo.InvariantCulture);
        var plain = $"{report.AuthorName} ({year}). {report.Title} [{Genre}]. {library}. {report.Url}";
        var bibtex = new StringBuilder()
            .Append("@misc{").Append(Key(report)).Append(",\n")
            .Append("  author = {").Append(Bib(report.AuthorName)).Append("},\n")
            .Append("  title = {{").Append(Bib(report.Title)).Append("}},\n")
            .Append("  year = {").Append(year).Append("},\n")
            .Append("  howpublished = {").Append(Bib(library)).Append("},\n")
            .Append("  note = {").Append(Genre).Append("},\n")
            .Append("  language = {").Append(Bib(report.Language)).Append("},\n")
            .Append("  url = {").Append(Bib(report.Url)).Append("}\n}")
            .ToString();
        var ris = new StringBuilder();
        void Tag(string tag, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value)) ris.Append(tag).Append("  - ").Append(OneLine(value)).Append('\n');
        }
        Tag("TY", "RPRT");
        Tag("AU", report.AuthorName);
        Tag("TI", report.Title);
        Tag("PY", year);
        Tag("DA", report.PublishedAt.UtcDateTime.ToString("yyyy/MM/dd", CultureInfo.InvariantCulture));
        Tag("PB", library);
        Tag("M3", Genre);
        Tag("LA", report.Language);
        foreach (var theme in report.ThemeList) Tag("KW", theme);
        Tag("AB", report.Findings);
        Tag("UR", report.Url);
        ris.Append("ER  - \n");
        return new Citation(plain, bibtex, ris.ToString());
    }

    /// <summary>The BibTeX key: the author's last word, the year, the title's first word, in ASCII letters.</summary>
    private static string Key(ReportRow report)
    {
        static string Ascii(string text) => new([.. text.Normalize(NormalizationForm.FormD).Where(char.IsAsciiLetterOrDigit).Select(char.ToLowerInvariant)]);
        var author = Ascii(report.AuthorName.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "");
        var word = report.Title.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Ascii).FirstOrDefault(w => w.Length > 0) ?? "";
        var key = $"{author}{report.PublishedAt.UtcDateTime.Year}{word}";
        return key.Length > 0 && char.IsAsciiLetter(key[0]) ? key : "report" + key;
    }

    /// <summary>BibTeX's special characters escaped, so that a title cannot break the entry or inject a field.</summary>
    private static string Bib(string value)
    {
        var text = new StringBuilder();
        foreach (var c in OneLine(value))
        {
            text.Append(c switch
            {
                '\\' => @"\textbackslash{}", '{' => @"\{", '}' => @"\}", '&' => @"\&", '%' => @"\%", '$' => @"\$", '#' => @"\#", '_' => @"\_",
                '~' => @"\textasciitilde{}", '^' => @"\textasciicircum{}", _ => c.ToString(),
            });
        }
        return text.ToString();
    }

    /// <summary>RIS and BibTeX are line-based: a value never spans lines.</summary>
    private static string OneLine(string value) => string.Join(' ', value.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
}
