using System.Text.Json;
using System.Text.Json.Nodes;
using Camtree.Protocol.JsonLd;
using Camtree.Protocol.Policy;
using Camtree.Protocol.Signatures;
using Camtree.Protocol.Signatures.Proofs;

namespace Camtree.Protocol.Inbox;

/// <summary>Why the pipeline refused a request or a document. Each maps to one HTTP status (<see cref="InboxRefusals.StatusCode"/>).</summary>
public enum InboxRefusal
{
    None,
    /// <summary>The claimed key, the verified signer or the activity's actor is on a host outside the federation policy (403).</summary>
    OutsidePolicy,
    /// <summary>The HTTP signature is missing or does not verify (401).</summary>
    BadSignature,
    /// <summary>The body is not a JSON object, or lacks an id, a type or an actor (400).</summary>
    Malformed,
    /// <summary>The activity's (or object's) proof by its actor does not hold (401).</summary>
    BadProof,
    /// <summary>The request is signed by someone other than the activity's actor, and no proof by the actor vouches for it (401).</summary>
    SignerIsNotActor,
}

public static class InboxRefusals
{
    /// <summary>The HTTP status a refusal is answered with.</summary>
    public static int StatusCode(this InboxRefusal refusal) => refusal switch
    {
        InboxRefusal.None => 202,
        InboxRefusal.OutsidePolicy => 403,
        InboxRefusal.Malformed => 400,
        _ => 401,
    };
}

/// <summary>
/// What the pipeline decided about a signed request. On acceptance it carries the activity, who signed the request,
/// and the key that vouches for the activity (its proof's, when there is one by the actor, else the signature's).
/// </summary>
public sealed record InboxDecision(InboxRefusal Refusal, string Reason)
{
    public bool IsAccepted => Refusal == InboxRefusal.None;
    public IncomingObject? Activity { get; init; }
    /// <summary>The actor whose key signed the request (the forwarder, for a forwarded activity).</summary>
    public string? Signer { get; init; }
    /// <summary>The key that vouches for the activity.</summary>
    public string? VouchingKeyId { get; init; }
    /// <summary>True when <see cref="VouchingKeyId"/> is the key of a verified proof by the actor.</summary>
    public bool ProofVerified { get; init; }

    public static InboxDecision Refuse(InboxRefusal refusal, string reason) => new(refusal, reason);
}

/// <summary>
/// The rules every signed request and every document from elsewhere passes, in one place (ActivityPub §7 with
/// Mastodon's practice): the claimed key's host inside the federation policy before anything is fetched; the HTTP
/// signature (draft-cavage or RFC 9421); the verified signer inside the policy; a JSON object with an id, type and
/// actor; the activity's FEP-8b32 proof by its actor, when it has one, must hold; the actor inside the policy; and the
/// signer must be the actor unless that proof vouches for the activity (a forwarded activity). The inbox, signed
/// fetches and the library backfill all use it.
/// </summary>
public sealed class InboxPipeline(HttpSignatureVerifier signatures, ProofVerifier proofs, FederationPolicy policy)
{
    /// <summary>Steps one to three: a signed request by a host this node federates with. Returns the signer, or why not.</summary>
    public async Task<(SignatureVerification? Signature, InboxDecision? Refusal)> VerifySignerAsync(HttpRequestParts request, CancellationToken cancellationToken)
    {
        // A sender outside the federation policy is refused before any of its keys is fetched.
        if (HttpSignatureVerifier.ClaimedKeyId(request) is { } keyId && Uri.TryCreate(keyId, UriKind.Absolute, out var claimed) && !policy.AllowsUrl(keyId))
            return (null, InboxDecision.Refuse(InboxRefusal.OutsidePolicy, $"{claimed.Authority} is outside this node's federation policy"));
        var verification = await signatures.VerifyRequestAsync(request, cancellationToken: cancellationToken);
        if (!verification.IsValid) return (verification, InboxDecision.Refuse(InboxRefusal.BadSignature, verification.Reason));
        // The key that verified may not be the one first named (several RFC 9421 signatures): check its owner too.
        if (!policy.AllowsUrl(verification.KeyOwner!))
            return (verification, InboxDecision.Refuse(InboxRefusal.OutsidePolicy, "the signer is outside this node's federation policy"));
        return (verification, null);
    }

    /// <summary>The whole pipeline for an inbox POST.</summary>
    public async Task<InboxDecision> VerifyActivityAsync(HttpRequestParts request, CancellationToken cancellationToken)
    {
        var (signature, refusal) = await VerifySignerAsync(request, cancellationToken);
        if (refusal is not null) return refusal with { Signer = signature?.KeyOwner };
        return await VerifyBodyAsync(request.Body ?? ReadOnlyMemory<byte>.Empty, signature!, cancellationToken);
    }

    private async Task<InboxDecision> VerifyBodyAsync(ReadOnlyMemory<byte> body, SignatureVerification signature, CancellationToken cancellationToken)
    {
        IncomingObject activity;
        try { activity = IncomingObject.Parse(body); }
        catch (IncomingDocumentException e) { return InboxDecision.Refuse(InboxRefusal.Malformed, e.Message) with { Signer = signature.KeyOwner }; }
        if (activity.Id is null || activity.Type.Length == 0 || activity.Actor is null)
            return InboxDecision.Refuse(InboxRefusal.Malformed, "an activity needs an id, a type and an actor") with { Signer = signature.KeyOwner };
        if (!Uri.TryCreate(activity.Id, UriKind.Absolute, out _))
            return InboxDecision.Refuse(InboxRefusal.Malformed, "the activity id is not an absolute IRI") with { Signer = signature.KeyOwner };

        // Only an activity with a proof is parsed a second time, into the mutable form the verifier reads.
        ProofVerification? proof = null;
        if (activity.Raw.TryGetProperty("proof", out _))
        {
            JsonObject document;
            try { document = JsonNode.Parse(body.Span, documentOptions: IncomingDocumentLimits.DocumentOptions)!.AsObject(); _ = document.Count; }
            catch (Exception e) when (e is ArgumentException or JsonException or InvalidOperationException)
            {
                return InboxDecision.Refuse(InboxRefusal.Malformed, $"malformed JSON: {e.Message}") with { Signer = signature.KeyOwner };
            }
            // Proofs naming someone else's key (a forwarder's own) are not looked at, and fetch nothing.
            if (NamesKeyOf(document["proof"], activity.Actor))
            {
                proof = await VerifyProofOfAsync(document, activity.Actor, signedByActor: signature.KeyOwner == activity.Actor, cancellationToken);
                if (proof is { IsValid: false })
                    return InboxDecision.Refuse(InboxRefusal.BadProof, $"the activity's proof does not hold: {proof.Reason}") with { Signer = signature.KeyOwner };
            }
        }

        // The actor, too, must be one this node federates with (a forwarder may be allowed while the author is not).
        if (!policy.AllowsUrl(activity.Actor))
            return InboxDecision.Refuse(InboxRefusal.OutsidePolicy, "the activity's actor is outside this node's federation policy") with { Signer = signature.KeyOwner };
        // The request's signer must be the activity's actor, unless a valid proof by its actor vouches for it: then
        // whoever forwarded it (a relay, another server) does not matter, as Mastodon also accepts.
        if (signature.KeyOwner != activity.Actor && proof is not { IsValid: true })
            return InboxDecision.Refuse(InboxRefusal.SignerIsNotActor,
                $"the request is signed by {signature.KeyOwner}, not by the activity's actor {activity.Actor}, and the activity carries no proof by its actor")
                with { Signer = signature.KeyOwner };

        return new InboxDecision(InboxRefusal.None, "accepted")
        {
            Activity = activity,
            Signer = signature.KeyOwner,
            VouchingKeyId = proof?.VerificationMethod ?? signature.KeyId,
            ProofVerified = proof is { IsValid: true },
        };
    }

    /// <summary>
    /// Verifies that a document (an activity, or a report read from a library collection) carries a valid proof by
    /// <paramref name="expectedController"/>. Null when it is set aside: a kind this node does not implement, or
    /// (<paramref name="signedByActor"/>) a key that cannot be found for an actor who signed the request itself.
    /// </summary>
    public async Task<ProofVerification?> VerifyProofOfAsync(JsonObject document, string expectedController, bool signedByActor, CancellationToken cancellationToken)
    {
        var proof = await proofs.VerifyProofAsync(document, cancellationToken: cancellationToken);
        // FEP-8b32: ignore proofs you cannot use; the HTTP signature must then stand alone.
        if (proof.Failure is ProofFailure.UnsupportedProofType or ProofFailure.UnsupportedCryptosuite) return null;
        // The actor signed the request itself but its proof key cannot be found (an account just deleted answers 410).
        if (proof.Failure == ProofFailure.KeyNotFound && signedByActor) return null;
        if (!proof.IsValid) return proof;
        // The controller is compared with the actor exactly as the handlers will read it.
        return proof.Controller == expectedController ? proof
            : ProofVerification.Fail(ProofFailure.InvalidSignature, $"the proof is by {proof.Controller}, not by {expectedController}");
    }

    /// <summary>Whether a <c>proof</c> member (one proof or a set) names a key of the actor (<c>actor#…</c>).</summary>
    public static bool NamesKeyOf(JsonNode? proof, string actor) => proof switch
    {
        JsonObject one => one["verificationMethod"] is JsonValue method && method.TryGetValue<string>(out var id) && id.StartsWith(actor + "#", StringComparison.Ordinal),
        JsonArray set => set.Any(p => NamesKeyOf(p, actor)),
        _ => false,
    };
}
