using System.Security.Cryptography;
using System.Text;
using Camtree.Protocol.Signatures;
using Camtree.Tests.Support;

namespace Camtree.Tests.Protocol;

/// <summary>draft-cavage-http-signatures-12 Appendix C, checked with openssl when the fixture was made.</summary>
public sealed class CavageVectorTests
{
    private static readonly System.Text.Json.JsonElement Vectors = Fixtures.Load("Signatures/cavage-12.json");
    private static System.Text.Json.JsonElement Key => Vectors.GetProperty("key");
    private static System.Text.Json.JsonElement Request => Vectors.GetProperty("request");

    private static System.Text.Json.JsonElement Case(string id) =>
        Vectors.GetProperty("cases").EnumerateArray().Single(c => c.Text("id") == id);

    [Theory]
    [InlineData("C.1")]
    [InlineData("C.2")]
    [InlineData("C.3")]
    public void Signing_string_matches_the_draft(string id)
    {
        var vector = Case(id);
        var header = CavageSignatureHeader.Parse(vector.Text("signatureHeader"))!;
        var request = Fixtures.Request(Request);

        var (signingString, missing) = CavageSigningString.Build(request, header.Headers, request.PathAndQuery);

        Assert.Null(missing);
        Assert.Equal(vector.Text("signingString"), signingString);
    }

    [Theory]
    [InlineData("C.1")]
    [InlineData("C.2")]
    [InlineData("C.3")]
    public void Signing_with_the_test_key_gives_the_draft_signature(string id)
    {
        // rsa-sha256 (RSASSA-PKCS1-v1_5) is deterministic, so signing again must give the printed bytes.
        var vector = Case(id);
        using var key = new SigningKey("Test", Key.Text("privateKeyPem"));

        var signature = key.SignRsaSha256(Encoding.UTF8.GetBytes(vector.Text("signingString")));

        Assert.Equal(vector.Text("signature"), Convert.ToBase64String(signature));
    }

    [Fact]
    public async Task All_headers_vector_verifies_through_the_verifier()
    {
        // C.3 signs (request-target), host, date, digest: everything the Mastodon policy requires of a POST.
        var vector = Case("C.3");
        var headers = Request.GetProperty("headers").EnumerateObject()
            .Select(h => new KeyValuePair<string, string>(h.Name, h.Value.GetString()!))
            .Append(new("Signature", vector.Text("signatureHeader")));
        var request = HttpRequestParts.Create("POST", Request.Text("path"), headers, Convert.FromBase64String(Request.Text("bodyBase64")));
        var keys = new StaticKeyResolver(new ResolvedPublicKey("Test", "https://example.com/owner", Key.Text("publicKeyPem")));
        var verifier = new CavageVerifier(keys, new PublicKeyCache(), new FixedTimeProvider(DateTimeOffset.Parse(Request.Text("dateInstant"))));

        var result = await verifier.VerifyRequestAsync(request);

        Assert.True(result.IsValid, result.Reason);
        Assert.Equal("https://example.com/owner", result.KeyOwner);
    }

    [Fact]
    public async Task Basic_vector_is_refused_because_the_digest_of_its_body_is_not_signed()
    {
        // C.2 is a valid signature, but it leaves the body unprotected: Mastodon's policy (and ours) refuses it.
        var vector = Case("C.2");
        var headers = Request.GetProperty("headers").EnumerateObject()
            .Select(h => new KeyValuePair<string, string>(h.Name, h.Value.GetString()!))
            .Append(new("Signature", vector.Text("signatureHeader")));
        var request = HttpRequestParts.Create("POST", Request.Text("path"), headers, Convert.FromBase64String(Request.Text("bodyBase64")));
        var keys = new StaticKeyResolver(new ResolvedPublicKey("Test", "owner", Key.Text("publicKeyPem")));
        var verifier = new CavageVerifier(keys, new PublicKeyCache(), new FixedTimeProvider(DateTimeOffset.Parse(Request.Text("dateInstant"))));

        var result = await verifier.VerifyRequestAsync(request);

        Assert.Equal(SignatureFailure.MissingComponent, result.Failure);
        Assert.Contains("digest", result.Reason);
        Assert.Empty(keys.Lookups); // refused before any key fetch
    }

    [Fact]
    public void Digest_of_the_example_body_matches_the_draft()
    {
        Assert.Equal(Request.GetProperty("headers").Text("Digest"),
            HttpDigest.ComputeDigestHeader(Convert.FromBase64String(Request.Text("bodyBase64"))));
    }
}
