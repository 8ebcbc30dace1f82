using AngleSharp.Html.Parser;

namespace Camtree.Node.Storage;

/// <summary>The text of HTML without its markup, as full-text search reads it (block elements become spaces).</summary>
public static class SearchText
{
    private static readonly HtmlParser Parser = new();

    public static string Plain(string? html)
    {
        if (string.IsNullOrWhiteSpace(html)) return "";
        var document = Parser.ParseDocument("<body></body>");
        var nodes = Parser.ParseFragment(html, document.Body!);
        var text = new System.Text.StringBuilder();
        foreach (var node in nodes) Append(node, text);
        return string.Join(' ', text.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }

    private static void Append(AngleSharp.Dom.INode node, System.Text.StringBuilder text)
    {
        if (node is AngleSharp.Dom.IText t) { text.Append(t.Data); return; }
        foreach (var child in node.ChildNodes) Append(child, text);
        if (node is AngleSharp.Dom.IElement) text.Append(' ');
    }
}
