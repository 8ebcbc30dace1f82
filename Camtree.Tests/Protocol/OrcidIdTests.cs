using Camtree.Protocol.Vocabulary;

namespace Camtree.Tests.Protocol;

/// <summary>ORCID iDs with ORCID's own examples (support.orcid.org, "Structure of the ORCID identifier").</summary>
public sealed class OrcidIdTests
{
    [Theory]
    [InlineData("0000-0002-1825-0097", "https://orcid.org/0000-0002-1825-0097")]
    [InlineData("https://orcid.org/0000-0001-5109-3700", "https://orcid.org/0000-0001-5109-3700")]
    [InlineData("http://www.orcid.org/0000-0002-1694-233X", "https://orcid.org/0000-0002-1694-233X")]
    [InlineData("000000021694233x", "https://orcid.org/0000-0002-1694-233X")]
    [InlineData(" orcid.org/0000-0002-1825-0097 ", "https://orcid.org/0000-0002-1825-0097")]
    public void Examples_are_read_as_their_URI(string typed, string uri)
    {
        Assert.True(OrcidId.TryNormalize(typed, out var normalized));
        Assert.Equal(uri, normalized);
    }

    [Theory]
    [InlineData("0000-0002-1825-0098")] // wrong check character
    [InlineData("0000-0002-1694-2330")] // X expected
    [InlineData("0000-0002-1825-009")] // fifteen
    [InlineData("0000-0002-1825-00971")] // seventeen
    [InlineData("X000-0002-1825-0097")] // X only last
    [InlineData("https://example.org/0000-0002-1825-0097")] // not ORCID's
    [InlineData("")]
    [InlineData(null)]
    public void Anything_else_is_refused(string? typed) => Assert.False(OrcidId.TryNormalize(typed, out _));
}
