using Camtree.Node.Storage;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Node.Federation.Handlers;

/// <summary><c>Undo</c> (ActivityPub §6.10): for now, <c>Undo(Follow)</c> removes the follower.</summary>
public sealed class UndoHandler(ActorStore actors, FollowStore follows, LocalUris uris) : IActivityHandler
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
        return await follows.RemoveFollowerByFollowAsync(undone.Iri, received.Actor) ? null : $"Undo of {undone.Iri}, nothing to undo";
    }
}
