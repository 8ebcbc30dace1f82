using Camtree.Node.Storage;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Node.Federation.Handlers;

/// <summary>
/// <c>Undo</c> (ActivityPub §6.10): <c>Undo(Follow)</c> removes the follower; <c>Undo(Like)</c> and
/// <c>Undo(Announce)</c> take back a like or share. Only the actor's own activities can be undone.
/// </summary>
public sealed class UndoHandler(ActorStore actors, FollowStore follows, InteractionStore interactions, LocalUris uris) : IActivityHandler
{
    public string ActivityType => AsTypes.Undo;

    public async Task<string?> HandleAsync(ReceivedActivity received, CancellationToken cancellationToken)
    {
        var undone = received.Activity.Object;
        if (undone is null) return "Undo without an object";

        // The undone Follow may be embedded (Mastodon) or only referenced by id.
        if (undone.Embedded is { } follow && follow.Type == AsTypes.Follow)
        {
            if (follow.Actor is not null && follow.Actor != received.Actor) return "Undo of another actor's Follow";
            if (uris.ParseActor(follow.Object?.Iri) is not { } username || await actors.FindByUsernameAsync(username) is not { } local)
                return "Undo(Follow) of an actor not on this node";
            return await follows.RemoveFollowerAsync(local.Id, received.Actor) ? null : "Undo(Follow) of a follow not known here";
        }
        if (undone.Embedded is { } inner && inner.Type is AsTypes.Like or AsTypes.Announce)
        {
            if (inner.Actor is not null && inner.Actor != received.Actor) return "Undo of another actor's activity";
            var kind = inner.Type == AsTypes.Like ? InteractionKinds.Like : InteractionKinds.Share;
            return await interactions.RemoveAsync(received.Actor, undone.Iri, kind, inner.Object?.Iri) ? null : $"Undo of {undone.Iri}, nothing to undo";
        }
        // Only an id: a follow or an interaction of this actor with that id.
        return await follows.RemoveFollowerByFollowAsync(undone.Iri, received.Actor) || await interactions.RemoveAsync(received.Actor, undone.Iri)
            ? null : $"Undo of {undone.Iri}, nothing to undo";
    }
}
