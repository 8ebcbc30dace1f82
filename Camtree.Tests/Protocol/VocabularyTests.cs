using System.Text.Json;
using Camtree.Protocol.JsonLd;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Tests.Protocol;

/// <summary>Outgoing documents carry the right context, with Camtree's terms defined inline.</summary>
public sealed class VocabularyTests
{
    private static readonly ResearchReport Report = new()
    {
        Id = "https://a.example/reports/1",
        AttributedTo = "https://a.example/users/ana",
        Name = "Mini pizarras y razonamiento",
        Summary = "<p>Findings</p>",
        Content = "<p>Body</p>",
        Url = "https://a.example/reports/1",
        Published = new DateTimeOffset(2026, 3, 14, 10, 0, 0, TimeSpan.FromHours(1)),
        InLanguage = "es",
        Methodology = "lesson-study",
        Tag = [new Hashtag("https://a.example/themes/oracy", "#oracy")],
    };

    [Fact]
    public void Context_comes_first_and_defines_every_Camtree_term_inline()
    {
        using var document = JsonDocument.Parse(ActivityJson.Serialize(Report));
        var root = document.RootElement;
        Assert.Equal("@context", root.EnumerateObject().First().Name);
        var context = root.GetProperty("@context");
        Assert.Equal(ActivityStreams.ContextIri, context[0].GetString());
        var terms = context.EnumerateArray().Single(c => c.ValueKind == JsonValueKind.Object);

        // Every property of the report is either an AS2 term or defined inline: no unknown context to fetch.
        string[] asTerms = ["id", "type", "attributedTo", "name", "summary", "content", "url", "published", "to", "cc", "tag", "href"];
        foreach (var property in root.EnumerateObject().Where(p => p.Name != "@context"))
            Assert.True(asTerms.Contains(property.Name) || terms.TryGetProperty(property.Name, out _), $"{property.Name} is not defined");
        Assert.Equal("camtree:methodology", terms.GetProperty("methodology").GetString());
        Assert.Equal(CamtreeVocabulary.NamespaceIri, terms.GetProperty("camtree").GetString());
    }

    [Fact]
    public void Times_are_written_as_UTC_with_Z()
    {
        using var document = JsonDocument.Parse(ActivityJson.Serialize(Report));
        Assert.Equal("2026-03-14T09:00:00Z", document.RootElement.GetProperty("published").GetString());
    }

    [Fact]
    public void An_embedded_object_has_no_context_of_its_own_and_nulls_are_left_out()
    {
        var create = new Activity { Id = "https://a.example/a/1", Type = AsTypes.Create, Actor = Report.AttributedTo, Object = Report };
        using var document = JsonDocument.Parse(ActivityJson.Serialize(create));
        var embedded = document.RootElement.GetProperty("object");
        Assert.False(embedded.TryGetProperty("@context", out _));
        Assert.Equal("Article", embedded.GetProperty("type").GetString());
        Assert.False(document.RootElement.TryGetProperty("to", out _));
        Assert.False(embedded.TryGetProperty("updated", out _));
    }

    [Theory]
    [InlineData("application/activity+json", true)]
    [InlineData("application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"", true)]
    [InlineData("text/html,application/xhtml+xml", false)]
    [InlineData("application/json", false)]
    [InlineData("application/ld+json, application/json", true)]
    [InlineData("application/ld+json; profile=\"http://example.org/other\"", false)]
    [InlineData("text/html, application/activity+json;q=0.9", true)]
    public void ActivityPub_media_types_are_recognised(string accept, bool expected) =>
        Assert.Equal(expected, ActivityStreams.IsActivityPubMediaType(accept));
}
