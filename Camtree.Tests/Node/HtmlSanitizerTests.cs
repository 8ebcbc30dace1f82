using Camtree.Node.Library;

namespace Camtree.Tests.Node;

/// <summary>HTML from other servers is cleaned before it is stored or shown.</summary>
public sealed class HtmlSanitizerTests
{
    [Theory]
    [InlineData("<p>Hi<script>alert(1)</script></p>", "<p>Hi</p>")]
    [InlineData("<p onclick=\"x()\" style=\"color:red\">Hi</p>", "<p>Hi</p>")]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>", "<a rel=\"nofollow noopener ugc\">x</a>")]
    [InlineData("<a href=\"https://camtree.org/\">x</a>", "<a href=\"https://camtree.org/\" rel=\"nofollow noopener ugc\">x</a>")]
    [InlineData("<div><p>kept</p></div>", "<p>kept</p>")]
    [InlineData("<img src=x onerror=alert(1)>text", "text")]
    [InlineData("<iframe src=\"https://evil.example\">inner</iframe><p>ok</p>", "<p>ok</p>")]
    [InlineData("<!-- note --><h2>Findings</h2><ul><li>one</li></ul>", "<h2>Findings</h2><ul><li>one</li></ul>")]
    [InlineData("<p lang=\"es\">Hola <strong>mundo</strong></p>", "<p lang=\"es\">Hola <strong>mundo</strong></p>")]
    public void Keeps_text_and_structure_and_drops_what_could_run(string input, string expected) =>
        Assert.Equal(expected, ContentSanitizer.Sanitize(input));

    [Fact]
    public void Empty_input_is_empty() => Assert.Equal("", ContentSanitizer.Sanitize(null));
}
