using System.Text;
using System.Text.Json;
using Camtree.Protocol.Signatures;
using Camtree.Tests.Support;

namespace Camtree.Tests.Protocol;

/// <summary>The entry point: Signature-Input selects RFC 9421, its absence draft-cavage.</summary>
public sealed class HttpSignatureVerifierTests
{
    private static readonly JsonElement Mastodon9421 = Fixtures.Load("Signatures/mastodon-rfc9421-captured.json");
    private static readonly DateTimeOffset Now = new(2026, 3, 14, 10, 0, 0, TimeSpan.Zero);
    private static readonly RsaKeyPair Alice = RsaKeyPair.Generate();
    private const string AliceKeyId = "https://a.example/users/alice#main-key";

    [Fact]
    public async Task A_cavage_signed_request_verifies_through_it()
    {
        var body = Encoding.UTF8.GetBytes("""{"type":"Follow"}""");
        var headers = new List<KeyValuePair<string, string>>
        {
            new("Host", "b.example"),
            new("Date", Now.ToString("r")),
            new("Digest", HttpDigest.ComputeDigestHeader(body)),
            new("Content-Type", "application/activity+json"),
        };
        using var key = new SigningKey(AliceKeyId, Alice.PrivateKeyPem);
        headers.Add(new("Signature", CavageSigner.SignRequest(HttpRequestParts.Create("POST", "/inbox", headers, body), key, CavageSigner.PostHeaders)));
        var keys = new StaticKeyResolver(new ResolvedPublicKey(AliceKeyId, "https://a.example/users/alice", Alice.PublicKeyPem));
        var verifier = new HttpSignatureVerifier(keys, new PublicKeyCache(), new FixedTimeProvider(Now));

        var result = await verifier.VerifyRequestAsync(HttpRequestParts.Create("POST", "/inbox", headers, body));

        Assert.True(result.IsValid, result.Reason);
    }

    [Fact]
    public async Task A_request_with_Signature_Input_takes_the_RFC_9421_path()
    {
        // Its Signature header is an RFC 8941 dictionary that draft-cavage cannot parse: only RFC 9421 verifies it.
        var vector = Mastodon9421.GetProperty("vectors").EnumerateArray().Single(v => v.Text("id") == "mastodon-rfc9421-post");
        var keys = new StaticKeyResolver(new ResolvedPublicKey(Mastodon9421.Text("keyId"), Mastodon9421.Text("actor"), Mastodon9421.Text("publicKeyPem")));
        var verifier = new HttpSignatureVerifier(keys, new PublicKeyCache(), new FixedTimeProvider(DateTimeOffset.Parse(vector.Text("signedAt"))));

        var request = Fixtures.Request(vector);
        var result = await verifier.VerifyRequestAsync(request);
        var cavage = await new CavageVerifier(keys, new PublicKeyCache(), new FixedTimeProvider(DateTimeOffset.Parse(vector.Text("signedAt")))).VerifyRequestAsync(request);

        Assert.True(result.IsValid, result.Reason);
        Assert.Equal(Mastodon9421.Text("actor"), result.KeyOwner);
        Assert.False(cavage.IsValid);
    }

    [Fact]
    public async Task An_unsigned_request_says_so()
    {
        var verifier = new HttpSignatureVerifier(new StaticKeyResolver(), new PublicKeyCache(), new FixedTimeProvider(Now));

        var result = await verifier.VerifyRequestAsync(HttpRequestParts.Create("GET", "/", [new("Host", "b.example")]));

        Assert.Equal(SignatureFailure.NoSignature, result.Failure);
    }
}
