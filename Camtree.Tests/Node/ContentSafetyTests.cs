using Camtree.Node.Library;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Tests.Node;

/// <summary>
/// HTML from other servers and from Markdown is cleaned before it is stored or shown: structure and text stay,
/// anything that could run goes, links keep only http, https and mailto. Includes the mutation-XSS shapes that
/// fooled sanitisers which checked a different tree than the browser builds.
/// </summary>
public sealed class ContentSafetyTests
{
    private const string Rel = "rel=\"nofollow noopener noreferrer ugc\"";

    [Theory]
    [InlineData("<p>Hi<script>alert(1)</script></p>", "<p>Hi</p>")]
    [InlineData("<p onclick=\"x()\" style=\"color:red\">Hi</p>", "<p>Hi</p>")]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>", "<a " + Rel + ">x</a>")]
    [InlineData("<a href=\"https://camtree.org/\">x</a>", "<a href=\"https://camtree.org/\" " + Rel + ">x</a>")]
    [InlineData("<a href=\"/relative\">x</a>", "<a " + Rel + ">x</a>")]
    [InlineData("<a href=\" JaVaScRiPt:alert(1)\">x</a>", "<a " + Rel + ">x</a>")]
    [InlineData("<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>", "<a " + Rel + ">x</a>")]
    [InlineData("<a href=\"vbscript:msgbox(1)\">x</a>", "<a " + Rel + ">x</a>")]
    [InlineData("<div><p>kept</p></div>", "<p>kept</p>")]
    [InlineData("<img src=x onerror=alert(1)>text", "text")]
    [InlineData("<iframe src=\"https://evil.example\">inner</iframe><p>ok</p>", "<p>ok</p>")]
    [InlineData("<!-- note --><h2>Findings</h2><ul><li>one</li></ul>", "<h2>Findings</h2><ul><li>one</li></ul>")]
    [InlineData("<p lang=\"es\">Hola <strong>mundo</strong></p>", "<p lang=\"es\">Hola <strong>mundo</strong></p>")]
    [InlineData("<style>p{color:red}</style><p>x</p>", "<p>x</p>")]
    [InlineData("<form action=\"https://evil.example\"><input name=q><button>Go</button></form>after", "after")]
    public void Keeps_text_and_structure_and_drops_what_could_run(string input, string expected) =>
        Assert.Equal(expected, ContentSanitizer.Sanitize(input));

    /// <summary>Known mutation-XSS shapes (from DOMPurify's and HtmlSanitizer's bug trackers): nothing executable survives.</summary>
    [Theory]
    [InlineData("<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">")]
    [InlineData("<svg><style><img src=x onerror=alert(1)></style></svg>")]
    [InlineData("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>")]
    [InlineData("<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>")]
    [InlineData("<svg></p><style><a id=\"</style><img src=1 onerror=alert(1)>\">")]
    [InlineData("<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>")]
    [InlineData("<a href=\"java\tscript:alert(1)\">x</a>")]
    [InlineData("<template><script>alert(1)</script></template><p>x</p>")]
    [InlineData("<xmp><img src=x onerror=alert(1)></xmp>")]
    [InlineData("<p><a href=\"https://ok.example\" onmouseover=\"alert(1)\" style=\"position:fixed\">x</a></p>")]
    public void Mutation_xss_shapes_come_out_inert(string input)
    {
        var output = ContentSanitizer.Sanitize(input);
        foreach (var bad in new[] { "<img", "<script", "<style", "<svg", "<math", "onerror", "onmouseover", "javascript:", "style=" })
            Assert.DoesNotContain(bad, output, StringComparison.OrdinalIgnoreCase);
        // And sanitising what came out changes nothing: the browser builds the tree that was checked.
        Assert.Equal(output, ContentSanitizer.Sanitize(output));
    }

    [Fact]
    public void Empty_input_is_empty() => Assert.Equal("", ContentSanitizer.Sanitize(null));

    [Theory]
    [InlineData("[click](javascript:alert(1))", "<p>click</p>")]
    [InlineData("[click](data:text/html,<script>alert(1)</script>)", "<p>click</p>")]
    [InlineData("[click](vbscript:msgbox)", "<p>click</p>")]
    [InlineData("<javascript:alert(1)>", "<p>javascript:alert(1)</p>")]
    [InlineData("[the study](https://example.org/study)", "<p><a href=\"https://example.org/study\" " + Rel + ">the study</a></p>")]
    [InlineData("<https://example.org/a>", "<p><a href=\"https://example.org/a\" " + Rel + ">https://example.org/a</a></p>")]
    [InlineData("[write](mailto:ana@example.org)", "<p><a href=\"mailto:ana@example.org\" " + Rel + ">write</a></p>")]
    [InlineData("![a chart](https://example.org/chart.png)", "<p><a href=\"https://example.org/chart.png\" " + Rel + ">a chart</a></p>")]
    [InlineData("![a chart](javascript:alert(1))", "<p>a chart</p>")]
    [InlineData("![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)", "<p>x</p>")]
    [InlineData("<b onclick=alert(1)>raw html is text</b>", "<p>&lt;b onclick=alert(1)&gt;raw html is text&lt;/b&gt;</p>")]
    public void Markdown_links_and_images_keep_only_http_https_and_mailto(string markdown, string expected) =>
        Assert.Equal(expected, ReportRendering.MarkdownToHtml(markdown).Trim());

    [Theory]
    [InlineData("https://creativecommons.org/licenses/by/4.0/", "CC BY 4.0")]
    [InlineData("http://creativecommons.org/licenses/by-nc-sa/4.0", "CC BY-NC-SA 4.0")]
    [InlineData("https://creativecommons.org/licenses/by/4.0/legalcode", "CC BY 4.0")]
    [InlineData("https://www.creativecommons.org/publicdomain/zero/1.0/", "CC0 1.0")]
    [InlineData("https://example.org/my-licence", null)]
    [InlineData("javascript:alert(1)", null)]
    public void Known_licences_are_named(string url, string? name) => Assert.Equal(name, KnownLicenses.NameOf(url));

    [Theory]
    [InlineData("abcdef", 10, "abcdef")]
    [InlineData("abcdef", 4, "abc…")]
    [InlineData("ab😀cd", 4, "ab…")] // never half a surrogate pair
    [InlineData("abc", 0, "")]
    public void Text_is_cut_to_its_limit_with_an_ellipsis(string text, int max, string expected)
    {
        var cut = ReportLimits.Cut(text, max)!;
        Assert.Equal(expected, cut);
        Assert.True(cut.Length <= max);
    }
}
