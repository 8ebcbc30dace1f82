using Camtree.Node.Federation;
using Camtree.Node.Storage;
using Camtree.Protocol.Discovery;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Node.Library;

/// <summary>Lets a local practitioner follow, and stop following, actors on other servers.</summary>
public sealed class FollowService(ActorDirectory directory, FollowStore follows, Outbox outbox, DocumentBuilder documents, LocalUris uris, TimeProvider time)
{
    /// <summary>
    /// Follows a handle (<c>@user@host</c>) or an actor IRI: WebFinger → actor document → <c>Follow</c> sent to
    /// the actor's inbox. The follow is pending until the other side's <c>Accept</c> arrives.
    /// Throws <see cref="ArgumentException"/> for something that is not a handle or IRI, <see cref="RemoteFetchException"/>
    /// when the actor cannot be found.
    /// </summary>
    public async Task<(StoredRemoteActor Target, FollowRow Follow)> FollowAsync(LocalActor follower, string target, CancellationToken cancellationToken)
    {
        var actor = await FindAsync(target, cancellationToken);
        if (actor.Iri == uris.Actor(follower.Username)) throw new ArgumentException("an actor cannot follow itself");
        if (await follows.FindFollowingAsync(follower.Id, actor.Iri) is { } existing) return (actor, existing);

        var follow = documents.Activity(AsTypes.Follow, follower, actor.Iri, [actor.Iri], null, time.GetUtcNow());
        await outbox.SendAsync(follower, follow, isPublic: false, Outbox.To(actor.Inbox),
            work => follows.AddFollowingAsync(work, follower.Id, actor.Iri, follow.Id, time.GetUtcNow()));
        return (actor, (await follows.FindFollowingAsync(follower.Id, actor.Iri))!);
    }

    /// <summary>Stops following: removes the follow and sends <c>Undo(Follow)</c>. Returns false when there was no follow.</summary>
    public async Task<bool> UnfollowAsync(LocalActor follower, string target, CancellationToken cancellationToken)
    {
        var actor = await FindAsync(target, cancellationToken);
        if (await follows.FindFollowingAsync(follower.Id, actor.Iri) is not { } existing) return false;

        var originalFollow = new Activity
        {
            Id = existing.FollowActivityIri, Type = AsTypes.Follow, Actor = uris.Actor(follower.Username), Object = actor.Iri,
        };
        var undo = documents.Activity(AsTypes.Undo, follower, originalFollow, [actor.Iri], null, time.GetUtcNow());
        await outbox.SendAsync(follower, undo, isPublic: false, Outbox.To(actor.Inbox),
            work => follows.RemoveFollowingAsync(work, follower.Id, actor.Iri));
        return true;
    }

    /// <summary>
    /// Answers a follow request with <c>Accept</c> (the follower is recorded as accepted) or <c>Reject</c>
    /// (it is removed), sent to the follower's inbox in the same transaction.
    /// </summary>
    public Task AnswerFollowAsync(LocalActor actor, StoredRemoteActor follower, string followIri, bool accept)
    {
        var now = time.GetUtcNow();
        var follow = new Activity { Id = followIri, Type = AsTypes.Follow, Actor = follower.Iri, Object = uris.Actor(actor.Username) };
        var answer = documents.Activity(accept ? AsTypes.Accept : AsTypes.Reject, actor, follow, [follower.Iri], null, now);
        return outbox.SendAsync(actor, answer, isPublic: false, Outbox.To(follower.Inbox),
            work => accept
                ? follows.AddFollowerAsync(work, actor.Id, follower.Iri, followIri, FollowStates.Accepted, now)
                : follows.RemoveFollowerAsync(work, actor.Id, follower.Iri));
    }

    /// <summary>Approves or rejects a pending follower of an actor who approves followers by hand. False when there is no such request.</summary>
    public async Task<bool> DecidePendingFollowerAsync(LocalActor actor, string followerIri, bool approve, CancellationToken cancellationToken)
    {
        var pending = (await follows.ListFollowersAsync(actor.Id, FollowStates.Pending)).FirstOrDefault(f => f.OtherIri == followerIri);
        if (pending is null) return false;
        var follower = await directory.GetAsync(followerIri, refresh: false, cancellationToken);
        await AnswerFollowAsync(actor, follower, pending.FollowActivityIri, approve);
        return true;
    }

    private async Task<StoredRemoteActor> FindAsync(string target, CancellationToken cancellationToken)
    {
        if (Uri.TryCreate(target, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            return await directory.GetAsync(target, refresh: true, cancellationToken);
        if (AccountHandle.TryParse(target, out var handle))
            return await directory.FindByHandleAsync(handle, cancellationToken);
        throw new ArgumentException($"'{target}' is neither a handle (@user@host) nor an actor IRI");
    }
}
