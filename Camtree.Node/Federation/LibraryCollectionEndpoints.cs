using System.Text.Json.Nodes;
using Camtree.Node.Storage;
using Camtree.Protocol.Indexing;

namespace Camtree.Node.Federation;

/// <summary>
/// The library collection (linked from the library actor as <c>reports</c>): every report published on this node,
/// in the order it was published here, as the signed <c>Article</c> its IRI serves or a <c>Tombstone</c> once withdrawn;
/// pages of <see cref="PageSize"/> by an opaque <c>after=</c> cursor, optionally within one month (<c>partition=</c>);
/// and the partition digests (<c>/digests</c>) a subscriber compares to repair only what differs.
/// Only this node's own reports: a library vouches for what its node publishes; others' reports are had from their own nodes.
/// </summary>
public static class LibraryCollectionEndpoints
{
    /// <summary>Reports per page: about 3 KB each with its proof, so a page stays well under a peer's 1 MiB limit.</summary>
    public const int PageSize = 100;

    public static void MapLibraryCollection(this IEndpointRouteBuilder app)
    {
        app.MapGet("/users/library/reports", PageAsync).RequireSignedFetch();
        app.MapGet("/users/library/reports/digests", async (ReportStore reports, LocalUris uris) =>
            HttpExchange.ActivityPub(LibraryCollection.Digests(uris.LibraryDigests, uris.LibraryReports, PartitionDigests.Compute(await reports.StatesAsync(null)))))
            .RequireSignedFetch();
    }

    private static async Task<IResult> PageAsync(string? after, string? partition, ReportStore reports, ActorStore actors, ObjectProofs proofs,
        DocumentBuilder documents, LocalUris uris)
    {
        var collection = uris.LibraryReports;
        if (partition is not null && !PartitionDigests.IsPartition(partition))
            return HttpExchange.Error(400, "partition is a month, yyyy-MM");
        if (after is null && partition is null)
            return HttpExchange.ActivityPub(LibraryCollection.Collection(collection, await reports.CountLocalIncludingWithdrawnAsync(), uris.LibraryDigests));
        var cursor = new CollectionCursor(0);
        if (after is not null && !CollectionCursor.TryDecode(after, out cursor))
            return HttpExchange.Error(400, "after is a cursor from this collection's pages");

        var (from, until) = partition is null ? ((DateTimeOffset?)null, (DateTimeOffset?)null) : PartitionDigests.Bounds(partition);
        var rows = await reports.LocalInOrderAsync(cursor.After, PageSize, from, until);
        var items = new List<JsonObject>();
        foreach (var row in rows)
        {
            if (row.DeletedAt is { } deleted)
            {
                items.Add(LibraryCollection.Tombstone(row.Iri, deleted, row.PublishedAt));
                continue;
            }
            if (row.SignedJson is { } json) { items.Add(JsonNode.Parse(json)!.AsObject()); continue; }
            // A report published before signed Articles were kept: signed now, once.
            if (await actors.FindAsync(row.LocalAuthorId!.Value) is not { } author) continue;
            var signed = await proofs.ReportAsync(row, author);
            await reports.SetSignedJsonAsync(row.Id, signed.ToJsonString(Protocol.JsonLd.ActivityJson.Options));
            items.Add(signed);
        }
        // Each page links the next from its last item; an empty page is the end for now, and the place to look again later.
        var next = rows.Count == 0 ? null : LibraryCollection.PageIri(collection, new CollectionCursor(rows[^1].Id), partition);
        return HttpExchange.ActivityPub(LibraryCollection.Page(collection, LibraryCollection.PageIri(collection, cursor, partition), items, next));
    }
}
