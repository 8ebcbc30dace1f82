using Camtree.Node.Library;
using Camtree.Node.Storage;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Node.Federation.Handlers;

/// <summary>
/// <c>Follow</c> of a local actor (ActivityPub §7.5): the follower is answered with <c>Accept</c> at once, or
/// recorded as pending when the actor approves followers by hand (they decide through the API).
/// </summary>
public sealed class FollowHandler(ActorStore actors, ActorDirectory directory, FollowStore follows, FollowService followService, LocalUris uris, TimeProvider time)
    : IActivityHandler
{
    public string ActivityType => AsTypes.Follow;

    public async Task<string?> HandleAsync(ReceivedActivity received, CancellationToken cancellationToken)
    {
        var activity = received.Activity;
        if (uris.ParseActor(activity.Object?.Iri) is not { } username || await actors.FindByUsernameAsync(username) is not { } local)
            return $"Follow of {activity.Object?.Iri}, which is not an actor here";

        var follower = await directory.GetAsync(received.Actor, refresh: false, cancellationToken);
        if (local.ManuallyApprovesFollowers)
            await follows.AddFollowerAsync(local.Id, follower.Iri, activity.Id!, FollowStates.Pending, time.GetUtcNow());
        else
            await followService.AnswerFollowAsync(local, follower, activity.Id!, accept: true);
        return null;
    }
}
