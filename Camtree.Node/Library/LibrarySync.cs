using System.Text.Json;
using System.Threading.Channels;
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
        // Counted once per run, then kept by what each page adds; counted again when the run ends.
        var records = await reports.CountFromOriginAsync(subscription.Origin);
        var pages = cursor is null ? traverser.TraverseAsync(subscription.CollectionIri, cancellationToken: cancellationToken)
            : traverser.ResumeAsync(cursor, cancellationToken: cancellationToken);
        // Two stages: while pages are written (one writer: SQLite), the next ones are fetched, read and their
        // proofs verified on the other cores. In one loop the writer waited for the verifying and the verifiers for the
        // writer, and a backfill used one core of two (measured: Camtree.Benchmarks backfill, docs/benchmarks.md).
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var prepared = Channel.CreateBounded<(PreparedPage Page, string? Next)>(new BoundedChannelOptions(PagesPerTransaction) { SingleReader = true, SingleWriter = true });
        var reading = Task.Run(async () =>
        {
            try
            {
                await foreach (var page in pages.WithCancellation(stop.Token))
                    await prepared.Writer.WriteAsync((await PreparePageAsync(page.Items, subscription.Origin, stop.Token), page.Next ?? page.Id), stop.Token);
                prepared.Writer.Complete();
            }
            catch (Exception e) { prepared.Writer.Complete(e); }
        }, stop.Token);
        try
        {
            // A failed fetch or read surfaces here, after the pages before it were written and their cursor saved.
            while (await prepared.Reader.WaitToReadAsync(stop.Token))
            {
                // The pages ready now go in one transaction: fewer commits, and FTS5 flushes fewer, larger segments.
                var batch = new List<PreparedPage>();
                string? next = null;
                while (batch.Count < PagesPerTransaction && prepared.Reader.TryRead(out var ready))
                {
                    batch.Add(ready.Page);
                    next = ready.Next ?? next;
                }
                records += await WritePagesAsync(batch);
                cursor = next ?? cursor;
                await subscriptions.SaveProgressAsync(subscription.Id, SubscriptionStates.Backfilling, cursor, records);
            }
        }
        finally
        {
            await stop.CancelAsync();
            try { await reading; } catch (OperationCanceledException) { }
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
                seen.UnionWith(await ApplyPageAsync(page.Items, subscription.Origin, cancellationToken));
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
            var created = page.Items.Where(item => item.ValueKind == JsonValueKind.Object && item.TryGetProperty("type", out var type)
                    && type.ValueKind == JsonValueKind.String && type.GetString() == AsTypes.Create
                    && item.TryGetProperty("object", out var o) && o.ValueKind == JsonValueKind.Object)
                .Select(item => item.GetProperty("object")).ToList();
            await ApplyPageAsync(created, subscription.Origin, cancellationToken, author: subscription.ActorIri);
        }
        var now = time.GetUtcNow();
        // Done once: later reports come by push. Kept, so that a later follow of the same actor does not read it all again.
        await subscriptions.MarkSyncedAsync(subscription.Id, null, await reports.CountFromOriginAsync(subscription.Origin), now, DateTimeOffset.MaxValue);
    }

    /// <summary>A page read and verified, ready to be written: its rows, its withdrawals, and the ids of the origin's items on it.</summary>
    private sealed record PreparedPage(IReadOnlyList<ReportRow> Rows, IReadOnlyList<(string Id, DateTimeOffset Published)> Withdrawn, IReadOnlyList<string> Items);

    /// <summary>
    /// Applies a page: reports join the library (or replace the copies held), Tombstones withdraw them. Returns the ids
    /// of the items that were the origin's (others are skipped: another origin, not public, not a report, unreadable).
    /// </summary>
    private async Task<IReadOnlyList<string>> ApplyPageAsync(IReadOnlyList<JsonElement> items, string origin, CancellationToken cancellationToken, string? author = null)
    {
        var page = await PreparePageAsync(items, origin, cancellationToken, author);
        await WritePagesAsync([page]);
        return page.Items;
    }

    /// <summary>At most this many prepared pages are written in one transaction (and wait, read ahead, to be).</summary>
    private const int PagesPerTransaction = 5;

    /// <summary>Writes prepared pages in one transaction; how many more live reports the library holds after them.</summary>
    private Task<int> WritePagesAsync(IReadOnlyList<PreparedPage> pages) =>
        reports.ApplyRemoteAsync([.. pages.SelectMany(p => p.Rows)], [.. pages.SelectMany(p => p.Withdrawn)], time.GetUtcNow());

    /// <summary>
    /// Reads a page: items first, their authors resolved once each, then their proofs verified and their rows made in
    /// parallel (the CPU-bound part: canonicalising, Ed25519, sanitising, the text for search).
    /// </summary>
    private async Task<PreparedPage> PreparePageAsync(IReadOnlyList<JsonElement> items, string origin, CancellationToken cancellationToken, string? author = null)
    {
        var now = time.GetUtcNow();
        var articles = new List<(IncomingObject View, JsonObject Document)>();
        var withdrawn = new List<(string Id, DateTimeOffset Published)>();
        foreach (var item in items)
        {
            if (await ReadAsync(item, origin, cancellationToken) is not var (view, document)) continue;
            if (view.HasType(AsTypes.Tombstone)) withdrawn.Add((view.Id!, view.Published ?? now));
            else if (view.HasType(AsTypes.Article) && view.AttributedTo is { } authorIri && RemoteDocumentClient.SameOrigin(authorIri, origin)
                     && (author is null || authorIri == author) && view.IsListed) articles.Add((view, document));
        }
        var writers = new Dictionary<string, StoredRemoteActor>(StringComparer.Ordinal);
        foreach (var authorIri in articles.Select(a => a.View.AttributedTo!).Distinct())
            writers[authorIri] = await directory.GetAsync(authorIri, refresh: false, cancellationToken);

        var rows = new ReportRow[articles.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, articles.Count), new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount },
            async (i, token) =>
            {
                var (view, document) = articles[i];
                var proof = await pipeline.VerifyProofOfAsync(document, view.AttributedTo!, signedByActor: false, token);
                var verified = proof is { IsValid: true };
                // Read from its own origin it is believable without a proof (as an Announce's fetch is); a proof that fails is not.
                var flagged = proof is { IsValid: false, Failure: not ProofFailure.NoProof };
                if (flagged) logger.LogWarning("Report {Report} from {Origin} is kept flagged: its proof fails ({Reason})", view.Id, origin, proof!.Reason);
                var row = RemoteReports.FromArticle(view, writers[view.AttributedTo!], verified ? proof!.VerificationMethod : null, now,
                    options.Value.Limits.Report, verified, proofFailure: flagged ? proof!.Reason : null);
                rows[i] = row with { PreparedContentText = ReportStore.ContentText(row) };
            });
        return new PreparedPage(rows, withdrawn, [.. articles.Select(a => a.View.Id!), .. withdrawn.Select(w => w.Id)]);
    }

    /// <summary>An item as its view and document: embedded, or fetched when given by IRI; null when it is not the origin's or cannot be read.</summary>
    private async Task<(IncomingObject, JsonObject)?> ReadAsync(JsonElement item, string origin, CancellationToken cancellationToken)
    {
        try
        {
            var (view, document) = item.ValueKind == JsonValueKind.String
                ? RemoteDocumentClient.SameOrigin(item.GetString(), origin)
                    ? await remote.FetchCopyAsync(item.GetString()!, keys.InstanceKey(), cancellationToken)
                    : default
                : (IncomingObject.Parse(item), JsonObject.Create(item.Clone())!);
            return view?.Id is { } id && RemoteDocumentClient.SameOrigin(id, origin) ? (view, document) : null;
        }
        catch (Exception e) when (e is IncomingDocumentException or RemoteFetchException)
        {
            logger.LogInformation("An item of {Origin}'s library could not be read: {Reason}", origin, e.Message);
            return null;
        }
    }

    private async Task<JsonElement> FetchAsync(string iri, CancellationToken cancellationToken) =>
        (await remote.FetchObjectAsync(iri, keys.InstanceKey(), cancellationToken)).Raw;
}
