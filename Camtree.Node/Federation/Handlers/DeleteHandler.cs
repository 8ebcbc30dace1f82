using Camtree.Node.Storage;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Node.Federation.Handlers;

/// <summary>
/// <c>Delete</c>: of a report or comment by its author, which leaves the library; or of the actor itself
/// (an account closed), whose follows end and whose reports leave the library.
/// </summary>
public sealed class DeleteHandler(
    ReportStore reports, InteractionStore interactions, FollowStore follows, InboxForwarding forwarding, TimeProvider time) : IActivityHandler
{
    public string ActivityType => AsTypes.Delete;

    public async Task<string?> HandleAsync(ReceivedActivity received, CancellationToken cancellationToken)
    {
        if (received.Activity.Object?.Iri is not { } iri) return "Delete without an object";
        var now = time.GetUtcNow();
        if (iri == received.Actor)
        {
            await follows.RemoveActorAsync(received.Actor);
            await reports.MarkAllDeletedAsync(received.Actor, now);
            return null;
        }
        if (!Origin.Same(iri, received.Actor)) return "Delete of an object on another origin";
        if (await reports.MarkDeletedAsync(iri, received.Actor, now))
        {
            // The withdrawal goes on to those this node shared the report with, and the shares leave public outboxes.
            await forwarding.ForwardAsync(received, iri);
            await forwarding.WithdrawSharesAsync(iri);
            return null;
        }
        if (await interactions.DeleteCommentAsync(iri, received.Actor, now)) return null;
        return $"Delete of {iri}, which is not held here (or not the actor's)";
    }
}
