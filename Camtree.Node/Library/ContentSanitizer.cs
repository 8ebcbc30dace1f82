using Ganss.Xss;

namespace Camtree.Node.Library;

/// <summary>
/// Cleans HTML before it is stored or shown: what other servers send (report bodies and abstracts, comments) and
/// what Markdown made here. Built on <see href="https://github.com/mganss/HtmlSanitizer">HtmlSanitizer</see> (an
/// AngleSharp parse, so what is checked is what a browser would build) with the fediverse's usual allowlist, as
/// Mastodon keeps it for remote posts: text structure, emphasis, lists, quotes, code, links; plus the headings
/// and tables research reports need. No attributes but <c>href</c>, <c>lang</c> and a few list and table ones; links
/// only to http, https and mailto, and marked <c>nofollow noopener noreferrer ugc</c>. No images (Mastodon drops
/// them from remote HTML too: they would reveal readers to whoever serves them), no styles, no script. A
/// disallowed element is unwrapped (its text kept), except those whose content is not text, which go whole.
/// </summary>
public static class ContentSanitizer
{
    private static readonly string[] AllowedTags =
    [
        "p", "br", "span", "a", "del", "s", "pre", "blockquote", "code", "b", "strong", "u", "i", "em", "ul", "ol", "li",
        "h1", "h2", "h3", "h4", "h5", "h6", "hr", "sub", "sup", "abbr", "cite", "q", "table", "thead", "tbody", "tr", "th", "td",
    ];

    /// <summary>Elements whose content is code, styling, embedded documents or form controls rather than text: removed with their content.</summary>
    private static readonly HashSet<string> DroppedWhole = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "iframe", "object", "embed", "noscript", "noembed", "noframes", "template", "form", "input", "button",
        "textarea", "select", "svg", "math", "xmp", "plaintext", "title", "head",
    };

    private static readonly HtmlSanitizer Sanitizer = Create();

    public static string Sanitize(string? html) => string.IsNullOrWhiteSpace(html) ? "" : Sanitizer.Sanitize(html).Trim();

    /// <summary>True for an absolute http, https or mailto URL: the only links Camtree shows.</summary>
    public static bool IsSafeLink(string? url) =>
        url is not null && Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "mailto";

    private static HtmlSanitizer Create()
    {
        var options = new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(AllowedTags, StringComparer.OrdinalIgnoreCase),
            AllowedAttributes = new HashSet<string>(["href", "lang", "title", "start", "reversed", "value", "colspan", "rowspan"], StringComparer.OrdinalIgnoreCase),
            AllowedSchemes = new HashSet<string>(["http", "https", "mailto"], StringComparer.OrdinalIgnoreCase),
            UriAttributes = new HashSet<string>(["href", "src", "cite", "action", "formaction", "poster", "background"], StringComparer.OrdinalIgnoreCase),
            AllowedCssProperties = new HashSet<string>(),
            AllowedAtRules = new HashSet<AngleSharp.Css.Dom.CssRuleType>(),
        };
        var sanitizer = new HtmlSanitizer(options) { KeepChildNodes = true, AllowDataAttributes = false };
        sanitizer.RemovingTag += (_, e) =>
        {
            // Emptied first, so that keeping child nodes keeps nothing of it.
            if (DroppedWhole.Contains(e.Tag.LocalName)) e.Tag.InnerHtml = "";
        };
        sanitizer.RemovingComment += (_, _) => { };
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is AngleSharp.Dom.IElement { LocalName: "a" } link)
            {
                // Relative links would resolve against this node; only absolute safe ones stay.
                if (link.GetAttribute("href") is { } href && !IsSafeLink(href)) link.RemoveAttribute("href");
                link.SetAttribute("rel", "nofollow noopener noreferrer ugc");
            }
        };
        return sanitizer;
    }
}
