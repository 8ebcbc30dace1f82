using Camtree.Node.Federation.Handlers;
using Camtree.Node.Storage;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Node.Federation;

/// <summary>
/// Inbox forwarding (ActivityPub §7.1.2), for the one case a library needs: the author's <c>Update</c> or
/// <c>Delete</c> of a report that a local actor shared. The origin never knew where the share went; this node does,
/// so it sends the author's activity on, as received, to every inbox its share was delivered to, signed by the
/// sharer. Receivers believe it through the activity's object proof (FEP-8b32), since the request is not the
/// author's own; an activity without a verified proof is not forwarded (it would be refused). Mastodon forwards a
/// deleted status to the followers of those who boosted it in the same way.
/// </summary>
public sealed class InboxForwarding(DeliveryStore deliveries, Outbox outbox, Database database, ILogger<InboxForwarding> logger)
{
    /// <summary>Forwards the activity if local actors shared <paramref name="objectIri"/>; returns how many inboxes it goes to.</summary>
    public async Task<int> ForwardAsync(ReceivedActivity received, string objectIri)
    {
        var (sharer, inboxes) = await deliveries.ShareRecipientsAsync(objectIri);
        if (sharer is null) return 0;
        if (!received.Entry.ProofVerified)
        {
            logger.LogInformation("{Activity} is not forwarded to the {Count} inboxes {Object} was shared with: it carries no proof by its actor",
                received.Entry.ActivityIri, inboxes.Count, objectIri);
            return 0;
        }
        // The author's own server has it already.
        var targets = inboxes.Where(inbox => !Origin.Same(inbox, received.Actor)).ToList();
        await outbox.ForwardAsync(sharer.Value, received.Entry.ActivityIri, received.Entry.ActivityType, received.Actor, objectIri,
            received.Entry.Json, targets);
        return targets.Count;
    }

    /// <summary>A shared report that was withdrawn: the shares of it leave the sharers' public outboxes.</summary>
    public async Task WithdrawSharesAsync(string objectIri) =>
        await database.InTransactionAsync(async work =>
        {
            await outbox.WithdrawAsync(work, objectIri, [AsTypes.Announce]);
            return 0;
        });
}
