using Camtree.Node.Federation;
using Camtree.Node.Jobs;
using Camtree.Node.Storage;
using Camtree.Protocol.Discovery;

namespace Camtree.Node.Library;

/// <summary>
/// The operator's subscriptions to other nodes' libraries: subscribing follows the library actor (push) and starts a
/// backfill through its library collection (pull, <see cref="LibrarySync"/>); unsubscribing ends the follow and takes its
/// reports out of the library. Following a practitioner starts a one-off backfill of their earlier reports.
/// </summary>
public sealed class LibrarySubscriptions(
    ISubscriptionStore store, FollowService follows, ActorStore actors, ActorDirectory directory, RemoteDocumentClient remote,
    SigningKeys keys, ReportStore reports, WorkSignal<LibrarySyncWorker> signal, LocalUris uris, TimeProvider time)
{
    /// <summary>
    /// Subscribes to a library by handle (<c>@library@host</c>) or actor IRI. Throws <see cref="ArgumentException"/> when it
    /// is not another node's Camtree library, <see cref="RemoteFetchException"/> when it cannot be reached.
    /// </summary>
    public async Task<Subscription> SubscribeAsync(string library, CancellationToken cancellationToken)
    {
        var iri = await ResolveAsync(library, cancellationToken);
        if (uris.IsLocal(iri)) throw new ArgumentException("a node does not subscribe to its own library");
        var actor = await remote.FetchActorAsync(iri, keys.InstanceKey(), cancellationToken);
        if (actor.Reports is null) throw new ArgumentException($"{iri} is not a Camtree library: it links no library collection");
        var libraryActor = await LibraryActorAsync();
        await follows.FollowAsync(libraryActor, iri, cancellationToken);
        var now = time.GetUtcNow();
        await store.AddAsync(new Subscription
        {
            Kind = SubscriptionKinds.Library, ActorIri = iri, CollectionIri = actor.Reports,
            Origin = new Uri(iri).GetLeftPart(UriPartial.Authority), State = SubscriptionStates.Following, NextRunAt = now, CreatedAt = now,
        });
        signal.Announce();
        return (await store.FindAsync(iri))!;
    }

    public Task<IReadOnlyList<Subscription>> ListAsync() => store.ListAsync(SubscriptionKinds.Library);

    /// <summary>Runs a subscription now (digests compared, new reports read). False when there is no such subscription.</summary>
    public async Task<bool> ResyncAsync(string library, CancellationToken cancellationToken)
    {
        var iri = await ResolveAsync(library, cancellationToken);
        if (!await store.RunNowAsync(iri, time.GetUtcNow(), fromStart: false)) return false;
        signal.Announce();
        return true;
    }

    /// <summary>Ends a subscription: <c>Undo(Follow)</c>, and its reports leave the library (unless a practitioner here follows their author).</summary>
    public async Task<bool> UnsubscribeAsync(string library, CancellationToken cancellationToken)
    {
        var iri = await ResolveAsync(library, cancellationToken);
        if (await store.FindAsync(iri) is not { Kind: SubscriptionKinds.Library } subscription) return false;
        var libraryActor = await LibraryActorAsync();
        try { await follows.UnfollowAsync(libraryActor, iri, cancellationToken); }
        catch (RemoteFetchException) { } // the library is gone: the subscription still ends here
        await store.RemoveAsync(iri);
        await reports.RemoveFromOriginAsync(subscription.Origin, libraryActor.Id);
        return true;
    }

    /// <summary>
    /// After a follow of a practitioner is accepted: bring in what they published before (their outbox), once. Only
    /// queued here; the sync worker reads the actor's outbox link and the outbox.
    /// </summary>
    public async Task BackfillActorAsync(string actorIri)
    {
        if (await store.FindAsync(actorIri) is not null) return;
        var now = time.GetUtcNow();
        await store.AddAsync(new Subscription
        {
            Kind = SubscriptionKinds.Actor, ActorIri = actorIri, CollectionIri = "",
            Origin = new Uri(actorIri).GetLeftPart(UriPartial.Authority), State = SubscriptionStates.Backfilling, NextRunAt = now, CreatedAt = now,
        });
        signal.Announce();
    }

    private async Task<string> ResolveAsync(string library, CancellationToken cancellationToken)
    {
        if (Uri.TryCreate(library, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https") return library;
        if (AccountHandle.TryParse(library, out var handle)) return (await directory.FindByHandleAsync(handle, cancellationToken)).Iri;
        throw new ArgumentException($"'{library}' is neither a handle (@library@host) nor an actor IRI");
    }

    private async Task<LocalActor> LibraryActorAsync() =>
        await actors.FindByUsernameAsync(LocalUris.LibraryUsername) ?? throw new InvalidOperationException("the node has no library actor");
}
