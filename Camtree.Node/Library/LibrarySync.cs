using System.Text.Json;
using System.Text.Json.Nodes;
using Camtree.Node.Configuration;
using Camtree.Node.Federation;
using Camtree.Node.Federation.Handlers;
using Camtree.Node.Storage;
using Camtree.Protocol.Discovery;
using Camtree.Protocol.Indexing;
using Camtree.Protocol.Inbox;
using Camtree.Protocol.JsonLd;
using Camtree.Protocol.Signatures.Proofs;
using Camtree.Protocol.Vocabulary;
using Microsoft.Extensions.Options;

namespace Camtree.Node.Library;

/// <summary>
/// One run of a subscription (the pull half of the cross-node library; pushes arrive at the inbox):
/// <list type="bullet">
/// <item>a library: read its library collection from the saved cursor (the start, the first time), page by page, saving
/// the cursor after each, so a crash or restart resumes where it stopped; then, on later runs, compare partition digests
/// and re-read only the partitions that differ, so missed pushes, edits and withdrawals converge;</item>
/// <item>a followed practitioner: read their outbox once, for the reports published before the follow.</item>
/// </list>
/// Every report must be on the subscribed node's origin, by an author there; its FEP-8b32 proof is verified (a proof
/// that fails keeps the report flagged, out of search). Withdrawn reports arrive as Tombstones and leave the library.
/// </summary>
public sealed class LibrarySync(
    ISubscriptionStore subscriptions, ReportStore reports, ActorDirectory directory, RemoteDocumentClient remote, InboxPipeline pipeline,
    SigningKeys keys, IOptions<NodeOptions> options, TimeProvider time, ILogger<LibrarySync> logger)
{
    /// <summary>How often a synced library is compared with its origin.</summary>
    public TimeSpan RepairInterval => options.Value.Library.RepairInterval;

    public async Task RunAsync(Subscription subscription, CancellationToken cancellationToken)
    {
        var traverser = new CollectionTraverser(FetchAsync, new TraversalOptions
        {
            MaxPages = options.Value.Library.MaxPagesPerRun,
            MaxItems = options.Value.Library.MaxPagesPerRun * LibraryCollectionEndpoints.PageSize,
        });
        if (subscription.Kind == SubscriptionKinds.Actor)
        {
            await BackfillActorAsync(subscription, traverser, cancellationToken);
            return;
        }
        if (subscription.State == SubscriptionStates.Synced || subscription.LastSyncedAt is not null)
            await RepairAsync(subscription, traverser, cancellationToken);

        var cursor = subscription.Cursor;
        var pages = cursor is null ? traverser.TraverseAsync(subscription.CollectionIri, cancellationToken: cancellationToken)
            : traverser.ResumeAsync(cursor, cancellationToken: cancellationToken);
        await foreach (var page in pages.WithCancellation(cancellationToken))
        {
            foreach (var item in page.Items) await ApplyAsync(item, subscription.Origin, cancellationToken);
            cursor = page.Next ?? page.Id ?? cursor;
            await subscriptions.SaveProgressAsync(subscription.Id, SubscriptionStates.Backfilling, cursor, await reports.CountFromOriginAsync(subscription.Origin));
        }
        var now = time.GetUtcNow();
        await subscriptions.MarkSyncedAsync(subscription.Id, cursor, await reports.CountFromOriginAsync(subscription.Origin), now, now + RepairInterval);
    }

    /// <summary>Re-reads the partitions whose digest differs from the origin's; what the origin no longer lists at all is withdrawn here.</summary>
    private async Task RepairAsync(Subscription subscription, CollectionTraverser traverser, CancellationToken cancellationToken)
    {
        var collection = await FetchAsync(subscription.CollectionIri, cancellationToken);
        if (!collection.TryGetProperty("digests", out var link) || link.ValueKind != JsonValueKind.String
            || !RemoteDocumentClient.SameOrigin(link.GetString(), subscription.Origin)) return;
        var theirs = LibraryCollection.ReadDigests(await FetchAsync(link.GetString()!, cancellationToken))
            ?? throw new RemoteFetchException($"{link.GetString()} is not a digests document");
        var mine = PartitionDigests.Compute(await reports.StatesAsync(subscription.Origin));
        foreach (var partition in PartitionDigests.Differing(mine, theirs))
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var start = LibraryCollection.PageIri(subscription.CollectionIri, new CollectionCursor(0), partition);
            await foreach (var page in traverser.ResumeAsync(start, cancellationToken: cancellationToken).WithCancellation(cancellationToken))
                foreach (var item in page.Items)
                    if (await ApplyAsync(item, subscription.Origin, cancellationToken) is { } id) seen.Add(id);
            var (from, until) = PartitionDigests.Bounds(partition);
            foreach (var iri in await reports.RemoteIrisPublishedAsync(subscription.Origin, from, until))
                if (!seen.Contains(iri)) await reports.WithdrawRemoteAsync(iri, from, time.GetUtcNow());
            logger.LogInformation("Library {Library}: partition {Partition} repaired ({Count} items)", subscription.ActorIri, partition, seen.Count);
        }
    }

    /// <summary>A followed practitioner's earlier reports, from their outbox's <c>Create</c>s.</summary>
    private async Task BackfillActorAsync(Subscription subscription, CollectionTraverser traverser, CancellationToken cancellationToken)
    {
        var actor = await remote.FetchActorAsync(subscription.ActorIri, keys.InstanceKey(), cancellationToken);
        if (actor.Outbox is not { } outbox || !RemoteDocumentClient.SameOrigin(outbox, subscription.ActorIri))
            throw new RemoteFetchException($"{subscription.ActorIri} has no outbox on its own origin");
        await foreach (var page in traverser.TraverseAsync(outbox, cancellationToken: cancellationToken).WithCancellation(cancellationToken))
        {
            foreach (var item in page.Items)
            {
                if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String
                    || type.GetString() != AsTypes.Create || !item.TryGetProperty("object", out var created) || created.ValueKind != JsonValueKind.Object) continue;
                await ApplyAsync(created, subscription.Origin, cancellationToken, author: subscription.ActorIri);
            }
        }
        var now = time.GetUtcNow();
        // Done once: later reports come by push. Kept, so that a later follow of the same actor does not read it all again.
        await subscriptions.MarkSyncedAsync(subscription.Id, null, await reports.CountFromOriginAsync(subscription.Origin), now, DateTimeOffset.MaxValue);
    }

    /// <summary>
    /// Applies one item: a report joins the library (or replaces the copy held), a Tombstone withdraws it. Returns the
    /// item's id when it was one of the origin's, else null (skipped: another origin, not public, not a report).
    /// </summary>
    private async Task<string?> ApplyAsync(JsonElement item, string origin, CancellationToken cancellationToken, string? author = null)
    {
        JsonObject document;
        IncomingObject view;
        try
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                if (!RemoteDocumentClient.SameOrigin(item.GetString(), origin)) return null;
                (view, document) = await remote.FetchCopyAsync(item.GetString()!, keys.InstanceKey(), cancellationToken);
            }
            else
            {
                view = IncomingObject.Parse(item);
                document = JsonObject.Create(item.Clone())!;
            }
        }
        catch (Exception e) when (e is IncomingDocumentException or RemoteFetchException)
        {
            logger.LogInformation("An item of {Origin}'s library could not be read: {Reason}", origin, e.Message);
            return null;
        }
        if (view.Id is null || !RemoteDocumentClient.SameOrigin(view.Id, origin)) return null;
        var now = time.GetUtcNow();
        if (view.HasType(AsTypes.Tombstone))
        {
            await reports.WithdrawRemoteAsync(view.Id, view.Published ?? now, now);
            return view.Id;
        }
        if (!view.HasType(AsTypes.Article) || view.AttributedTo is not { } authorIri || !RemoteDocumentClient.SameOrigin(authorIri, origin)
            || (author is not null && authorIri != author) || !view.IsListed) return null;

        var proof = await pipeline.VerifyProofOfAsync(document, authorIri, signedByActor: false, cancellationToken);
        var verified = proof is { IsValid: true };
        // Read from its own origin it is believable without a proof (as an Announce's fetch is); a proof that fails is not.
        var flagged = proof is { IsValid: false, Failure: not ProofFailure.NoProof };
        var writer = await directory.GetAsync(authorIri, refresh: false, cancellationToken);
        var row = RemoteReports.FromArticle(view, writer, verified ? proof!.VerificationMethod : null, now, options.Value.Limits.Report, verified)
            with { Flagged = flagged };
        if (flagged) logger.LogWarning("Report {Report} from {Origin} is kept flagged: its proof fails ({Reason})", view.Id, origin, proof!.Reason);
        await reports.UpsertRemoteAsync(row);
        return view.Id;
    }

    private async Task<JsonElement> FetchAsync(string iri, CancellationToken cancellationToken) =>
        (await remote.FetchObjectAsync(iri, keys.InstanceKey(), cancellationToken)).Raw;
}
