using Camtree.Node.Storage;

namespace Camtree.Node.Library.Search;

/// <summary>A snippet as HTML: the text encoded, and the matched words (between the index's private markers) in <c>mark</c>.</summary>
public static class SnippetHtml
{
    public static string From(string snippet) =>
        ReportRendering.Encode(snippet).Replace(Encoded(SearchIndex.MarkStart), "<mark>").Replace(Encoded(SearchIndex.MarkEnd), "</mark>");

    // The encoder may write the private-use characters as they are or as references; both are handled.
    private static string Encoded(char c) => ReportRendering.Encode(c.ToString());
}
