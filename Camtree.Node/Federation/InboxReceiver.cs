using Camtree.Node.Jobs;
using Camtree.Node.Storage;
using Camtree.Protocol.JsonLd;
using System.Text.Json;
using System.Text.Json.Nodes;
using Camtree.Protocol.Policy;
using Camtree.Protocol.Signatures.Proofs;
using Camtree.Protocol.Signatures;

namespace Camtree.Node.Federation;

/// <summary>The answer to an inbox POST: the HTTP status and, for a refusal, why.</summary>
public sealed record InboxVerdict(int StatusCode, string? Error)
{
    public static readonly InboxVerdict Accepted = new(StatusCodes.Status202Accepted, null);
}

/// <summary>
/// The synchronous part of the inbox: verify the HTTP signature, check that the signer is the activity's actor,
/// record the activity once (by id), and wake the inbox worker. Side effects happen in the worker.
/// A refusal is answered at once with its reason, which is what lets senders fall back between signature schemes.
/// </summary>
public sealed class InboxReceiver(
    HttpSignatureVerifier verifier, ProofVerifier proofs, InboxStore inbox, HostHealthStore hosts, FederationPolicy policy,
    IEnumerable<Handlers.IActivityHandler> handlers, WorkSignal<InboxWorker> signal, TimeProvider time, ILogger<InboxReceiver> logger)
{
    /// <summary>The activity types something here acts on; others are acknowledged and only their id is kept.</summary>
    private readonly HashSet<string> _handled = handlers.Select(h => h.ActivityType).ToHashSet(StringComparer.Ordinal);

    public async Task<InboxVerdict> ReceiveAsync(HttpRequestParts request, CancellationToken cancellationToken)
    {
        // A sender outside the federation policy is refused before any of its keys is fetched.
        if (HttpSignatureVerifier.ClaimedKeyId(request) is { } keyId && Uri.TryCreate(keyId, UriKind.Absolute, out var claimed) && !policy.AllowsUrl(keyId))
            return new InboxVerdict(StatusCodes.Status403Forbidden, $"{claimed.Authority} is outside this node's federation policy");

        var verification = await verifier.VerifyRequestAsync(request, cancellationToken: cancellationToken);
        if (!verification.IsValid)
        {
            logger.LogInformation("Inbox refused a request signed by {KeyId}: {Failure} ({Reason})",
                verification.KeyId ?? "(none)", verification.Failure, verification.Reason);
            return new InboxVerdict(StatusCodes.Status401Unauthorized, verification.Reason);
        }

        // The key that verified may not be the one first named (several RFC 9421 signatures): check its owner too.
        if (!policy.AllowsUrl(verification.KeyOwner!))
            return new InboxVerdict(StatusCodes.Status403Forbidden, "the signer is outside this node's federation policy");

        // A host that signs requests to us is up: stop holding back our deliveries to it.
        await hosts.ClearAsync(Protocol.Delivery.HostCircuit.HostOf(verification.KeyOwner!), time.GetUtcNow());

        IncomingObject activity;
        try { activity = IncomingObject.Parse(request.Body ?? ReadOnlyMemory<byte>.Empty); }
        catch (IncomingDocumentException e) { return new InboxVerdict(StatusCodes.Status400BadRequest, e.Message); }

        if (activity.Id is null || activity.Type.Length == 0 || activity.Actor is null)
            return new InboxVerdict(StatusCodes.Status400BadRequest, "an activity needs an id, a type and an actor");
        if (!Uri.TryCreate(activity.Id, UriKind.Absolute, out _))
            return new InboxVerdict(StatusCodes.Status400BadRequest, "the activity id is not an absolute IRI");

        // An object integrity proof (FEP-8b32) by the activity's actor, when there is one, must hold: it says who
        // wrote the activity. Proofs naming someone else's key (a forwarder's own) are not looked at, and fetch nothing.
        // Only an activity with a proof is parsed a second time, into the mutable form the verifier reads.
        ProofVerification? proof = null;
        if (activity.Raw.TryGetProperty("proof", out _))
        {
            JsonObject document;
            try { document = JsonNode.Parse(request.Body!.Value.Span, documentOptions: IncomingDocumentLimits.DocumentOptions)!.AsObject(); _ = document.Count; }
            catch (Exception e) when (e is ArgumentException or JsonException or InvalidOperationException)
            {
                return new InboxVerdict(StatusCodes.Status400BadRequest, $"malformed JSON: {e.Message}");
            }
            if (NamesKeyOf(document["proof"], activity.Actor)) proof = await VerifyProofAsync(document, activity, verification, cancellationToken);
            if (proof is { IsValid: false }) return new InboxVerdict(StatusCodes.Status401Unauthorized, proof.Reason);
        }

        // The actor, too, must be one this node federates with (a forwarder may be allowed while the author is not).
        if (!policy.AllowsUrl(activity.Actor))
            return new InboxVerdict(StatusCodes.Status403Forbidden, "the activity's actor is outside this node's federation policy");

        // The request's signer must be the activity's actor, unless the activity carries a valid proof by its actor:
        // then whoever forwarded it (a relay, another server) does not matter, as Mastodon also accepts.
        if (verification.KeyOwner != activity.Actor && proof is not { IsValid: true })
            return new InboxVerdict(StatusCodes.Status401Unauthorized,
                $"the request is signed by {verification.KeyOwner}, not by the activity's actor {activity.Actor}, and the activity carries no proof by its actor");

        // An activity nothing here acts on (a Flag, a Move, an EmojiReact…) is acknowledged as Mastodon does, and only its
        // id is kept (so a repeat is still recognised): a verified key alone must not buy a megabyte of storage.
        var handled = _handled.Contains(activity.Type);
        var now = time.GetUtcNow();
        var isNew = await inbox.RecordAsync(new InboxEntry
        {
            ActivityIri = activity.Id,
            ActivityType = activity.Type,
            ActorIri = activity.Actor,
            SignerKeyId = proof?.VerificationMethod ?? verification.KeyId!,
            ProofVerified = proof is { IsValid: true },
            Json = handled ? System.Text.Encoding.UTF8.GetString(request.Body!.Value.Span) : "",
            ReceivedAt = now,
            ProcessedAt = handled ? null : now,
        });
        if (isNew && handled) signal.Notify();
        return InboxVerdict.Accepted;
    }

    /// <summary>
    /// Verifies the actor's proof: null when it is set aside (a kind this node does not implement, or, for a request
    /// the actor signed itself, a key that cannot be found), else the result, whose reason says why it fails.
    /// </summary>
    private async Task<ProofVerification?> VerifyProofAsync(JsonObject document, IncomingObject activity, SignatureVerification signature, CancellationToken cancellationToken)
    {
        var proof = await proofs.VerifyProofAsync(document, cancellationToken: cancellationToken);
        // FEP-8b32: ignore proofs you cannot use; the HTTP signature must then stand alone.
        if (proof.Failure is ProofFailure.UnsupportedProofType or ProofFailure.UnsupportedCryptosuite) return null;
        // The actor signed the request itself but its proof key cannot be found (an account just deleted answers 410).
        if (proof.Failure == ProofFailure.KeyNotFound && signature.KeyOwner == activity.Actor) return null;
        if (!proof.IsValid) return proof with { Reason = $"the activity's proof does not hold: {proof.Reason}" };
        // The controller is compared with the actor exactly as the handlers will read it.
        return proof.Controller == activity.Actor ? proof
            : ProofVerification.Fail(ProofFailure.InvalidSignature, $"the activity's proof is by {proof.Controller}, not by its actor {activity.Actor}");
    }

    /// <summary>Whether a <c>proof</c> member (one proof or a set) names a key of the actor (<c>actor#…</c>).</summary>
    private static bool NamesKeyOf(JsonNode? proof, string actor) => proof switch
    {
        JsonObject one => one["verificationMethod"] is JsonValue method && method.TryGetValue<string>(out var id) && id.StartsWith(actor + "#", StringComparison.Ordinal),
        JsonArray set => set.Any(p => NamesKeyOf(p, actor)),
        _ => false,
    };
}
