using System.Text;
using Markdig;

namespace Camtree.Node.Library;

/// <summary>Turns what practitioners write into the HTML that reports carry.</summary>
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

    public static string MarkdownToHtml(string markdown) => Markdown.ToHtml(markdown ?? "", Pipeline);

    /// <summary>
    /// The structured abstract as HTML: the <c>summary</c> of the Article, which Mastodon shows in place of
    /// <c>content</c>, so it must read on its own.
    /// </summary>
    public static string AbstractHtml(string? context, string? aims, string? methods, string? findings)
    {
        var html = new StringBuilder();
        void Part(string label, string? text)
        {
            if (string.IsNullOrWhiteSpace(text)) return;
            html.Append("<p><strong>").Append(label).Append(":</strong> ").Append(Encode(text.Trim())).Append("</p>");
        }
        Part("Context", context);
        Part("Aims", aims);
        Part("Methods", methods);
        Part("Findings", findings);
        return html.ToString();
    }
}
