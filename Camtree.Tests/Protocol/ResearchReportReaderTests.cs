using System.Text;
using Camtree.Protocol.JsonLd;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Tests.Protocol;

/// <summary>Reading Camtree's research vocabulary from an incoming Article, bounded and checked, without a server.</summary>
public sealed class ResearchReportReaderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static ResearchReport Read(string json) =>
        ResearchReportReader.FromArticle(IncomingObject.Parse(Encoding.UTF8.GetBytes(json)), new ReportLimits(), Now);

    [Fact]
    public void Reads_the_research_vocabulary()
    {
        var report = Read("""
            {"id":"https://a.example/r/1","type":"Article","attributedTo":"https://a.example/u/ana","name":"Exit tickets",
             "summary":"<p>s</p>","content":"<p>c</p>","inLanguage":"es","methodology":"action-research","educationalLevel":"primary",
             "subjectArea":"Mathematics","spatialCoverage":"cl","setting":"rural school","researchContext":"ctx","aims":"a","methods":"m",
             "findings":"f","license":"https://creativecommons.org/licenses/by-sa/4.0/","reviewStatus":"peer-reviewed",
             "published":"2026-05-01T10:00:00Z","updated":"2026-06-01T10:00:00Z","url":"https://a.example/@ana/1",
             "tag":[{"type":"Hashtag","name":"#Evaluación"},{"type":"Mention","name":"@x"},{"type":"Hashtag","name":"#two words"}]}
            """);
        Assert.Equal("Exit tickets", report.Name);
        Assert.Equal("es", report.InLanguage);
        Assert.Equal("CL", report.SpatialCoverage);
        Assert.Equal("action-research", report.Methodology);
        Assert.Equal("peer-reviewed", report.ReviewStatus);
        Assert.Equal(["evaluación"], ResearchReportReader.Themes(report));
        Assert.Equal(new DateTimeOffset(2026, 6, 1, 10, 0, 0, TimeSpan.Zero), report.Updated);
        Assert.Equal("https://a.example/@ana/1", report.Url);
    }

    [Fact]
    public void Bounds_and_checks_what_a_peer_sends()
    {
        var tags = string.Join(',', Enumerable.Range(0, 50).Select(i => $$"""{"type":"Hashtag","name":"#t{{i}}"}"""));
        var report = Read($$"""
            {"id":"https://a.example/r/2","type":"Article","attributedTo":"https://a.example/u/ana","name":"{{new string('T', 1000)}}",
             "findings":"{{new string('f', 9000)}}","inLanguage":"not a language!","spatialCoverage":"Chile","license":"javascript:alert(1)",
             "url":"javascript:alert(2)","published":"2099-01-01T00:00:00Z","updated":"2099-01-01T00:00:00Z","tag":[{{tags}}]}
            """);
        Assert.Equal(300, report.Name.Length);
        Assert.EndsWith("…", report.Name);
        Assert.Equal(5000, report.Findings!.Length);
        Assert.Equal("und", report.InLanguage);
        Assert.Null(report.SpatialCoverage);
        Assert.Equal(CamtreeVocabulary.DefaultLicense, report.License);
        Assert.Equal("https://a.example/r/2", report.Url);
        Assert.Equal(Now, report.Published);
        Assert.Null(report.Updated);
        Assert.Equal(20, report.Tag.Count);
    }
}

public sealed class ReportVersionReaderTests
{
    private static Camtree.Protocol.JsonLd.IncomingObject Article(string maps) =>
        Camtree.Protocol.JsonLd.IncomingObject.Parse(System.Text.Encoding.UTF8.GetBytes(
            $$"""{"id":"https://a.example/r/1","type":"Article","attributedTo":"https://a.example/u/ana","name":"Exit tickets",{{maps}}}"""));

    [Fact]
    public void Versions_are_the_name_maps_other_languages_with_their_summary_and_content()
    {
        var versions = Camtree.Protocol.Vocabulary.ResearchReportReader.Versions(Article("""
            "nameMap":{"en":"Exit tickets","es":"Boletos de salida","pt-BR":"Bilhetes de saída","not a tag":"x","fil":"","de":5},
            "summaryMap":{"es":"<p>Resumen</p>"},"contentMap":{"es":"<p>Texto</p>","pt-BR":"<p>Texto pt</p>"}
            """), "en", new Camtree.Protocol.Vocabulary.ReportLimits());
        Assert.Equal(["es", "pt-BR"], versions.Select(v => v.Language));
        Assert.Equal(new Camtree.Protocol.Vocabulary.ReportVersion("es", "Boletos de salida", "<p>Resumen</p>", "<p>Texto</p>"), versions[0]);
        Assert.Equal("", versions[1].Summary);
    }

    [Fact]
    public void At_most_the_limit_is_read_and_each_is_cut()
    {
        var names = string.Join(',', Enumerable.Range(0, 20).Select(i => $"\"l{i:00}\":\"{new string('t', 400)}\""));
        var versions = Camtree.Protocol.Vocabulary.ResearchReportReader.Versions(Article($"\"nameMap\":{{{names}}}"), "en",
            new Camtree.Protocol.Vocabulary.ReportLimits { Translations = 3, TitleChars = 50 });
        Assert.Equal(3, versions.Count);
        Assert.All(versions, v => Assert.Equal(50, v.Name.Length));
    }

    [Fact]
    public void No_name_map_is_no_versions() =>
        Assert.Empty(Camtree.Protocol.Vocabulary.ResearchReportReader.Versions(Article("\"content\":\"x\""), "en", new Camtree.Protocol.Vocabulary.ReportLimits()));
}
