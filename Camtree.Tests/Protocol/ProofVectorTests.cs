using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Camtree.Protocol.JsonLd;
using Camtree.Protocol.Signatures.Ed25519;
using Camtree.Protocol.Signatures.Multikeys;
using Camtree.Protocol.Signatures.Proofs;
using Camtree.Tests.Support;

namespace Camtree.Tests.Protocol;

/// <summary>
/// Published object integrity proof vectors: FEP-8b32's own, the FEP's earlier one (a proof without
/// <c>@context</c>), and the W3C eddsa-jcs-2022 example step by step. Ed25519 is deterministic, so creating a
/// proof from the vector's key must give the vector's proofValue exactly.
/// </summary>
public sealed class ProofVectorTests
{
    private static readonly JsonElement Vectors = Fixtures.Load("Proofs/fep-8b32.json");
    private static readonly JsonElement Fep = Vectors.GetProperty("fep8b32");
    private static readonly JsonElement W3c = Vectors.GetProperty("w3cEddsaJcs2022");
    private static readonly FixedTimeProvider Now = new(DateTimeOffset.Parse("2026-11-22T12:00:00Z"));

    private static JsonObject Object(JsonElement element) => JsonNode.Parse(element.GetRawText())!.AsObject();

    private static byte[] Seed(string secretKeyMultibase)
    {
        Assert.True(Ed25519Multikey.TryDecodePrivateKey(secretKeyMultibase, out var seed));
        return seed;
    }

    /// <summary>Resolves keys as a node would: from the actor document's assertionMethod (FEP-521a).</summary>
    private static StaticMultikeyResolver KeysFromActor(JsonElement actor) => new()
    {
        Override = (id, _) => Multikey.FromAssertionMethod(actor, id) is { } key
            ? new ResolvedMultikey(key.Id, key.Controller, key.PublicKeyMultibase, JustFetched: true)
            : null,
    };

    [Fact]
    public void Reproduces_the_FEP_8b32_test_vector_exactly()
    {
        var creator = new ProofCreator(BouncyCastleEd25519.Instance);

        var signed = creator.CreateProof(Object(Fep.GetProperty("document")), Fep.Text("verificationMethod"),
            Seed(Fep.Text("secretKeyMultibase")), DateTimeOffset.Parse(Fep.Text("created")));

        var expected = Fep.GetProperty("signedDocument");
        Assert.Equal("z42ffGu6AUKPCFcFPiabmUvnGLPJzC7e4DGWC52NUasSSH37UMa9c58tdgVszUcZfytxa4fQ5TYHaJENCxUDe9SdL",
            expected.GetProperty("proof").Text("proofValue"));
        Assert.Equal(expected.GetProperty("proof").Text("proofValue"), signed["proof"]!["proofValue"]!.GetValue<string>());
        // Not just the signature: the whole signed document, member for member.
        Assert.Equal(JsonCanonicalizer.CanonicalizeToString(expected), Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(signed)));
    }

    [Fact]
    public async Task Verifies_the_FEP_8b32_test_vector_with_the_actors_Multikey()
    {
        var verifier = new ProofVerifier(KeysFromActor(Fep.GetProperty("actor")), BouncyCastleEd25519.Instance, Now);
        var document = Object(Fep.GetProperty("signedDocument"));

        var result = await verifier.VerifyProofAsync(document);

        Assert.True(result.IsValid, result.Reason);
        Assert.Equal("https://server.example/users/alice#ed25519-key", result.VerificationMethod);
        Assert.Equal("https://server.example/users/alice", result.Controller);
        Assert.Equal(DateTimeOffset.Parse("2023-02-24T23:36:38Z"), result.Created);
        Assert.True(ProofRules.ControllerMatches(document, result.Controller!));
    }

    [Fact]
    public async Task Verifies_the_FEPs_earlier_vector_whose_proof_has_no_context()
    {
        var verifier = new ProofVerifier(KeysFromActor(Fep.GetProperty("actor")), BouncyCastleEd25519.Instance, Now);

        var result = await verifier.VerifyProofAsync(Object(Vectors.GetProperty("fep8b32WithoutProofContext").GetProperty("signedDocument")));

        Assert.True(result.IsValid, result.Reason);
    }

    [Fact]
    public async Task Verifies_a_proof_signed_with_the_context_but_written_without_it_as_Fedify_does()
    {
        var signed = new ProofCreator(BouncyCastleEd25519.Instance).CreateProof(Object(Fep.GetProperty("document")),
            Fep.Text("verificationMethod"), Seed(Fep.Text("secretKeyMultibase")), DateTimeOffset.Parse(Fep.Text("created")));
        signed["proof"]!.AsObject().Remove("@context");
        var verifier = new ProofVerifier(KeysFromActor(Fep.GetProperty("actor")), BouncyCastleEd25519.Instance, Now);

        var result = await verifier.VerifyProofAsync(signed);

        Assert.True(result.IsValid, result.Reason);
    }

    [Fact]
    public void W3C_eddsa_jcs_2022_example_step_by_step()
    {
        var document = Object(W3c.GetProperty("unsecuredDocument"));
        var options = Object(W3c.GetProperty("proofOptions"));

        Assert.Equal(W3c.Text("canonicalDocument"), Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(document)));
        Assert.Equal(W3c.Text("canonicalProofConfig"), Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(options)));
        var hashData = EddsaJcs2022.HashData(options, document);
        Assert.Equal(W3c.Text("proofConfigHashHex") + W3c.Text("documentHashHex"), Convert.ToHexStringLower(hashData));
        var signature = BouncyCastleEd25519.Instance.Sign(Seed(W3c.Text("secretKeyMultibase")), hashData);
        Assert.Equal(W3c.Text("signatureHex"), Convert.ToHexStringLower(signature));
        Assert.Equal(W3c.Text("proofValue"), Base58Btc.EncodeMultibase(signature));
    }

    [Fact]
    public async Task Creates_and_verifies_the_W3C_example_proof()
    {
        var options = W3c.GetProperty("proofOptions");
        var signed = new ProofCreator(BouncyCastleEd25519.Instance).CreateProof(Object(W3c.GetProperty("unsecuredDocument")),
            options.Text("verificationMethod"), Seed(W3c.Text("secretKeyMultibase")), DateTimeOffset.Parse(options.Text("created")));

        Assert.Equal(W3c.Text("proofValue"), signed["proof"]!["proofValue"]!.GetValue<string>());

        var didKey = options.Text("verificationMethod");
        var keys = new StaticMultikeyResolver(new ResolvedMultikey(didKey, didKey.Split('#')[0], W3c.Text("publicKeyMultibase")));
        var result = await new ProofVerifier(keys, BouncyCastleEd25519.Instance, Now).VerifyProofAsync(signed);
        Assert.True(result.IsValid, result.Reason);
    }
}
