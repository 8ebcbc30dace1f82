using System.Security.Cryptography;
using System.Text;
using Camtree.Protocol.Signatures;
using Camtree.Tests.Support;

namespace Camtree.Tests.Protocol;

/// <summary>The RFC 9421 verifier's policy: what it accepts, and each refusal with its reason.</summary>
public sealed class Rfc9421VerifierTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 14, 10, 0, 0, TimeSpan.Zero);
    private static readonly RsaKeyPair Alice = RsaKeyPair.Generate();
    private const string AliceKeyId = "https://a.example/users/alice#main-key";
    private const string AliceIri = "https://a.example/users/alice";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"type":"Follow","actor":"https://a.example/users/alice"}""");

    /// <summary>What Mastodon signs on a POST: method, target URI and Content-Digest.</summary>
    private const string MastodonComponents = "(\"@method\" \"@target-uri\" \"content-digest\")";

    private static HttpRequestParts UnsignedPost(byte[]? body = null)
    {
        body ??= Body;
        return HttpRequestParts.Create("POST", "/users/bob/inbox",
        [
            new("Host", "b.example"),
            new("Content-Type", "application/activity+json"),
            new("Content-Digest", ContentDigest.Compute(body)),
        ], body);
    }

    private static string Parameters(string components = MastodonComponents, DateTimeOffset? created = null, string extra = "") =>
        $"{components};created={(created ?? Now).ToUnixTimeSeconds()};keyid=\"{AliceKeyId}\"{extra}";

    private static HttpRequestParts SignedPost(string? parameters = null, RsaKeyPair? keys = null) =>
        Rfc9421TestRequests.Sign(UnsignedPost(), parameters ?? Parameters(), Rfc9421TestRequests.RsaPkcs1Sha256(keys ?? Alice));

    private static (Rfc9421Verifier Verifier, StaticKeyResolver Keys) Verifier(string publicKeyPem, bool justFetched = false)
    {
        var keys = new StaticKeyResolver(new ResolvedPublicKey(AliceKeyId, AliceIri, publicKeyPem, justFetched));
        return (new Rfc9421Verifier(keys, new PublicKeyCache(), new FixedTimeProvider(Now)), keys);
    }

    [Fact]
    public async Task A_request_signed_as_Mastodon_signs_verifies()
    {
        var (verifier, keys) = Verifier(Alice.PublicKeyPem);

        var result = await verifier.VerifyRequestAsync(SignedPost());

        Assert.True(result.IsValid, result.Reason);
        Assert.Equal(AliceIri, result.KeyOwner);
        Assert.Equal(AliceKeyId, result.KeyId);
        Assert.Single(keys.Lookups);
    }

    [Fact]
    public async Task A_request_signed_with_rsa_pss_sha512_and_saying_so_verifies()
    {
        var (verifier, _) = Verifier(Alice.PublicKeyPem);
        var request = Rfc9421TestRequests.Sign(UnsignedPost(), Parameters(extra: ";alg=\"rsa-pss-sha512\""), Rfc9421TestRequests.RsaPssSha512(Alice));

        var result = await verifier.VerifyRequestAsync(request);

        Assert.True(result.IsValid, result.Reason);
    }

    [Theory]
    [InlineData(";alg=\"ecdsa-p256-sha256\"")]
    [InlineData("")] // a P-256 key implies ecdsa-p256-sha256
    public async Task A_request_signed_with_ecdsa_p256_verifies(string alg)
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (verifier, _) = Verifier(ec.ExportSubjectPublicKeyInfoPem());
        var request = Rfc9421TestRequests.Sign(UnsignedPost(), Parameters(extra: alg), Rfc9421TestRequests.EcdsaP256Sha256(ec));

        var result = await verifier.VerifyRequestAsync(request);

        Assert.True(result.IsValid, result.Reason);
    }

    [Fact]
    public async Task A_key_on_another_curve_is_not_usable()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var (verifier, _) = Verifier(ec.ExportSubjectPublicKeyInfoPem(), justFetched: true);
        var request = Rfc9421TestRequests.Sign(UnsignedPost(), Parameters(),
            data => ec.SignData(data, HashAlgorithmName.SHA384, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));

        var result = await verifier.VerifyRequestAsync(request);

        Assert.Equal(SignatureFailure.KeyFetchFailed, result.Failure);
    }

    [Fact]
    public async Task A_tampered_body_is_a_digest_mismatch()
    {
        var (verifier, keys) = Verifier(Alice.PublicKeyPem);
        var tampered = Body.ToArray();
        tampered[^2] ^= 1;

        var result = await verifier.VerifyRequestAsync(SignedPost() with { Body = tampered });

        Assert.Equal(SignatureFailure.DigestMismatch, result.Failure);
        Assert.Empty(keys.Lookups);
    }

    [Fact]
    public async Task A_tampered_covered_header_is_an_invalid_signature()
    {
        var (verifier, keys) = Verifier(Alice.PublicKeyPem);
        var signed = SignedPost(Parameters("(\"@method\" \"@target-uri\" \"content-digest\" \"content-type\")"));

        var result = await verifier.VerifyRequestAsync(signed.WithHeader("Content-Type", "text/plain"));

        Assert.Equal(SignatureFailure.InvalidSignature, result.Failure);
        Assert.Equal(AliceKeyId, result.KeyId);
        // The cached key failed, so the key was fetched once more in case it was rotated.
        Assert.Equal([(AliceKeyId, false), (AliceKeyId, true)], keys.Lookups);
    }

    [Fact]
    public async Task A_request_sent_to_another_target_is_an_invalid_signature()
    {
        var (verifier, _) = Verifier(Alice.PublicKeyPem);

        var result = await verifier.VerifyRequestAsync(SignedPost() with { PathAndQuery = "/inbox" });

        Assert.Equal(SignatureFailure.InvalidSignature, result.Failure);
    }

    [Fact]
    public async Task The_scheme_is_part_of_the_target_uri()
    {
        var (verifier, _) = Verifier(Alice.PublicKeyPem);

        var result = await verifier.VerifyRequestAsync(SignedPost() with { Scheme = "http" });

        Assert.Equal(SignatureFailure.InvalidSignature, result.Failure);
    }

    [Theory]
    [InlineData(-59, true)]
    [InlineData(59, true)]
    [InlineData(-61, false)]
    [InlineData(61, false)]
    public async Task Created_must_be_within_an_hour(int minutes, bool valid)
    {
        var (verifier, _) = Verifier(Alice.PublicKeyPem);

        var result = await verifier.VerifyRequestAsync(SignedPost(Parameters(created: Now.AddMinutes(minutes))));

        Assert.Equal(valid, result.IsValid);
        if (!valid) Assert.Equal(SignatureFailure.DateOutOfWindow, result.Failure);
    }

    [Fact]
    public async Task An_expired_signature_is_refused()
    {
        var (verifier, keys) = Verifier(Alice.PublicKeyPem);
        var expires = Now.AddSeconds(-1).ToUnixTimeSeconds();

        var result = await verifier.VerifyRequestAsync(SignedPost(Parameters(created: Now.AddMinutes(-5), extra: $";expires={expires}")));

        Assert.Equal(SignatureFailure.DateOutOfWindow, result.Failure);
        Assert.Contains("expired", result.Reason);
        Assert.Empty(keys.Lookups);
    }

    [Fact]
    public async Task A_signature_without_created_is_refused()
    {
        var (verifier, _) = Verifier(Alice.PublicKeyPem);

        var result = await verifier.VerifyRequestAsync(SignedPost($"{MastodonComponents};keyid=\"{AliceKeyId}\""));

        Assert.Equal(SignatureFailure.MissingComponent, result.Failure);
        Assert.Contains("created", result.Reason);
    }

    [Fact]
    public async Task A_signature_with_a_created_beyond_any_date_is_out_of_the_window()
    {
        // created is any 15-digit integer: it must not overflow the date arithmetic.
        var (verifier, _) = Verifier(Alice.PublicKeyPem);

        var result = await verifier.VerifyRequestAsync(SignedPost($"{MastodonComponents};created=999999999999999;keyid=\"{AliceKeyId}\""));

        Assert.Equal(SignatureFailure.DateOutOfWindow, result.Failure);
    }

    [Fact]
    public async Task A_signature_without_keyid_is_malformed()
    {
        var (verifier, keys) = Verifier(Alice.PublicKeyPem);

        var result = await verifier.VerifyRequestAsync(SignedPost($"{MastodonComponents};created={Now.ToUnixTimeSeconds()}"));

        Assert.Equal(SignatureFailure.MalformedSignature, result.Failure);
        Assert.Contains("keyid", result.Reason);
        Assert.Empty(keys.Lookups);
    }

    [Fact]
    public async Task An_alg_that_does_not_match_the_key_is_refused()
    {
        // alg is the sender's claim: an ECDSA alg over an RSA key is not a reason to try anything else.
        var (verifier, _) = Verifier(Alice.PublicKeyPem, justFetched: true);

        var result = await verifier.VerifyRequestAsync(SignedPost(Parameters(extra: ";alg=\"ecdsa-p256-sha256\"")));

        Assert.Equal(SignatureFailure.UnsupportedAlgorithm, result.Failure);
        Assert.Contains("does not match", result.Reason);
    }

    [Fact]
    public async Task An_alg_that_does_not_match_the_keys_declared_algorithm_is_refused()
    {
        var keys = new StaticKeyResolver(new ResolvedPublicKey(AliceKeyId, AliceIri, Alice.PublicKeyPem, JustFetched: true)
        {
            Algorithm = Rfc9421Algorithms.RsaPssSha512,
        });
        var verifier = new Rfc9421Verifier(keys, new PublicKeyCache(), new FixedTimeProvider(Now));

        var result = await verifier.VerifyRequestAsync(SignedPost(Parameters(extra: ";alg=\"rsa-v1_5-sha256\"")));

        Assert.Equal(SignatureFailure.UnsupportedAlgorithm, result.Failure);
    }

    [Theory]
    [InlineData("hmac-sha256")]
    [InlineData("ecdsa-p384-sha384")]
    [InlineData("rsa-sha256")] // a draft-cavage name is not an RFC 9421 algorithm
    public async Task An_unsupported_alg_is_refused_before_any_key_is_fetched(string alg)
    {
        var (verifier, keys) = Verifier(Alice.PublicKeyPem);

        var result = await verifier.VerifyRequestAsync(SignedPost(Parameters(extra: $";alg=\"{alg}\"")));

        Assert.Equal(SignatureFailure.UnsupportedAlgorithm, result.Failure);
        Assert.Empty(keys.Lookups);
    }

    [Fact]
    public async Task Alg_ed25519_with_an_RSA_key_is_refused_once_the_key_is_known()
    {
        var (verifier, keys) = Verifier(Alice.PublicKeyPem);

        var result = await verifier.VerifyRequestAsync(SignedPost(Parameters(extra: ";alg=\"ed25519\"")));

        Assert.Equal(SignatureFailure.UnsupportedAlgorithm, result.Failure);
        Assert.Contains("does not match the RSA key", result.Reason);
        Assert.NotEmpty(keys.Lookups);
    }

    [Theory]
    [InlineData("(\"@method\")", "@target-uri")]
    [InlineData("(\"@target-uri\" \"content-digest\")", "@method")]
    [InlineData("(\"@method\" \"@authority\" \"content-digest\")", "@target-uri")]
    [InlineData("(\"@method\" \"@path\" \"content-digest\")", "@target-uri")]
    [InlineData("(\"@method\";req \"@target-uri\" \"content-digest\")", "@method")]
    public async Task A_signature_that_does_not_cover_the_request_is_refused(string components, string missing)
    {
        var (verifier, keys) = Verifier(Alice.PublicKeyPem);
        // The policy is checked before anything is signed over, so the signature itself does not matter here.
        var request = SignedPost().WithHeader("Signature-Input", $"sig1={Parameters(components)}");

        var result = await verifier.VerifyRequestAsync(request);

        Assert.Equal(SignatureFailure.MissingComponent, result.Failure);
        Assert.Contains(missing, result.Reason);
        Assert.Empty(keys.Lookups);
    }

    [Theory]
    [InlineData("(\"@method\" \"@authority\" \"@path\" \"content-digest\")")]
    [InlineData("(\"@method\" \"@authority\" \"@request-target\" \"content-digest\")")]
    [InlineData("(\"@request-target\" \"@scheme\" \"@method\" \"@authority\" \"@query\" \"host\" \"content-digest\")")]
    public async Task Authority_and_path_may_stand_in_for_the_target_uri(string components)
    {
        var (verifier, _) = Verifier(Alice.PublicKeyPem);

        var result = await verifier.VerifyRequestAsync(SignedPost(Parameters(components)));

        Assert.True(result.IsValid, result.Reason);
    }

    [Fact]
    public async Task A_body_without_any_digest_is_refused()
    {
        var (verifier, _) = Verifier(Alice.PublicKeyPem);
        var unsigned = UnsignedPost().WithHeader("Content-Digest", null);
        var request = Rfc9421TestRequests.Sign(unsigned, Parameters("(\"@method\" \"@target-uri\")"), Rfc9421TestRequests.RsaPkcs1Sha256(Alice));

        var result = await verifier.VerifyRequestAsync(request);

        Assert.Equal(SignatureFailure.MissingDigest, result.Failure);
    }

    [Fact]
    public async Task A_body_whose_digest_is_not_covered_is_refused()
    {
        var (verifier, _) = Verifier(Alice.PublicKeyPem);

        var result = await verifier.VerifyRequestAsync(SignedPost(Parameters("(\"@method\" \"@target-uri\")")));

        Assert.Equal(SignatureFailure.MissingComponent, result.Failure);
        Assert.Contains("content-digest", result.Reason);
    }

    [Fact]
    public async Task A_covered_content_digest_with_only_insecure_algorithms_is_a_missing_digest()
    {
        var (verifier, _) = Verifier(Alice.PublicKeyPem);
        var unsigned = UnsignedPost().WithHeader("Content-Digest", "md5=:" + Convert.ToBase64String(MD5.HashData(Body)) + ":");
        var request = Rfc9421TestRequests.Sign(unsigned, Parameters(), Rfc9421TestRequests.RsaPkcs1Sha256(Alice));

        var result = await verifier.VerifyRequestAsync(request);

        Assert.Equal(SignatureFailure.MissingDigest, result.Failure);
    }

    [Fact]
    public async Task A_covered_legacy_digest_is_accepted_in_place_of_content_digest()
    {
        var (verifier, _) = Verifier(Alice.PublicKeyPem);
        var unsigned = UnsignedPost().WithHeader("Content-Digest", null).WithHeader("Digest", HttpDigest.ComputeDigestHeader(Body));
        var request = Rfc9421TestRequests.Sign(unsigned, Parameters("(\"@method\" \"@target-uri\" \"digest\")"), Rfc9421TestRequests.RsaPkcs1Sha256(Alice));

        var result = await verifier.VerifyRequestAsync(request);

        Assert.True(result.IsValid, result.Reason);
    }

    [Fact]
    public async Task A_get_needs_no_digest()
    {
        var (verifier, _) = Verifier(Alice.PublicKeyPem);
        var unsigned = HttpRequestParts.Create("GET", "/users/bob/outbox?page=1", [new("Host", "b.example"), new("Accept", "application/activity+json")]);
        var request = Rfc9421TestRequests.Sign(unsigned, Parameters("(\"@method\" \"@target-uri\")"), Rfc9421TestRequests.RsaPkcs1Sha256(Alice));

        var result = await verifier.VerifyRequestAsync(request);

        Assert.True(result.IsValid, result.Reason);
    }

    [Theory]
    [InlineData("(\"@method\" \"@target-uri\" \"content-digest\" \"@foo\")", "unknown")]
    [InlineData("(\"@method\" \"@target-uri\" \"content-digest\" \"x-missing\")", "x-missing")]
    [InlineData("(\"@method\" \"@target-uri\" \"content-digest\" \"@status\")", "@status")]
    [InlineData("(\"@method\" \"@target-uri\" \"content-digest\" \"content-type\";sf)", "not supported")]
    [InlineData("(\"@method\" \"@target-uri\" \"content-digest\" \"@query-param\";name=\"x\")", "no query parameter")]
    [InlineData("(\"@method\" \"@target-uri\" \"content-digest\" \"@signature-params\")", "must not")]
    [InlineData("(\"@method\" \"@target-uri\" \"content-digest\" \"Content-Type\")", "lowercase")]
    [InlineData("(\"@method\" \"@target-uri\" \"content-digest\" \"@method\")", "twice")]
    public async Task A_component_that_cannot_be_reconstructed_is_refused(string components, string reason)
    {
        var (verifier, keys) = Verifier(Alice.PublicKeyPem);
        // Signed over the components we can build; then claimed to cover one more.
        var request = SignedPost().WithHeader("Signature-Input", $"sig1={Parameters(components)}");

        var result = await verifier.VerifyRequestAsync(request);

        Assert.Equal(SignatureFailure.MissingComponent, result.Failure);
        Assert.Contains(reason, result.Reason);
        Assert.Empty(keys.Lookups);
    }

    [Theory]
    [InlineData("sig1")]
    [InlineData("sig1=")]
    [InlineData("sig1=(\"@method\" \"@target-uri\"")]
    [InlineData("sig1=(@method @target-uri);created=1;keyid=\"k\"")]
    [InlineData("sig1=\"@method\";created=1;keyid=\"k\"")]
    [InlineData("sig1=(\"@method\" \"@target-uri\");created=\"1\";keyid=\"k\"")]
    [InlineData("sig1=(\"@method\" \"@target-uri\");created=1;keyid=k")]
    [InlineData("sig1=(\"@method\" \"@target-uri\");created=1.5;keyid=\"k\"")]
    [InlineData("Sig1=(\"@method\")")]
    public async Task Malformed_signature_input_is_refused(string signatureInput)
    {
        var (verifier, keys) = Verifier(Alice.PublicKeyPem);

        var result = await verifier.VerifyRequestAsync(SignedPost().WithHeader("Signature-Input", signatureInput));

        Assert.Equal(SignatureFailure.MalformedSignature, result.Failure);
        Assert.Empty(keys.Lookups);
    }

    [Theory]
    [InlineData("sig1=\"not bytes\"")]
    [InlineData("sig1=:not base64!:")]
    public async Task A_signature_that_is_not_a_byte_sequence_is_malformed(string signature)
    {
        var (verifier, _) = Verifier(Alice.PublicKeyPem);

        var result = await verifier.VerifyRequestAsync(SignedPost().WithHeader("Signature", signature));

        Assert.Equal(SignatureFailure.MalformedSignature, result.Failure);
    }

    [Fact]
    public async Task A_label_in_Signature_Input_but_not_in_Signature_is_refused()
    {
        var (verifier, keys) = Verifier(Alice.PublicKeyPem);
        var signed = SignedPost();

        var result = await verifier.VerifyRequestAsync(signed.WithHeader("Signature", signed.Header("Signature")!.Replace("sig1=", "other=")));

        Assert.Equal(SignatureFailure.MalformedSignature, result.Failure);
        Assert.Contains("'sig1'", result.Reason);
        Assert.Empty(keys.Lookups);
    }

    [Fact]
    public async Task Signature_Input_without_Signature_is_unsigned()
    {
        var (verifier, _) = Verifier(Alice.PublicKeyPem);

        var result = await verifier.VerifyRequestAsync(SignedPost().WithHeader("Signature", null));

        Assert.Equal(SignatureFailure.NoSignature, result.Failure);
    }

    [Fact]
    public async Task The_first_signature_that_meets_the_policy_is_the_one_verified()
    {
        // A proxy's signature over the authority alone comes first; the actor's follows.
        var (verifier, _) = Verifier(Alice.PublicKeyPem);
        var signed = SignedPost();
        var request = signed
            .WithHeader("Signature-Input", $"proxy=(\"@authority\");created={Now.ToUnixTimeSeconds()};keyid=\"proxy-key\", {signed.Header("Signature-Input")}")
            .WithHeader("Signature", $"proxy=:AAAA:, {signed.Header("Signature")}");

        var result = await verifier.VerifyRequestAsync(request);

        Assert.True(result.IsValid, result.Reason);
        Assert.Equal(AliceKeyId, result.KeyId);
    }

    [Fact]
    public async Task When_no_signature_meets_the_policy_the_first_refusal_is_returned()
    {
        var (verifier, _) = Verifier(Alice.PublicKeyPem);
        var request = SignedPost()
            .WithHeader("Signature-Input", $"a=(\"@method\");created={Now.ToUnixTimeSeconds()};keyid=\"k\", b=();created=1;keyid=\"k\"")
            .WithHeader("Signature", "a=:AAAA:, b=:AAAA:");

        var result = await verifier.VerifyRequestAsync(request);

        Assert.Equal(SignatureFailure.MissingComponent, result.Failure);
        Assert.Contains("@target-uri", result.Reason);
    }

    [Fact]
    public async Task A_rotated_key_is_fetched_again_and_then_verifies()
    {
        var rotated = RsaKeyPair.Generate();
        var (verifier, keys) = Verifier(Alice.PublicKeyPem);
        keys.Override = (keyId, refresh) => new ResolvedPublicKey(keyId, AliceIri, refresh ? rotated.PublicKeyPem : Alice.PublicKeyPem);

        var result = await verifier.VerifyRequestAsync(SignedPost(keys: rotated));

        Assert.True(result.IsValid, result.Reason);
        Assert.Equal(2, keys.Lookups.Count);
    }

    [Fact]
    public async Task A_key_fetched_for_this_request_is_not_fetched_again()
    {
        var (verifier, keys) = Verifier(Alice.PublicKeyPem, justFetched: true);

        var result = await verifier.VerifyRequestAsync(SignedPost(keys: RsaKeyPair.Generate()));

        Assert.Equal(SignatureFailure.InvalidSignature, result.Failure);
        Assert.Single(keys.Lookups);
    }

    [Fact]
    public async Task An_unknown_key_is_a_key_fetch_failure()
    {
        var verifier = new Rfc9421Verifier(new StaticKeyResolver(), new PublicKeyCache(), new FixedTimeProvider(Now));

        var result = await verifier.VerifyRequestAsync(SignedPost());

        Assert.Equal(SignatureFailure.KeyFetchFailed, result.Failure);
        Assert.Equal(AliceKeyId, result.KeyId);
    }

    [Fact]
    public async Task A_key_that_cannot_be_fetched_is_a_key_fetch_failure()
    {
        var (verifier, keys) = Verifier(Alice.PublicKeyPem);
        keys.Override = (_, _) => throw new HttpRequestException("502 Bad Gateway");

        var result = await verifier.VerifyRequestAsync(SignedPost());

        Assert.Equal(SignatureFailure.KeyFetchFailed, result.Failure);
        Assert.Contains("502", result.Reason);
    }

    [Fact]
    public async Task A_cancelled_request_is_cancelled_not_a_key_fetch_failure()
    {
        var (verifier, keys) = Verifier(Alice.PublicKeyPem);
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        keys.Override = (_, _) => throw new TaskCanceledException();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => verifier.VerifyRequestAsync(SignedPost(), cancellationToken: cancellation.Token));
    }

    [Fact]
    public async Task A_key_that_is_not_a_public_key_is_a_key_fetch_failure()
    {
        var (verifier, _) = Verifier("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", justFetched: true);

        var result = await verifier.VerifyRequestAsync(SignedPost());

        Assert.Equal(SignatureFailure.KeyFetchFailed, result.Failure);
    }
}
