using System.Text;
using Camtree.Protocol.JsonLd;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Tests.Protocol;

/// <summary>Telling a file by its first bytes, and reading a peer's attachments with every one checked.</summary>
public sealed class AttachmentTypesTests
{
    [Theory]
    [InlineData("89504E470D0A1A0A0000000D", "image/png")]
    [InlineData("FFD8FFE000104A464946", "image/jpeg")]
    [InlineData("474946383961", "image/gif")] // GIF89a
    [InlineData("474946383761", "image/gif")] // GIF87a
    [InlineData("524946462400000057454250", "image/webp")] // RIFF....WEBP
    [InlineData("255044462D312E37", "application/pdf")] // %PDF-1.7
    public void Signatures_are_told(string hex, string mediaType) => Assert.Equal(mediaType, AttachmentTypes.Detect(Convert.FromHexString(hex)));

    [Theory]
    [InlineData("<svg xmlns=\"http://www.w3.org/2000/svg\">")]
    [InlineData("<!doctype html><script>")]
    [InlineData("MZ\u0090\u0000")] // a Windows executable
    [InlineData("RIFF\u0024\u0000\u0000\u0000WAVE")] // RIFF but not WebP
    [InlineData("%PD")] // too short
    [InlineData("")]
    public void Anything_else_is_not(string start) => Assert.Null(AttachmentTypes.Detect(Encoding.Latin1.GetBytes(start)));

    private static IncomingObject Article(string attachment) => IncomingObject.Parse(Encoding.UTF8.GetBytes(
        $$"""{"id":"https://a.example/r/1","type":"Article","attributedTo":"https://a.example/u/ana","attachment":{{attachment}}}"""));

    [Fact]
    public void A_peers_attachments_are_read_with_their_address_and_type_checked()
    {
        var read = AttachmentTypes.Read(Article("""
            [{"type":"Document","mediaType":"image/png","url":"https://a.example/f/1.png","name":"An exit ticket"},
             {"type":"Document","mediaType":"application/pdf; charset=binary","url":{"type":"Link","href":"https://a.example/f/2.pdf"}},
             {"type":"Document","mediaType":"image/svg+xml","url":"https://a.example/f/3.svg"},
             {"type":"Document","mediaType":"image/png","url":"javascript:alert(1)"},
             {"type":"Document","mediaType":"image/png","url":"ftp://a.example/f/4.png"},
             {"type":"Note","mediaType":"image/png","url":"https://a.example/f/5.png"},
             {"type":"Image","mediaType":"image/jpeg","url":["https://a.example/f/6.jpg"]},
             "https://a.example/f/7.png", 42]
            """), max: 10, nameChars: 5);
        Assert.Equal(["https://a.example/f/1.png", "https://a.example/f/2.pdf", "https://a.example/f/6.jpg"], read.Select(a => a.Url));
        Assert.Equal(["image/png", "application/pdf", "image/jpeg"], read.Select(a => a.MediaType));
        Assert.Equal("An e…", read[0].Name);
    }

    [Fact]
    public void At_most_the_limit_is_read_and_a_single_object_counts()
    {
        var many = "[" + string.Join(',', Enumerable.Range(0, 50).Select(i => $$"""{"type":"Document","mediaType":"image/png","url":"https://a.example/{{i}}.png"}""")) + "]";
        Assert.Equal(3, AttachmentTypes.Read(Article(many), max: 3, nameChars: 100).Count);
        Assert.Single(AttachmentTypes.Read(Article("""{"type":"Document","mediaType":"application/pdf","url":"https://a.example/x.pdf"}"""), 3, 100));
        Assert.Empty(AttachmentTypes.Read(Article("\"not a list\""), 3, 100));
    }
}
