using System.Text.Json;
using Camtree.Protocol.Signatures;
using Camtree.Tests.Support;

namespace Camtree.Tests.Protocol;

/// <summary>The RFC 9421 vectors of Mastodon's request specs: what Mastodon's verifier accepts and refuses.</summary>
public sealed class MastodonRfc9421SignatureTests
{
    private static readonly JsonElement Fixture = Fixtures.Load("Signatures/mastodon-rfc9421-captured.json");

    public static TheoryData<string> VectorIds() =>
        new(Fixture.GetProperty("vectors").EnumerateArray().Select(v => v.Text("id")));

    private static JsonElement Vector(string id) => Fixture.GetProperty("vectors").EnumerateArray().Single(v => v.Text("id") == id);

    private static Rfc9421Verifier VerifierAt(JsonElement vector) =>
        new(new StaticKeyResolver(new ResolvedPublicKey(Fixture.Text("keyId"), Fixture.Text("actor"), Fixture.Text("publicKeyPem"))),
            new PublicKeyCache(), new FixedTimeProvider(DateTimeOffset.Parse(vector.Text("signedAt"))));

    [Theory]
    [MemberData(nameof(VectorIds))]
    public void Signature_base_matches_the_one_Mastodon_signed(string id)
    {
        var vector = Vector(id);
        var request = Fixtures.Request(vector);
        var input = (SfInnerList)StructuredFieldParser.ParseDictionary(request.Header("signature-input"))![0].Value;

        var (signatureBase, problem) = Rfc9421SignatureBase.Build(request, input);

        Assert.Null(problem);
        Assert.Equal(vector.Text("signatureBase"), signatureBase);
    }

    [Theory]
    [MemberData(nameof(VectorIds))]
    public async Task Verifies_a_request_signed_by_Mastodon(string id)
    {
        var vector = Vector(id);

        var result = await VerifierAt(vector).VerifyRequestAsync(Fixtures.Request(vector));

        Assert.True(result.IsValid, result.Reason);
        Assert.Equal(Fixture.Text("actor"), result.KeyOwner);
    }

    [Fact]
    public async Task A_body_other_than_the_one_Mastodon_signed_is_a_digest_mismatch()
    {
        // Mastodon's own spec expects failure for the body "Hello world!".
        var vector = Vector("mastodon-rfc9421-post");

        var result = await VerifierAt(vector).VerifyRequestAsync(Fixtures.Request(vector) with { Body = "Hello world!"u8.ToArray() });

        Assert.Equal(SignatureFailure.DigestMismatch, result.Failure);
    }

    [Theory]
    [InlineData("mastodon-rfc9421-post", "/activitypub/alternative-path")]
    [InlineData("mastodon-rfc9421-get", "/activitypub/alternative-path")]
    [InlineData("mastodon-rfc9421-get-query", "/activitypub/success?foo=43")]
    public async Task A_request_sent_to_another_target_is_refused(string id, string pathAndQuery)
    {
        var vector = Vector(id);

        var result = await VerifierAt(vector).VerifyRequestAsync(Fixtures.Request(vector) with { PathAndQuery = pathAndQuery });

        Assert.Equal(SignatureFailure.InvalidSignature, result.Failure);
    }

    [Fact]
    public async Task A_GET_replayed_as_a_POST_is_refused()
    {
        var vector = Vector("mastodon-rfc9421-get");

        var result = await VerifierAt(vector).VerifyRequestAsync(Fixtures.Request(vector) with { Method = "POST" });

        Assert.Equal(SignatureFailure.InvalidSignature, result.Failure);
    }

    [Fact]
    public async Task Mastodon_signs_the_https_target_uri()
    {
        // The fixture's note: the signature base with http:// does not verify. A node behind a TLS-terminating
        // proxy must therefore set Scheme from its public URL, not from the connection.
        var vector = Vector("mastodon-rfc9421-get");

        var result = await VerifierAt(vector).VerifyRequestAsync(Fixtures.Request(vector) with { Scheme = "http" });

        Assert.Equal(SignatureFailure.InvalidSignature, result.Failure);
    }

    [Fact]
    public async Task A_request_replayed_two_hours_later_is_refused()
    {
        var vector = Vector("mastodon-rfc9421-get");
        var keys = new StaticKeyResolver(new ResolvedPublicKey(Fixture.Text("keyId"), Fixture.Text("actor"), Fixture.Text("publicKeyPem")));
        var verifier = new Rfc9421Verifier(keys, new PublicKeyCache(), new FixedTimeProvider(DateTimeOffset.Parse(vector.Text("signedAt")).AddHours(2)));

        var result = await verifier.VerifyRequestAsync(Fixtures.Request(vector));

        Assert.Equal(SignatureFailure.DateOutOfWindow, result.Failure);
        Assert.Empty(keys.Lookups);
    }
}
