using Camtree.Node.Storage;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Node.Federation.Handlers;

/// <summary>
/// <c>Follow</c> of a local actor (ActivityPub §7.5): the follower is recorded and answered with <c>Accept</c>,
/// or left pending when the actor approves followers by hand.
/// </summary>
public sealed class FollowHandler(
    ActorStore actors, ActorDirectory directory, FollowStore follows, Outbox outbox, DocumentBuilder documents, LocalUris uris, TimeProvider time)
    : IActivityHandler
{
    public string ActivityType => AsTypes.Follow;

    public async Task<string?> HandleAsync(ReceivedActivity received, CancellationToken cancellationToken)
    {
        var activity = received.Activity;
        if (uris.ParseActor(activity.Object?.Iri) is not { } username || await actors.FindByUsernameAsync(username) is not { } local)
            return $"Follow of {activity.Object?.Iri}, which is not an actor here";

        var follower = await directory.GetAsync(received.Actor, refresh: false, cancellationToken);
        var now = time.GetUtcNow();
        if (local.ManuallyApprovesFollowers)
        {
            await follows.AddFollowerAsync(local.Id, follower.Iri, activity.Id!, FollowStates.Pending, now);
            return null;
        }

        var accept = documents.Activity(AsTypes.Accept, local,
            new Activity { Id = activity.Id!, Type = AsTypes.Follow, Actor = follower.Iri, Object = uris.Actor(local.Username) },
            [follower.Iri], null, now);
        await outbox.SendAsync(local, accept, isPublic: false, Outbox.To(follower.Inbox),
            (connection, transaction) => follows.AddFollowerAsync(connection, transaction, local.Id, follower.Iri, activity.Id!, FollowStates.Accepted, now));
        return null;
    }
}
