using System.Text.Json;
using Camtree.Protocol.Signatures;
using Camtree.Tests.Support;

namespace Camtree.Tests.Protocol;

/// <summary>Requests signed by real Mastodon servers, and the vectors of Mastodon's own signature spec.</summary>
public sealed class MastodonSignatureTests
{
    private static readonly JsonElement Captured = Fixtures.Load("Signatures/mastodon-captured.json");

    public static TheoryData<string> CaptureIds() =>
        new(Captured.GetProperty("captures").EnumerateArray().Select(c => c.Text("id")));

    public static TheoryData<string> SpecVectorIds() =>
        new(Captured.GetProperty("mastodonSpecVectors").GetProperty("vectors").EnumerateArray().Select(c => c.Text("id")));

    private static JsonElement Capture(string id) => Captured.GetProperty("captures").EnumerateArray().Single(c => c.Text("id") == id);

    private static CavageVerifier VerifierAt(string instant, ResolvedPublicKey key, out StaticKeyResolver keys)
    {
        keys = new StaticKeyResolver(key);
        return new CavageVerifier(keys, new PublicKeyCache(), new FixedTimeProvider(DateTimeOffset.Parse(instant)));
    }

    [Theory]
    [MemberData(nameof(CaptureIds))]
    public async Task Verifies_a_request_captured_from_a_real_Mastodon_server(string id)
    {
        var capture = Capture(id);
        var verifier = VerifierAt(capture.Text("signedAt"),
            new ResolvedPublicKey(capture.Text("keyId"), capture.Text("keyId").Split('#')[0], capture.Text("publicKeyPem")), out _);

        var result = await verifier.VerifyRequestAsync(Fixtures.Request(capture));

        Assert.True(result.IsValid, result.Reason);
        Assert.Equal(capture.Text("keyId"), result.KeyId);
    }

    [Fact]
    public async Task A_captured_request_with_one_changed_byte_of_body_is_refused()
    {
        var capture = Capture("mastodon.social-4.3.0-follow-2024-05-02");
        var verifier = VerifierAt(capture.Text("signedAt"),
            new ResolvedPublicKey(capture.Text("keyId"), "owner", capture.Text("publicKeyPem")), out _);
        var request = Fixtures.Request(capture);
        var body = request.Body!.Value.ToArray();
        body[^2] ^= 1;

        var result = await verifier.VerifyRequestAsync(request with { Body = body });

        Assert.Equal(SignatureFailure.DigestMismatch, result.Failure);
    }

    [Fact]
    public async Task A_captured_request_replayed_two_hours_later_is_refused()
    {
        var capture = Capture("mastodon.social-4.3.0-follow-2024-05-02");
        var later = DateTimeOffset.Parse(capture.Text("signedAt")).AddHours(2).ToString("O");
        var verifier = VerifierAt(later, new ResolvedPublicKey(capture.Text("keyId"), "owner", capture.Text("publicKeyPem")), out var keys);

        var result = await verifier.VerifyRequestAsync(Fixtures.Request(capture));

        Assert.Equal(SignatureFailure.DateOutOfWindow, result.Failure);
        Assert.Empty(keys.Lookups);
    }

    [Fact]
    public async Task A_captured_request_sent_to_another_path_is_refused()
    {
        var capture = Capture("mastodon.social-4.3.0-follow-2024-05-02");
        var verifier = VerifierAt(capture.Text("signedAt"),
            new ResolvedPublicKey(capture.Text("keyId"), "owner", capture.Text("publicKeyPem")), out _);

        var result = await verifier.VerifyRequestAsync(Fixtures.Request(capture) with { PathAndQuery = "/inbox" });

        Assert.Equal(SignatureFailure.InvalidSignature, result.Failure);
    }

    [Theory]
    [MemberData(nameof(SpecVectorIds))]
    public async Task Verifies_the_vectors_of_Mastodons_signature_spec(string id)
    {
        var spec = Captured.GetProperty("mastodonSpecVectors");
        var vector = spec.GetProperty("vectors").EnumerateArray().Single(v => v.Text("id") == id);
        var verifier = VerifierAt(vector.Text("signedAt"),
            new ResolvedPublicKey(spec.Text("keyId"), spec.Text("actor"), spec.Text("publicKeyPem")), out _);

        var result = await verifier.VerifyRequestAsync(Fixtures.Request(vector));

        Assert.True(result.IsValid, result.Reason);
        Assert.Equal(spec.Text("actor"), result.KeyOwner);
    }
}
