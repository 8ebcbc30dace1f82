using Camtree.Node.Library.Editor;

namespace Camtree.Tests.Node;

/// <summary>The report template both ways: sections into a body under headings in the report's language, and back.</summary>
public sealed class ReportTemplateTests
{
    [Fact]
    public void Sections_become_a_body_under_headings_in_the_reports_language_and_come_back()
    {
        var sections = new Dictionary<string, string?> { ["whyWeStarted"] = "Pouca participação.", ["whatWeLearned"] = "Os alunos falaram mais.\r\nMuito mais." };

        var body = ReportTemplate.Body("pt-BR", sections);

        Assert.Equal("## Por que começamos\n\nPouca participação.\n\n## O que aprendemos\n\nOs alunos falaram mais.\nMuito mais.", body);
        var (back, other) = ReportTemplate.Split("pt-BR", body);
        Assert.Equal("", other);
        Assert.Equal("Pouca participação.", back["whyWeStarted"]);
        Assert.Equal("Os alunos falaram mais.\nMuito mais.", back["whatWeLearned"]);
        Assert.Equal("", back["whatNext"]);
        // A language without its own headings gets English ones.
        Assert.StartsWith("## Why we started", ReportTemplate.Body("de", sections));
    }

    [Theory]
    [InlineData("Just text, no headings at all.")]
    [InlineData("## Our own heading\n\nText under it.")]
    [InlineData("## Why we started\n\nOne.\n\n## Why we started\n\nTwice.")]
    public void A_body_not_in_the_templates_shape_is_kept_whole(string body)
    {
        var (sections, other) = ReportTemplate.Split("en", body);
        Assert.Equal(body, other);
        Assert.All(sections.Values, v => Assert.Equal("", v));
    }
}
