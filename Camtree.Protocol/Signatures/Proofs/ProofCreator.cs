using System.Text.Json.Nodes;
using Camtree.Protocol.Signatures.Ed25519;
using Camtree.Protocol.Signatures.Multikeys;

namespace Camtree.Protocol.Signatures.Proofs;

/// <summary>
/// Adds a FEP-8b32 object integrity proof to a document: a <c>DataIntegrityProof</c> with the
/// <c>eddsa-jcs-2022</c> cryptosuite (<see href="https://www.w3.org/TR/vc-di-eddsa/#create-proof-eddsa-jcs-2022">vc-di-eddsa §3.3.1</see>),
/// signed with the Ed25519 key that the actor publishes as a FEP-521a Multikey in its <c>assertionMethod</c>.
/// </summary>
public sealed class ProofCreator(IEd25519 ed25519)
{
    /// <summary>
    /// Returns a copy of <paramref name="document"/> with the proof in <c>proof</c>; the input is not changed.
    /// The proof carries the document's <c>@context</c> (§3.3.1 step 2, and FEP-8b32's examples), so that it is
    /// covered by the signature and verifiers can check it. A document that already has a proof gets a proof set:
    /// <c>proof</c> becomes an array, and each proof signs the document without any of them (Data Integrity §2.1.2).
    /// </summary>
    /// <param name="verificationMethod">The Multikey's id, e.g. <c>https://node.example/users/ann#ed25519-key</c>.</param>
    /// <param name="privateSeed">The 32-byte Ed25519 seed of that key.</param>
    /// <param name="created">The signing time; written in whole seconds, UTC.</param>
    /// <param name="proofPurpose">FEP-8b32 requires <c>assertionMethod</c>; others exist for other uses of Data Integrity.</param>
    public JsonObject CreateProof(JsonObject document, string verificationMethod, ReadOnlySpan<byte> privateSeed,
        DateTimeOffset created, string proofPurpose = EddsaJcs2022.AssertionMethod)
    {
        if (!Uri.TryCreate(verificationMethod, UriKind.Absolute, out _))
            throw new ArgumentException("the verification method must be an absolute URL or DID URL", nameof(verificationMethod));

        var unsecured = EddsaJcs2022.UnsecuredDocument(document);
        var proof = new JsonObject();
        if (unsecured["@context"] is { } context) proof["@context"] = context.DeepClone();
        proof["type"] = EddsaJcs2022.ProofType;
        proof["cryptosuite"] = EddsaJcs2022.Cryptosuite;
        proof["verificationMethod"] = verificationMethod;
        proof["proofPurpose"] = proofPurpose;
        proof["created"] = EddsaJcs2022.FormatDateTime(created);

        // The proof configuration is the proof so far: every option, no proofValue (§3.3.5).
        var signature = ed25519.Sign(privateSeed, EddsaJcs2022.HashData(proof, unsecured));
        proof["proofValue"] = Base58Btc.EncodeMultibase(signature);

        var secured = (JsonObject)document.DeepClone();
        secured["proof"] = secured["proof"] switch
        {
            null => proof,
            JsonArray existing => new JsonArray([.. existing.Select(p => p?.DeepClone()), proof]),
            var single => new JsonArray(single.DeepClone(), proof),
        };
        return secured;
    }
}
