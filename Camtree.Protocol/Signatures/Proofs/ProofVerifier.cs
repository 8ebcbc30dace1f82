using System.Text.Json.Nodes;
using Camtree.Protocol.JsonLd;
using Camtree.Protocol.Signatures.Ed25519;
using Camtree.Protocol.Signatures.Multikeys;

namespace Camtree.Protocol.Signatures.Proofs;

/// <summary>
/// Verifies FEP-8b32 object integrity proofs: <c>DataIntegrityProof</c> with <c>eddsa-jcs-2022</c>
/// (<see href="https://www.w3.org/TR/vc-di-eddsa/#verify-proof-eddsa-jcs-2022">vc-di-eddsa §3.3.2</see>), keys
/// resolved as FEP-521a Multikeys. Checks that cost nothing come first; the key is resolved only for a proof
/// that would otherwise be acceptable; a failure with a cached key is retried once with a fresh fetch (rotation).
/// </summary>
/// <remarks>
/// Where the specifications leave room, this verifier is strict, because a proof lets any node re-serve a
/// document and still claim who wrote it:
/// <list type="bullet">
/// <item>A proof's <c>@context</c> must <em>equal</em> the document's. vc-di-eddsa only asks that the document's
/// context start with the proof's, which lets anyone append a context that redefines the signed terms.</item>
/// <item>A proof without <c>@context</c> is accepted if it verifies with the document's <c>@context</c> in the
/// proof configuration (as Fedify signs) or without it (as the first FEP-8b32 signers did); see
/// <see cref="HashDataCandidates"/>. Camtree's own proofs always carry the context.</item>
/// <item>Several proofs (a proof set): the document is accepted when one of them verifies — each signs the whole
/// document, and FEP-8b32 says a proof a verifier cannot use (unknown cryptosuite, unresolvable key) is to be
/// ignored. The first proof that verifies is the result; when none does, the first proof's failure is.</item>
/// </list>
/// </remarks>
public sealed class ProofVerifier(IProofKeyResolver keys, IEd25519 ed25519, TimeProvider time)
{
    public async Task<ProofVerification> VerifyProofAsync(
        JsonObject document, ProofVerificationOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ProofVerificationOptions();
        // First make sure the whole document has a canonical form. A document parsed with a duplicate member
        // name is refused here, before any reader picks one of the two values (JsonObject would throw later).
        try { JsonCanonicalizer.Canonicalize(document); }
        catch (JsonCanonicalizationException e)
        {
            return ProofVerification.Fail(ProofFailure.MalformedDocument, $"the document cannot be canonicalized: {e.Message}");
        }

        List<JsonNode?> proofs = document["proof"] switch
        {
            null => [],
            JsonArray set => [.. set],
            var single => [single],
        };
        if (proofs.Count == 0)
            return ProofVerification.Fail(ProofFailure.NoProof, "the document has no integrity proof");
        if (proofs.Count > options.MaxProofs)
            return ProofVerification.Fail(ProofFailure.MalformedProof, $"the document has {proofs.Count} proofs; at most {options.MaxProofs} are verified");

        ProofVerification? firstFailure = null;
        for (var i = 0; i < proofs.Count; i++)
        {
            var result = await VerifyOneAsync(document, proofs[i], options, cancellationToken);
            if (result.IsValid) return result;
            firstFailure ??= proofs.Count == 1 ? result : result with { Reason = $"proof 1 of {proofs.Count}: {result.Reason}" };
        }
        return firstFailure!;
    }

    private async Task<ProofVerification> VerifyOneAsync(
        JsonObject document, JsonNode? node, ProofVerificationOptions options, CancellationToken cancellationToken)
    {
        if (node is not JsonObject proof)
            return ProofVerification.Fail(ProofFailure.MalformedProof, "the proof is not a JSON object");
        if (Text(proof, "type") is not EddsaJcs2022.ProofType)
            return ProofVerification.Fail(ProofFailure.UnsupportedProofType, $"unsupported proof type {Describe(proof["type"])}");
        if (Text(proof, "cryptosuite") is not EddsaJcs2022.Cryptosuite)
            return ProofVerification.Fail(ProofFailure.UnsupportedCryptosuite, $"unsupported cryptosuite {Describe(proof["cryptosuite"])}");

        if (Text(proof, "verificationMethod") is not { } method || !Uri.TryCreate(method, UriKind.Absolute, out _))
            return ProofVerification.Fail(ProofFailure.MalformedProof, "the proof's verificationMethod is not an absolute URL");
        if (Text(proof, "proofPurpose") is not { } purpose)
            return ProofVerification.Fail(ProofFailure.MalformedProof, "the proof has no proofPurpose", method);
        if (purpose != options.ProofPurpose)
            return ProofVerification.Fail(ProofFailure.WrongProofPurpose, $"the proof's purpose is '{purpose}', not '{options.ProofPurpose}'", method);
        if (!Base58Btc.TryDecodeMultibase(Text(proof, "proofValue"), out var signature) || signature.Length != Ed25519KeyPair.SignatureLength)
            return ProofVerification.Fail(ProofFailure.MalformedProof, "the proofValue is not a base58btc multibase Ed25519 signature", method);

        DateTimeOffset? created = null;
        if (proof["created"] is not null)
        {
            if (!EddsaJcs2022.TryParseDateTime(Text(proof, "created"), out var parsed))
                return ProofVerification.Fail(ProofFailure.MalformedProof, "the proof's created is not an xsd:dateTime", method);
            created = parsed;
        }
        if (proof["expires"] is not null)
        {
            if (!EddsaJcs2022.TryParseDateTime(Text(proof, "expires"), out var expires))
                return ProofVerification.Fail(ProofFailure.MalformedProof, "the proof's expires is not an xsd:dateTime", method);
            if (expires <= time.GetUtcNow())
                return ProofVerification.Fail(ProofFailure.Expired, $"the proof expired at {expires:u}", method);
        }

        List<byte[]> candidates;
        try
        {
            if (CheckContext(document, proof) is { } mismatch) return mismatch with { VerificationMethod = method };
            candidates = HashDataCandidates(document, proof);
        }
        catch (JsonCanonicalizationException e)
        {
            return ProofVerification.Fail(ProofFailure.MalformedDocument, $"the document cannot be canonicalized: {e.Message}", method);
        }

        return await VerifyWithKeyAsync(method, key => Check(key, candidates, signature, method), created, cancellationToken);
    }

    /// <summary>
    /// The hashData a proof may have signed (§3.3.2 steps 1-7); the proof configuration is the proof without
    /// <c>proofValue</c>. A proof that states its <c>@context</c> has one reading. One that does not has two in the
    /// wild, and both are tried: Fedify signs with the document's <c>@context</c> in the configuration but does not
    /// write it into the proof; earlier signers (the first FEP-8b32 test vector) leave it out of the configuration.
    /// Either way the document's own <c>@context</c> is covered by the document hash.
    /// </summary>
    private static List<byte[]> HashDataCandidates(JsonObject document, JsonObject proof)
    {
        var documentHash = EddsaJcs2022.HashDocument(EddsaJcs2022.UnsecuredDocument(document));
        var config = (JsonObject)proof.DeepClone();
        config.Remove("proofValue");
        if (config["@context"] is not null || document["@context"] is not { } context)
            return [EddsaJcs2022.HashData(config, documentHash)];

        var withContext = (JsonObject)config.DeepClone();
        withContext["@context"] = context.DeepClone();
        return [EddsaJcs2022.HashData(withContext, documentHash), EddsaJcs2022.HashData(config, documentHash)];
    }

    /// <summary>A proof that states its <c>@context</c> must state exactly the document's (see the class remarks).</summary>
    private static ProofVerification? CheckContext(JsonObject document, JsonObject proof)
    {
        if (proof["@context"] is not { } proofContext) return null;
        return document["@context"] is { } documentContext
            && JsonCanonicalizer.Canonicalize(proofContext).AsSpan().SequenceEqual(JsonCanonicalizer.Canonicalize(documentContext))
            ? null
            : ProofVerification.Fail(ProofFailure.ContextMismatch, "the proof's @context is not the document's @context");
    }

    /// <summary>Null when the signature verifies with the key; else why not.</summary>
    private ProofVerification? Check(ResolvedMultikey key, List<byte[]> candidates, byte[] signature, string method)
    {
        if (key.Expires is { } expires && expires <= time.GetUtcNow())
            return ProofVerification.Fail(ProofFailure.UnusableKey, $"key {method} expired at {expires:u}", method);
        if (!Ed25519Multikey.TryDecodePublicKey(key.PublicKeyMultibase, out var publicKey))
            return ProofVerification.Fail(ProofFailure.UnusableKey, $"key {method} is not an Ed25519 Multikey", method);
        return candidates.Any(hashData => ed25519.Verify(publicKey, hashData, signature))
            ? null
            : ProofVerification.Fail(ProofFailure.InvalidSignature, $"the proof does not verify with key {method}", method);
    }

    /// <summary>
    /// Resolves the key and checks the proof with it; when a key from a cache does not do, resolves it once more
    /// with <c>refresh</c> (the actor may have rotated it), as <see cref="KeyRotation"/> does for HTTP signatures.
    /// </summary>
    private async Task<ProofVerification> VerifyWithKeyAsync(string method, Func<ResolvedMultikey, ProofVerification?> check,
        DateTimeOffset? created, CancellationToken cancellationToken)
    {
        ProofVerification? refusal = null;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            ResolvedMultikey? key;
            try { key = await keys.ResolveMultikeyAsync(method, refresh: attempt == 1, cancellationToken); }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException
                                      || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                return ProofVerification.Fail(ProofFailure.KeyNotFound, $"could not resolve key {method}: {e.Message}", method);
            }
            if (key is null) return ProofVerification.Fail(ProofFailure.KeyNotFound, $"key {method} not found", method);
            // The resolver must answer for the key the proof names, never for a key it happens to know instead.
            if (key.Id != method) return ProofVerification.Fail(ProofFailure.KeyNotFound, $"the resolver returned key {key.Id} for {method}", method);

            refusal = check(key);
            if (refusal is null) return ProofVerification.Valid(method, key.Controller, created);
            if (key.JustFetched) break; // a fresh key that does not verify will not verify when fetched again
        }
        return refusal!;
    }

    private static string? Text(JsonObject json, string property) =>
        json[property] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>A member's value for a reason message, cut short: it comes from the sender and ends up in logs.</summary>
    private static string Describe(JsonNode? value)
    {
        var text = value is null ? "(none)" : value.ToJsonString();
        return text.Length <= 80 ? text : text[..80] + "…";
    }
}
