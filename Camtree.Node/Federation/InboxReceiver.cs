using Camtree.Node.Jobs;
using Camtree.Node.Storage;
using Camtree.Protocol.Inbox;
using Camtree.Protocol.Signatures;

namespace Camtree.Node.Federation;

/// <summary>The answer to an inbox POST: the HTTP status and, for a refusal, why.</summary>
public sealed record InboxVerdict(int StatusCode, string? Error)
{
    public static readonly InboxVerdict Accepted = new(StatusCodes.Status202Accepted, null);
}

/// <summary>
/// The synchronous part of the inbox: the protocol's <see cref="InboxPipeline"/> decides (signature, policy, proof,
/// signer and actor), then the activity is recorded once (by id) and the inbox worker woken. Side effects happen in
/// the worker. A refusal is answered at once with its reason, which is what lets senders fall back between schemes.
/// </summary>
public sealed class InboxReceiver(
    InboxPipeline pipeline, IInboxStore inbox, IHostHealthStore hosts, IEnumerable<Handlers.IActivityHandler> handlers,
    WorkSignal<InboxWorker> signal, TimeProvider time, ILogger<InboxReceiver> logger)
{
    /// <summary>The activity types something here acts on; others are acknowledged and only their id is kept.</summary>
    private readonly HashSet<string> _handled = handlers.Select(h => h.ActivityType).ToHashSet(StringComparer.Ordinal);

    public async Task<InboxVerdict> ReceiveAsync(HttpRequestParts request, CancellationToken cancellationToken)
    {
        var decision = await pipeline.VerifyActivityAsync(request, cancellationToken);
        // A host that signs requests to us is up: stop holding back our deliveries to it (even if this activity is
        // refused). For an accepted activity that happens in the transaction that records it.
        var signerHost = decision.Signer is { } signer && decision.Refusal is not (InboxRefusal.BadSignature or InboxRefusal.OutsidePolicy)
            ? Protocol.Delivery.HostCircuit.HostOf(signer) : null;
        if (!decision.IsAccepted)
        {
            if (signerHost is not null) await hosts.ClearAsync(signerHost, time.GetUtcNow());
            if (decision.Refusal == InboxRefusal.BadSignature)
                logger.LogInformation("Inbox refused a request signed by {KeyId}: {Reason}", HttpSignatureVerifier.ClaimedKeyId(request) ?? "(none)", decision.Reason);
            return new InboxVerdict(decision.Refusal.StatusCode(), decision.Reason);
        }

        var activity = decision.Activity!;
        // An activity nothing here acts on (a Flag, a Move, an EmojiReact…) is acknowledged as Mastodon does, and only its
        // id is kept (so a repeat is still recognised): a verified key alone must not buy a megabyte of storage.
        var handled = _handled.Contains(activity.Type);
        var now = time.GetUtcNow();
        var isNew = await inbox.RecordAsync(new InboxEntry
        {
            ActivityIri = activity.Id!,
            ActivityType = activity.Type,
            ActorIri = activity.Actor!,
            SignerKeyId = decision.VouchingKeyId!,
            ProofVerified = decision.ProofVerified,
            Json = handled ? System.Text.Encoding.UTF8.GetString(request.Body!.Value.Span) : "",
            ReceivedAt = now,
            ProcessedAt = handled ? null : now,
        }, signerHost, cancellationToken);
        if (isNew && handled) signal.Announce();
        return InboxVerdict.Accepted;
    }
}
