using System.Text;
using Camtree.Protocol.Signatures;
using Camtree.Tests.Support;

namespace Camtree.Tests.Protocol;

/// <summary>Our signer and verifier together, and each refusal reason.</summary>
public sealed class CavageVerifierTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 14, 10, 0, 0, TimeSpan.Zero);
    private static readonly RsaKeyPair Alice = RsaKeyPair.Generate();
    private const string AliceKeyId = "https://a.example/users/alice#main-key";
    private const string AliceIri = "https://a.example/users/alice";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"type":"Follow","actor":"https://a.example/users/alice"}""");

    private static HttpRequestParts SignedPost(RsaKeyPair keys, DateTimeOffset date, byte[]? body = null, string target = "/users/bob/inbox")
    {
        body ??= Body;
        var headers = new List<KeyValuePair<string, string>>
        {
            new("Host", "b.example"),
            new("Date", date.ToString("r")),
            new("Digest", HttpDigest.ComputeDigestHeader(body)),
            new("Content-Type", "application/activity+json"),
        };
        var unsigned = HttpRequestParts.Create("POST", target, headers, body);
        using var key = new SigningKey(AliceKeyId, keys.PrivateKeyPem);
        headers.Add(new("Signature", CavageSigner.SignRequest(unsigned, key, CavageSigner.PostHeaders)));
        return HttpRequestParts.Create("POST", target, headers, body);
    }

    private static (CavageVerifier Verifier, StaticKeyResolver Keys) Verifier(string publicKeyPem)
    {
        var keys = new StaticKeyResolver(new ResolvedPublicKey(AliceKeyId, AliceIri, publicKeyPem));
        return (new CavageVerifier(keys, new PublicKeyCache(), new FixedTimeProvider(Now)), keys);
    }

    [Fact]
    public async Task A_request_signed_as_Mastodon_signs_verifies()
    {
        var (verifier, _) = Verifier(Alice.PublicKeyPem);
        var result = await verifier.VerifyRequestAsync(SignedPost(Alice, Now));
        Assert.True(result.IsValid, result.Reason);
        Assert.Equal(AliceIri, result.KeyOwner);
    }

    [Fact]
    public async Task A_signature_by_another_key_is_invalid()
    {
        var (verifier, keys) = Verifier(Alice.PublicKeyPem);
        var result = await verifier.VerifyRequestAsync(SignedPost(RsaKeyPair.Generate(), Now));
        Assert.Equal(SignatureFailure.InvalidSignature, result.Failure);
        // The cached key failed, so the key was fetched once more in case it was rotated.
        Assert.Equal([(AliceKeyId, false), (AliceKeyId, true)], keys.Lookups);
    }

    [Fact]
    public async Task A_rotated_key_is_fetched_again_and_then_verifies()
    {
        var rotated = RsaKeyPair.Generate();
        var (verifier, keys) = Verifier(Alice.PublicKeyPem);
        keys.Override = (keyId, refresh) => new ResolvedPublicKey(keyId, AliceIri, refresh ? rotated.PublicKeyPem : Alice.PublicKeyPem);

        var result = await verifier.VerifyRequestAsync(SignedPost(rotated, Now));

        Assert.True(result.IsValid, result.Reason);
        Assert.Equal(2, keys.Lookups.Count);
    }

    [Theory]
    [InlineData(-59, true)]
    [InlineData(59, true)]
    [InlineData(-61, false)]
    [InlineData(61, false)]
    public async Task Date_must_be_within_an_hour(int minutes, bool valid)
    {
        var (verifier, _) = Verifier(Alice.PublicKeyPem);
        var result = await verifier.VerifyRequestAsync(SignedPost(Alice, Now.AddMinutes(minutes)));
        Assert.Equal(valid, result.IsValid);
        if (!valid) Assert.Equal(SignatureFailure.DateOutOfWindow, result.Failure);
    }

    [Fact]
    public async Task An_unsigned_request_says_so()
    {
        var (verifier, _) = Verifier(Alice.PublicKeyPem);
        var request = HttpRequestParts.Create("POST", "/inbox", [new("Host", "b.example"), new("Date", Now.ToString("r"))], Body);
        var result = await verifier.VerifyRequestAsync(request);
        Assert.Equal(SignatureFailure.NoSignature, result.Failure);
    }

    [Fact]
    public async Task A_body_without_a_digest_is_refused()
    {
        var (verifier, _) = Verifier(Alice.PublicKeyPem);
        var signed = SignedPost(Alice, Now);
        var headers = signed.Headers.Where(h => !h.Key.Equals("Digest", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase);
        var result = await verifier.VerifyRequestAsync(signed with { Headers = headers });
        Assert.Equal(SignatureFailure.MissingDigest, result.Failure);
    }

    [Fact]
    public async Task An_unknown_algorithm_is_refused_before_any_key_is_fetched()
    {
        var (verifier, keys) = Verifier(Alice.PublicKeyPem);
        var signed = SignedPost(Alice, Now);
        var headers = signed.Headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase);
        headers["Signature"] = [signed.Header("Signature")!.Replace("rsa-sha256", "hmac-sha256")];
        var result = await verifier.VerifyRequestAsync(signed with { Headers = headers });
        Assert.Equal(SignatureFailure.UnsupportedAlgorithm, result.Failure);
        Assert.Empty(keys.Lookups);
    }

    [Fact]
    public async Task An_unknown_key_is_a_key_fetch_failure()
    {
        var keys = new StaticKeyResolver();
        var verifier = new CavageVerifier(keys, new PublicKeyCache(), new FixedTimeProvider(Now));
        var result = await verifier.VerifyRequestAsync(SignedPost(Alice, Now));
        Assert.Equal(SignatureFailure.KeyFetchFailed, result.Failure);
    }

    [Fact]
    public async Task A_signature_over_the_path_alone_verifies_for_a_request_with_a_query()
    {
        // Some senders sign (request-target) without the query string; Mastodon accepts both forms.
        var (verifier, _) = Verifier(Alice.PublicKeyPem);
        var signedOnPath = SignedPost(Alice, Now, target: "/inbox");
        var result = await verifier.VerifyRequestAsync(signedOnPath with { PathAndQuery = "/inbox?source=queue" });
        Assert.True(result.IsValid, result.Reason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("keyId=\"x\"")]
    [InlineData("keyId=\"x\",signature=\"abc")]
    [InlineData("keyId=\"x\",keyId=\"y\",signature=\"abc\"")]
    public void Malformed_signature_headers_do_not_parse(string value) =>
        Assert.Null(CavageSignatureHeader.Parse(value));

    [Fact]
    public void A_header_without_headers_parameter_covers_date_only()
    {
        var parsed = CavageSignatureHeader.Parse("keyId=\"k\",algorithm=\"rsa-sha256\",signature=\"c2ln\"")!;
        Assert.Equal(["date"], parsed.Headers);
        Assert.Equal("k", parsed.KeyId);
    }

    [Theory]
    [InlineData("SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=", DigestCheck.Matches)]
    [InlineData("sha-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=", DigestCheck.Matches)]
    [InlineData("MD5=abc, SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=", DigestCheck.Matches)]
    [InlineData("SHA-256=Y48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=", DigestCheck.Mismatch)]
    [InlineData("SHA-512=abc", DigestCheck.UnsupportedAlgorithm)]
    [InlineData(null, DigestCheck.Missing)]
    public void Digest_header_is_checked_against_the_body(string? header, DigestCheck expected) =>
        Assert.Equal(expected, HttpDigest.VerifyDigestHeader(header, Encoding.UTF8.GetBytes("{\"hello\": \"world\"}")));
}
