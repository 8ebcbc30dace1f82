using System.Text;
using System.Text.Json;
using Camtree.Protocol.Signatures;
using Camtree.Tests.Support;

namespace Camtree.Tests.Protocol;

/// <summary>RFC 9530 Content-Digest, with the sample digest values of its Appendix D.</summary>
public sealed class ContentDigestTests
{
    private static readonly JsonElement Samples = Fixtures.Load("Signatures/rfc9421-appendix-b.json").GetProperty("rfc9530SampleDigests");
    private static byte[] Body => Encoding.UTF8.GetBytes(Samples.Text("body"));

    [Theory]
    [InlineData("sha-256")]
    [InlineData("sha-512")]
    public void The_RFC_9530_sample_digest_matches_its_body(string algorithm) =>
        Assert.Equal(DigestCheck.Matches, ContentDigest.Verify($"{algorithm}=:{Samples.Text(algorithm)}:", Body));

    [Fact]
    public void Computes_the_RFC_9530_sample_sha_256_value() =>
        Assert.Equal($"sha-256=:{Samples.Text("sha-256")}:", ContentDigest.Compute(Body));

    [Fact]
    public void Both_supported_digests_must_match()
    {
        var both = $"sha-512=:{Samples.Text("sha-512")}:, sha-256=:{Samples.Text("sha-256")}:";
        Assert.Equal(DigestCheck.Matches, ContentDigest.Verify(both, Body));
        var oneWrong = $"sha-512=:{Samples.Text("sha-512")}:, sha-256=:{Convert.ToBase64String(new byte[32])}:";
        Assert.Equal(DigestCheck.Mismatch, ContentDigest.Verify(oneWrong, Body));
    }

    [Fact]
    public void A_changed_body_is_a_mismatch() =>
        Assert.Equal(DigestCheck.Mismatch, ContentDigest.Verify($"sha-256=:{Samples.Text("sha-256")}:", Encoding.UTF8.GetBytes("{\"hello\": \"world!\"}")));

    [Fact]
    public void Insecure_algorithms_alone_are_unsupported()
    {
        // RFC 9530 §5: md5 and the others are deprecated; a field with nothing better does not vouch for the body.
        Assert.Equal(DigestCheck.UnsupportedAlgorithm, ContentDigest.Verify($"md5=:{Samples.Text("md5")}:", Body));
        Assert.Equal(DigestCheck.Matches, ContentDigest.Verify($"md5=:{Samples.Text("md5")}:, sha-256=:{Samples.Text("sha-256")}:", Body));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void No_field_is_missing(string? header) =>
        Assert.Equal(DigestCheck.Missing, ContentDigest.Verify(header, Body));

    [Theory]
    [InlineData("SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=")] // the legacy Digest syntax is not a Dictionary
    [InlineData("sha-256=\"X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=\"")] // a String, not a Byte Sequence
    [InlineData("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=")]
    public void A_malformed_field_cannot_vouch_for_the_body(string header) =>
        Assert.Equal(DigestCheck.Mismatch, ContentDigest.Verify(header, Body));
}
