using Camtree.Node.Storage;
using Camtree.Protocol.JsonLd;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Node.Federation.Handlers;

/// <summary>
/// <c>Accept(Follow)</c>: the followed actor agreed; the local follow becomes accepted. A followed practitioner's earlier
/// reports are then brought in from their outbox (what they publish from now on comes by push).
/// </summary>
public sealed class AcceptHandler(
    FollowStore follows, ActorStore actors, ActorDirectory directory, Library.LibrarySubscriptions subscriptions, LocalUris uris) : IActivityHandler
{
    public string ActivityType => AsTypes.Accept;

    public async Task<string?> HandleAsync(ReceivedActivity received, CancellationToken cancellationToken)
    {
        var followIri = await FollowReference.ResolveAsync(received.Activity.Object, received.Actor, follows, actors, uris);
        if (followIri is null) return "Accept of something that is not a Follow sent from here";
        if (!await follows.AcceptFollowingAsync(followIri, received.Actor)) return $"Accept of unknown follow {followIri}";
        if ((await directory.GetAsync(received.Actor, refresh: false, cancellationToken)).ActorType == AsTypes.Person)
            await subscriptions.BackfillActorAsync(received.Actor);
        return null;
    }
}

/// <summary><c>Reject(Follow)</c>: the followed actor declined; the local follow is removed.</summary>
public sealed class RejectHandler(FollowStore follows, ActorStore actors, LocalUris uris) : IActivityHandler
{
    public string ActivityType => AsTypes.Reject;

    public async Task<string?> HandleAsync(ReceivedActivity received, CancellationToken cancellationToken)
    {
        var followIri = await FollowReference.ResolveAsync(received.Activity.Object, received.Actor, follows, actors, uris);
        if (followIri is null) return "Reject of something that is not a Follow sent from here";
        return await follows.RemoveFollowingAsync(followIri, received.Actor) ? null : $"Reject of unknown follow {followIri}";
    }
}

/// <summary>Finds which of our Follow activities an Accept or Reject answers.</summary>
internal static class FollowReference
{
    /// <summary>
    /// The id of our Follow: the object's IRI when it is one of ours; else, for an embedded Follow without our id
    /// (some servers mint their own), the follow our actor has of the answering actor.
    /// </summary>
    public static async Task<string?> ResolveAsync(ObjectReference? reference, string answeringActor, FollowStore follows, ActorStore actors, LocalUris uris)
    {
        if (reference is null) return null;
        if (uris.IsLocal(reference.Iri)) return reference.Iri;
        if (reference.Embedded is { Type: AsTypes.Follow } follow
            && uris.ParseActor(follow.Actor) is { } username
            && follow.Object?.Iri == answeringActor
            && await actors.FindByUsernameAsync(username) is { } local)
        {
            return (await follows.FindFollowingAsync(local.Id, answeringActor))?.FollowActivityIri;
        }
        return null;
    }
}
