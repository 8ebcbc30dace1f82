using Camtree.Node.Federation;
using Camtree.Node.Storage;
using Camtree.Protocol.Delivery;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Node.Library;

/// <summary>Changes to an actor's public profile that its followers' servers must hear about (<c>Update</c> of the actor).</summary>
public sealed class ProfileService(ActorKeyStore keys, FollowStore follows, Outbox outbox, DocumentBuilder documents, TimeProvider time)
{
    /// <summary>
    /// Gives an actor a new Ed25519 key for its object proofs and sends <c>Update</c> of its actor document to its
    /// followers. The old key stays in the document, marked <c>retired</c>, so what it signed still verifies.
    /// </summary>
    public async Task<ActorKey> RotateKeyAsync(LocalActor actor)
    {
        var key = await keys.RotateAsync(actor.Id);
        var document = documents.Actor(actor, await keys.AllAsync(actor.Id));
        var update = documents.Activity(AsTypes.Update, actor, document, [ActivityStreams.PublicIri], [document.Followers], time.GetUtcNow());
        await outbox.SendAsync(actor, update, isPublic: false,
            async (connection, transaction) => InboxResolver.ResolveInboxes(await follows.FollowerInboxesAsync(connection, transaction, actor.Id)));
        return key;
    }
}
