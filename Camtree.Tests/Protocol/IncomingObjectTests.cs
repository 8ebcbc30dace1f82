using System.Text;
using Camtree.Protocol.JsonLd;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Tests.Protocol;

/// <summary>Incoming JSON is normalised once: singles and arrays, links and embedded objects, the spellings of Public.</summary>
public sealed class IncomingObjectTests
{
    private static IncomingObject Parse(string json) => IncomingObject.Parse(Encoding.UTF8.GetBytes(json));

    [Theory]
    [InlineData("\"https://www.w3.org/ns/activitystreams#Public\"")]
    [InlineData("\"as:Public\"")]
    [InlineData("\"Public\"")]
    [InlineData("[\"Public\", \"https://b.example/users/bob/followers\"]")]
    public void The_three_spellings_of_Public_read_as_the_full_IRI(string to)
    {
        var note = Parse($$"""{"id":"https://a.example/1","type":"Note","to":{{to}}}""");
        Assert.Contains(ActivityStreams.PublicIri, note.To);
        Assert.True(note.IsPublic);
        Assert.DoesNotContain("Public", note.To);
        Assert.DoesNotContain("as:Public", note.To);
    }

    [Fact]
    public void An_object_given_by_IRI_is_a_reference_without_embedding()
    {
        var follow = Parse("""{"id":"https://a.example/f","type":"Follow","actor":"https://a.example/u","object":"https://b.example/v"}""");
        Assert.Equal("https://b.example/v", follow.Object!.Iri);
        Assert.Null(follow.Object.Embedded);
    }

    [Fact]
    public void An_embedded_object_is_normalised_too()
    {
        var create = Parse("""
            {"id":"https://a.example/c","type":"Create","actor":{"id":"https://a.example/u","type":"Person"},
             "object":[{"id":"https://a.example/r","type":["Article","schema:Report"],"attributedTo":[{"type":"Link","href":"https://a.example/u"}],
                        "nameMap":{"es":"Investigación"},"cc":"as:Public","tag":{"type":"Hashtag","name":"#oracy"}}]}
            """);
        Assert.Equal("https://a.example/u", create.Actor);
        var article = create.Object!.Embedded!;
        Assert.Equal("https://a.example/r", create.Object.Iri);
        Assert.Equal(["Article", "schema:Report"], article.Types);
        Assert.Equal("https://a.example/u", article.AttributedTo);
        Assert.Equal("Investigación", article.Name);
        Assert.Equal("es", article.Language);
        Assert.Equal([ActivityStreams.PublicIri], article.Cc);
        Assert.Equal("#oracy", Assert.Single(article.Tags).Name);
    }

    [Fact]
    public void A_url_given_as_a_Link_reads_as_its_href()
    {
        var note = Parse("""{"id":"x","type":"Note","url":{"type":"Link","href":"https://a.example/@u/1","mediaType":"text/html"}}""");
        Assert.Equal("https://a.example/@u/1", note.Url);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("\"a string\"")]
    public void What_is_not_a_JSON_object_is_refused_with_a_reason(string json)
    {
        var error = Assert.Throws<IncomingDocumentException>(() => Parse(json));
        Assert.False(string.IsNullOrEmpty(error.Message));
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_refused()
    {
        var deep = string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 100);
        Assert.Throws<IncomingDocumentException>(() => Parse(deep));
    }
}
