using System.Text.Json;
using System.Text.Json.Nodes;
using Camtree.Protocol.Signatures.Ed25519;
using Camtree.Protocol.Signatures.Multikeys;
using Camtree.Protocol.Signatures.Proofs;
using Camtree.Tests.Support;

namespace Camtree.Tests.Protocol;

/// <summary>
/// FEP-8b32 proof verification: every part of the document and of the proof is covered, and each way a proof
/// can fail has its own reason. The base document is the FEP-8b32 test vector.
/// </summary>
public sealed class ProofVerifierTests
{
    private const string AliceKey = "https://server.example/users/alice#ed25519-key";
    private const string Alice = "https://server.example/users/alice";
    private static readonly JsonElement Fep = Fixtures.Load("Proofs/fep-8b32.json").GetProperty("fep8b32");
    private static readonly IEd25519 Ed25519 = BouncyCastleEd25519.Instance;
    private static readonly FixedTimeProvider Now = new(DateTimeOffset.Parse("2026-11-22T12:00:00Z"));
    private static readonly ResolvedMultikey AliceMultikey = new(AliceKey, Alice, "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2");

    private static JsonObject Signed() => JsonNode.Parse(Fep.GetProperty("signedDocument").GetRawText())!.AsObject();
    private static JsonObject Proof(JsonObject document) => document["proof"]!.AsObject();

    private static byte[] AliceSeed()
    {
        Assert.True(Ed25519Multikey.TryDecodePrivateKey(Fep.Text("secretKeyMultibase"), out var seed));
        return seed;
    }

    private static Task<ProofVerification> VerifyAsync(JsonObject document, StaticMultikeyResolver? keys = null, ProofVerificationOptions? options = null) =>
        new ProofVerifier(keys ?? new StaticMultikeyResolver(AliceMultikey), Ed25519, Now).VerifyProofAsync(document, options);

    private static async Task AssertFailsAsync(ProofFailure expected, JsonObject document, StaticMultikeyResolver? keys = null, ProofVerificationOptions? options = null)
    {
        var result = await VerifyAsync(document, keys, options);
        Assert.False(result.IsValid);
        Assert.True(expected == result.Failure, $"expected {expected}, got {result.Failure}: {result.Reason}");
    }

    [Fact]
    public async Task The_untouched_vector_verifies() => Assert.True((await VerifyAsync(Signed())).IsValid);

    // The document.

    [Fact]
    public Task A_changed_nested_value_breaks_the_signature()
    {
        var document = Signed();
        document["object"]!["content"] = "Hello world!";
        return AssertFailsAsync(ProofFailure.InvalidSignature, document);
    }

    [Fact]
    public Task A_changed_number_breaks_the_signature()
    {
        var document = Signed();
        document["object"]!["location"]!["latitude"] = 25.273963;
        return AssertFailsAsync(ProofFailure.InvalidSignature, document);
    }

    [Fact]
    public Task An_added_member_breaks_the_signature()
    {
        var document = Signed();
        document["to"] = "https://www.w3.org/ns/activitystreams#Public";
        return AssertFailsAsync(ProofFailure.InvalidSignature, document);
    }

    [Fact]
    public Task A_removed_member_breaks_the_signature()
    {
        var document = Signed();
        document.Remove("id");
        return AssertFailsAsync(ProofFailure.InvalidSignature, document);
    }

    [Fact]
    public async Task Reordered_members_and_whitespace_do_not_matter()
    {
        var reordered = new JsonObject();
        foreach (var (name, value) in Signed().Reverse()) reordered[name] = value?.DeepClone();
        Assert.True((await VerifyAsync(reordered)).IsValid);
        Assert.True((await VerifyAsync(JsonNode.Parse(Signed().ToJsonString(new JsonSerializerOptions { WriteIndented = true }))!.AsObject())).IsValid);
    }

    [Fact]
    public Task A_changed_document_context_no_longer_matches_the_proofs()
    {
        var document = Signed();
        document["@context"]!.AsArray()[1] = "https://w3id.org/security/data-integrity/v1";
        return AssertFailsAsync(ProofFailure.ContextMismatch, document);
    }

    [Fact]
    public Task A_context_appended_to_the_document_is_refused()
    {
        // vc-di-eddsa would accept this (the document's context only has to start with the proof's), but an
        // appended context can redefine the signed terms: Camtree requires the contexts to be equal.
        var document = Signed();
        document["@context"]!.AsArray().Add(new JsonObject { ["content"] = "https://evil.example/ns#content" });
        return AssertFailsAsync(ProofFailure.ContextMismatch, document);
    }

    [Fact]
    public Task A_document_with_a_duplicate_member_is_refused_before_anything_reads_it()
    {
        var text = Signed().ToJsonString().Replace("\"actor\":", "\"actor\":\"https://evil.example/users/mallory\",\"actor\":");
        return AssertFailsAsync(ProofFailure.MalformedDocument, JsonNode.Parse(text)!.AsObject());
    }

    [Fact]
    public async Task A_Linked_Data_signature_added_after_the_proof_is_ignored()
    {
        // FEP-8b32 "Backward compatibility": the LD signature is made after the proof and removed before verifying it.
        var document = Signed();
        document["signature"] = new JsonObject { ["type"] = "RsaSignature2017", ["creator"] = Alice + "#main-key", ["signatureValue"] = "abc=" };
        Assert.True((await VerifyAsync(document)).IsValid);
    }

    // The proof configuration.

    [Fact]
    public Task A_changed_proof_context_no_longer_matches_the_document()
    {
        var document = Signed();
        Proof(document)["@context"] = new JsonArray("https://www.w3.org/ns/activitystreams");
        return AssertFailsAsync(ProofFailure.ContextMismatch, document);
    }

    [Fact]
    public Task Changing_both_contexts_together_breaks_the_signature()
    {
        var document = Signed();
        document["@context"] = new JsonArray("https://www.w3.org/ns/activitystreams");
        Proof(document)["@context"] = new JsonArray("https://www.w3.org/ns/activitystreams");
        return AssertFailsAsync(ProofFailure.InvalidSignature, document);
    }

    [Fact]
    public Task A_changed_created_breaks_the_signature()
    {
        var document = Signed();
        Proof(document)["created"] = "2023-02-24T23:36:39Z";
        return AssertFailsAsync(ProofFailure.InvalidSignature, document);
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("2023-02-24")]
    [InlineData("2023-02-30T23:36:38Z")]
    public Task A_created_that_is_not_an_xsd_dateTime_is_malformed(string created)
    {
        var document = Signed();
        Proof(document)["created"] = created;
        return AssertFailsAsync(ProofFailure.MalformedProof, document);
    }

    [Fact]
    public Task A_verification_method_the_resolver_does_not_know_is_not_found()
    {
        var document = Signed();
        Proof(document)["verificationMethod"] = Alice + "#other-key";
        return AssertFailsAsync(ProofFailure.KeyNotFound, document);
    }

    [Fact]
    public Task A_changed_verification_method_breaks_the_signature_even_for_the_same_key()
    {
        var document = Signed();
        Proof(document)["verificationMethod"] = Alice + "#same-key-other-id";
        var keys = new StaticMultikeyResolver(AliceMultikey, AliceMultikey with { Id = Alice + "#same-key-other-id" });
        return AssertFailsAsync(ProofFailure.InvalidSignature, document, keys);
    }

    [Fact]
    public Task A_proof_purpose_other_than_assertionMethod_is_refused()
    {
        var document = Signed();
        Proof(document)["proofPurpose"] = "authentication";
        return AssertFailsAsync(ProofFailure.WrongProofPurpose, document);
    }

    [Fact]
    public Task A_changed_proof_purpose_breaks_the_signature_where_that_purpose_is_allowed()
    {
        var document = Signed();
        Proof(document)["proofPurpose"] = "authentication";
        return AssertFailsAsync(ProofFailure.InvalidSignature, document, options: new ProofVerificationOptions { ProofPurpose = "authentication" });
    }

    [Fact]
    public Task A_member_added_to_the_proof_breaks_the_signature()
    {
        // The proof configuration is the whole proof but its value, so nothing can be slipped in beside it.
        var document = Signed();
        Proof(document)["domain"] = "evil.example";
        return AssertFailsAsync(ProofFailure.InvalidSignature, document);
    }

    [Fact]
    public Task An_expired_proof_is_refused()
    {
        var document = Signed();
        Proof(document)["expires"] = "2024-01-01T00:00:00Z";
        return AssertFailsAsync(ProofFailure.Expired, document);
    }

    // The proof value, type and cryptosuite.

    [Fact]
    public Task A_changed_signature_does_not_verify()
    {
        var document = Signed();
        Assert.True(Base58Btc.TryDecodeMultibase(Proof(document)["proofValue"]!.GetValue<string>(), out var signature));
        signature[10] ^= 0x01;
        Proof(document)["proofValue"] = Base58Btc.EncodeMultibase(signature);
        return AssertFailsAsync(ProofFailure.InvalidSignature, document);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("z")]
    [InlineData("uQ0FGRQ")] // base64url multibase
    [InlineData("z3sXaxjKs4M3BRicwWA9peyNPJvJqxtGsDmpt1jjoHCjgeUf71TRFz56osPSfDErszyLp5Ks1E")] // too short for 64 bytes
    public Task A_proof_value_that_is_not_a_base58btc_signature_is_malformed(string? value)
    {
        var document = Signed();
        if (value is null) Proof(document).Remove("proofValue");
        else Proof(document)["proofValue"] = value;
        return AssertFailsAsync(ProofFailure.MalformedProof, document);
    }

    [Fact]
    public Task An_unknown_cryptosuite_is_refused()
    {
        var document = Signed();
        Proof(document)["cryptosuite"] = "eddsa-rdfc-2022";
        return AssertFailsAsync(ProofFailure.UnsupportedCryptosuite, document);
    }

    [Fact]
    public Task Another_proof_type_is_refused()
    {
        var document = Signed();
        Proof(document)["type"] = "Ed25519Signature2020";
        return AssertFailsAsync(ProofFailure.UnsupportedProofType, document);
    }

    [Fact]
    public Task A_document_without_a_proof_says_so()
    {
        var document = Signed();
        document.Remove("proof");
        return AssertFailsAsync(ProofFailure.NoProof, document);
    }

    [Fact]
    public Task A_proof_that_is_not_an_object_is_malformed()
    {
        var document = Signed();
        document["proof"] = "z42ffGu6AUKPCFcFPiabmUvnGLPJzC7e4DGWC52NUasSSH37UMa9c58tdgVszUcZfytxa4fQ5TYHaJENCxUDe9SdL";
        return AssertFailsAsync(ProofFailure.MalformedProof, document);
    }

    // Several proofs.

    [Fact]
    public async Task A_proof_set_is_accepted_when_one_proof_verifies()
    {
        // FEP-8b32: a proof with an unsupported cryptosuite is ignored, not fatal.
        var document = Signed();
        var valid = Proof(document).DeepClone();
        var foreign = valid.DeepClone();
        foreign["cryptosuite"] = "bbs-2023";
        document["proof"] = new JsonArray(foreign, valid);

        var result = await VerifyAsync(document);

        Assert.True(result.IsValid, result.Reason);
        Assert.Equal(Alice, result.Controller);
    }

    [Fact]
    public async Task When_no_proof_of_a_set_verifies_the_first_proofs_reason_is_given()
    {
        var document = Signed();
        var tampered = Proof(document).DeepClone();
        tampered["created"] = "2023-02-24T23:36:39Z";
        var foreign = Proof(document).DeepClone();
        foreign["cryptosuite"] = "bbs-2023";
        document["proof"] = new JsonArray(tampered, foreign);

        var result = await VerifyAsync(document);

        Assert.Equal(ProofFailure.InvalidSignature, result.Failure);
        Assert.StartsWith("proof 1 of 2", result.Reason);
    }

    [Fact]
    public async Task More_proofs_than_the_limit_are_refused_before_any_key_is_fetched()
    {
        var document = Signed();
        document["proof"] = new JsonArray([.. Enumerable.Range(0, 5).Select(_ => Proof(document).DeepClone())]);
        var keys = new StaticMultikeyResolver(AliceMultikey);

        await AssertFailsAsync(ProofFailure.MalformedProof, document, keys);

        Assert.Empty(keys.Lookups);
    }

    [Fact]
    public async Task Each_proof_of_a_set_signs_the_document_without_the_others()
    {
        var bob = Ed25519.GenerateKeyPair();
        var bobKey = new ResolvedMultikey("https://other.example/users/bob#key", "https://other.example/users/bob", Ed25519Multikey.EncodePublicKey(bob.PublicKey));
        var keys = new StaticMultikeyResolver(AliceMultikey, bobKey);
        var both = new ProofCreator(Ed25519).CreateProof(Signed(), bobKey.Id, bob.PrivateSeed, Now.GetUtcNow());

        Assert.Equal(2, both["proof"]!.AsArray().Count);
        Assert.Equal(Alice, (await VerifyAsync(both, keys)).Controller); // the first proof that verifies
        both["proof"]!.AsArray().RemoveAt(0);
        Assert.Equal(bobKey.Controller, (await VerifyAsync(both, keys)).Controller);
    }

    // Keys.

    [Fact]
    public async Task A_stale_cached_key_is_fetched_again_once()
    {
        var stale = AliceMultikey with { PublicKeyMultibase = Ed25519Multikey.EncodePublicKey(Ed25519.GenerateKeyPair().PublicKey) };
        var keys = new StaticMultikeyResolver { Override = (_, refresh) => refresh ? AliceMultikey with { JustFetched = true } : stale };

        var result = await VerifyAsync(Signed(), keys);

        Assert.True(result.IsValid, result.Reason);
        Assert.Equal([(AliceKey, false), (AliceKey, true)], keys.Lookups);
    }

    [Fact]
    public async Task A_just_fetched_key_that_fails_is_not_fetched_again()
    {
        var wrong = AliceMultikey with { PublicKeyMultibase = Ed25519Multikey.EncodePublicKey(Ed25519.GenerateKeyPair().PublicKey), JustFetched = true };
        var keys = new StaticMultikeyResolver(wrong);

        await AssertFailsAsync(ProofFailure.InvalidSignature, Signed(), keys);
        Assert.Single(keys.Lookups);
    }

    [Fact]
    public Task A_key_fetch_failure_is_a_reason_not_an_exception()
    {
        var keys = new StaticMultikeyResolver { Override = (_, _) => throw new HttpRequestException("connection refused") };
        return AssertFailsAsync(ProofFailure.KeyNotFound, Signed(), keys);
    }

    [Fact]
    public Task A_resolver_answering_for_another_key_is_not_trusted()
    {
        var keys = new StaticMultikeyResolver { Override = (_, _) => AliceMultikey with { Id = Alice + "#another" } };
        return AssertFailsAsync(ProofFailure.KeyNotFound, Signed(), keys);
    }

    [Theory]
    [InlineData("z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq")] // a private key, published by mistake
    [InlineData("zDnaegE6RR3atJtHKwTRTWHsJ3kNHqFwv7n9YjTgmU7TyfU76")] // a P-256 key
    [InlineData("-----BEGIN PUBLIC KEY-----")]
    public Task A_key_that_is_not_an_Ed25519_Multikey_is_unusable(string multibase) =>
        AssertFailsAsync(ProofFailure.UnusableKey, Signed(), new StaticMultikeyResolver(AliceMultikey with { PublicKeyMultibase = multibase, JustFetched = true }));

    [Fact]
    public Task An_expired_key_is_unusable() =>
        // FEP-521a: a signature by an expired key MUST NOT be accepted.
        AssertFailsAsync(ProofFailure.UnusableKey, Signed(), new StaticMultikeyResolver(AliceMultikey with { Expires = Now.GetUtcNow().AddDays(-1), JustFetched = true }));

    // Creating.

    [Fact]
    public async Task A_created_proof_verifies_and_carries_the_documents_context()
    {
        var pair = Ed25519.GenerateKeyPair();
        var key = new ResolvedMultikey("https://node.example/users/ann#ed25519-key", "https://node.example/users/ann", Ed25519Multikey.EncodePublicKey(pair.PublicKey));
        var report = new JsonObject
        {
            ["@context"] = new JsonArray("https://www.w3.org/ns/activitystreams", new JsonObject { ["camtree"] = "https://camtree.example/ns#" }),
            ["id"] = "https://node.example/reports/1",
            ["type"] = "Article",
            ["attributedTo"] = "https://node.example/users/ann",
            ["name"] = "Lesson study: fractions in Year 5 — « première » étape 😀",
            ["camtree:phase"] = 2,
        };
        var original = report.ToJsonString();

        var signed = new ProofCreator(Ed25519).CreateProof(report, key.Id, pair.PrivateSeed, DateTimeOffset.Parse("2026-11-22T12:00:00.789Z"));

        Assert.Equal(original, report.ToJsonString()); // the input is left alone
        Assert.True(JsonNode.DeepEquals(report["@context"], signed["proof"]!["@context"]));
        Assert.Equal("2026-11-22T12:00:00Z", signed["proof"]!["created"]!.GetValue<string>());
        var result = await VerifyAsync(signed, new StaticMultikeyResolver(key));
        Assert.True(result.IsValid, result.Reason);
        Assert.True(ProofRules.ControllerMatches(signed, result.Controller!));
    }

    [Fact]
    public void A_verification_method_must_be_absolute() =>
        Assert.Throws<ArgumentException>(() => new ProofCreator(Ed25519).CreateProof(Signed(), "#ed25519-key", AliceSeed(), Now.GetUtcNow()));

    // Who the proof speaks for.

    [Theory]
    [InlineData("{\"type\":\"Create\",\"actor\":\"https://server.example/users/alice\",\"object\":{\"attributedTo\":\"https://evil.example/m\"}}", true)]
    [InlineData("{\"type\":\"Note\",\"attributedTo\":\"https://server.example/users/alice\"}", true)]
    [InlineData("{\"type\":\"Note\",\"attributedTo\":{\"id\":\"https://server.example/users/alice\",\"type\":\"Person\"}}", true)]
    [InlineData("{\"type\":\"Person\",\"id\":\"https://server.example/users/alice\"}", true)]
    [InlineData("{\"type\":\"Create\",\"actor\":\"https://server.example/users/bob\"}", false)]
    [InlineData("{\"type\":\"Note\",\"attributedTo\":[\"https://server.example/users/alice\",\"https://server.example/users/bob\"]}", false)]
    [InlineData("{\"type\":\"Create\",\"actor\":\"https://server.example/users/alice\",\"attributedTo\":\"https://server.example/users/bob\"}", false)]
    [InlineData("{\"type\":\"Note\"}", false)]
    public void The_controller_must_be_every_owner_of_the_document(string json, bool matches) =>
        Assert.Equal(matches, ProofRules.ControllerMatches(JsonNode.Parse(json)!.AsObject(), Alice));
}
