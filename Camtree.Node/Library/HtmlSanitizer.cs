using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Camtree.Node.Library;

/// <summary>
/// Cleans HTML received from other servers before it is stored or shown: an allowlist of text elements,
/// links only to http(s) and mailto, no attributes but <c>href</c> (and <c>lang</c>), no scripts or styles.
/// What is not allowed is unwrapped (its text kept), except script-like elements, which are dropped whole.
/// </summary>
public static class HtmlSanitizer
{
    private static readonly HashSet<string> AllowedElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "br", "strong", "b", "em", "i", "u", "s", "del", "sub", "sup", "a", "ul", "ol", "li", "blockquote", "code", "pre",
        "h1", "h2", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td", "span", "abbr", "cite", "q",
    };

    private static readonly HashSet<string> DroppedWhole = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "iframe", "object", "embed", "noscript", "template", "form", "input", "button", "textarea", "select", "svg", "math",
    };

    public static string Sanitize(string? html)
    {
        if (string.IsNullOrWhiteSpace(html)) return "";
        var parser = new HtmlParser();
        var document = parser.ParseDocument("<body></body>");
        var body = document.Body!;
        foreach (var node in parser.ParseFragment(html, body).ToList()) body.AppendChild(node);
        Clean(body);
        return body.InnerHtml;
    }

    private static void Clean(INode parent)
    {
        foreach (var child in parent.ChildNodes.ToList())
        {
            switch (child)
            {
                case IElement element when DroppedWhole.Contains(element.LocalName):
                    element.Remove();
                    break;
                case IElement element when !AllowedElements.Contains(element.LocalName):
                    Clean(element);
                    foreach (var grandchild in element.ChildNodes.ToList()) parent.InsertBefore(grandchild, element);
                    element.Remove();
                    break;
                case IElement element:
                    foreach (var attribute in element.Attributes.ToList())
                    {
                        var keep = attribute.Name is "lang" || (attribute.Name == "href" && element.LocalName == "a" && IsSafeLink(attribute.Value));
                        if (!keep) element.RemoveAttribute(attribute.Name);
                    }
                    if (element.LocalName == "a") element.SetAttribute("rel", "nofollow noopener ugc");
                    Clean(element);
                    break;
                case IComment comment:
                    comment.Remove();
                    break;
            }
        }
    }

    private static bool IsSafeLink(string value) =>
        Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "mailto";
}
