using System.Text;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Camtree.Node.Library;

/// <summary>Turns what practitioners write into the HTML that reports and comments carry.</summary>
public static class ReportRendering
{
    // Raw HTML in Markdown is not rendered: a report's HTML is only what Markdown makes.
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UsePipeTables()
        .UseEmphasisExtras()
        .UseAutoLinks()
        .Build();

    // Encodes only what HTML needs (<, >, &, quotes): reports are in many languages, and their letters stay letters.
    private static readonly System.Text.Encodings.Web.HtmlEncoder Encoder =
        System.Text.Encodings.Web.HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All);

    /// <summary>HTML-encodes text for an element body or a quoted attribute.</summary>
    public static string Encode(string? text) => Encoder.Encode(text ?? "");

    /// <summary>
    /// Markdown to HTML. Links keep only http, https and mailto targets (a <c>javascript:</c>, <c>data:</c> or relative
    /// link becomes its text); an image becomes a link to it, named by its description (see <see cref="ContentSanitizer"/>
    /// on why pages show no images from elsewhere). The result is sanitised as well.
    /// </summary>
    public static string MarkdownToHtml(string markdown)
    {
        var document = Markdown.Parse(markdown ?? "", Pipeline);
        foreach (var link in document.Descendants<LinkInline>().ToList()) MakeSafe(link);
        foreach (var autolink in document.Descendants<AutolinkInline>().ToList())
        {
            if (!ContentSanitizer.IsSafeLink(autolink.IsEmail ? "mailto:" + autolink.Url : autolink.Url))
                autolink.ReplaceBy(new LiteralInline(autolink.Url), copyChildren: false);
        }
        using var writer = new StringWriter();
        var renderer = new Markdig.Renderers.HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        renderer.Render(document);
        writer.Flush();
        return ContentSanitizer.Sanitize(writer.ToString());
    }

    private static void MakeSafe(LinkInline link)
    {
        var safe = ContentSanitizer.IsSafeLink(link.Url);
        if (link.IsImage)
        {
            var description = string.Concat(link.Select(child => child is LiteralInline literal ? literal.Content.ToString() : ""));
            var label = description.Length > 0 ? description : link.Url ?? "";
            if (!safe) { link.ReplaceBy(new LiteralInline(label), copyChildren: false); return; }
            var asLink = new LinkInline(link.Url!, link.Title ?? "");
            asLink.AppendChild(new LiteralInline(label));
            link.ReplaceBy(asLink, copyChildren: false);
            return;
        }
        // An unsafe link's text stays, as text (its children move into a plain container).
        if (!safe) link.ReplaceBy(new ContainerInline(), copyChildren: true);
    }

    /// <summary>
    /// The structured abstract as HTML: the <c>summary</c> of the Article, which Mastodon shows in place of
    /// <c>content</c>, so it must read on its own.
    /// </summary>
    public static string AbstractHtml(string language, string? context, string? aims, string? methods, string? findings)
    {
        // Labelled in the report's language: a reader of a Spanish report (or of its Spanish version) reads "Hallazgos".
        var labels = Editor.ReportTemplate.AbstractLabelsIn(language);
        var html = new StringBuilder();
        void Part(string label, string? text)
        {
            if (string.IsNullOrWhiteSpace(text)) return;
            html.Append("<p><strong>").Append(label).Append(":</strong> ").Append(Encode(text.Trim())).Append("</p>");
        }
        Part(labels[0], context);
        Part(labels[1], aims);
        Part(labels[2], methods);
        Part(labels[3], findings);
        return html.ToString();
    }

    /// <summary>An excerpt of plain text for a card: at most <paramref name="max"/> characters, cut at a word.</summary>
    public static string Excerpt(string? text, int max = 280)
    {
        if (string.IsNullOrWhiteSpace(text)) return "";
        var flat = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (flat.Length <= max) return flat;
        var cut = flat.LastIndexOf(' ', max - 1);
        return string.Concat(flat.AsSpan(0, cut > max / 2 ? cut : max - 1), "…");
    }
}
