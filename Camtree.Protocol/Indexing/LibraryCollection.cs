using System.Text.Json.Nodes;
using Camtree.Protocol.JsonLd;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Protocol.Indexing;

/// <summary>
/// The documents of a node's library collection: an <c>OrderedCollection</c> of the reports the node publishes, in the
/// order they were published there (FEP-1985 <c>orderType</c> ForwardChronological: new reports are added at the end),
/// each as the signed <c>Article</c> its IRI serves or, once withdrawn, a <c>Tombstone</c>; paged by an opaque
/// <c>after=</c> cursor (<see cref="CollectionCursor"/>), and with the partition digests a peer compares
/// (<see cref="PartitionDigests"/>).
/// </summary>
public static class LibraryCollection
{
    /// <summary>FEP-1985: this collection is ordered forward chronologically, and adding an item adds it at the end.</summary>
    public const string ForwardChronological = "https://w3id.org/fep/1985/ForwardChronological";

    /// <summary>The collection document: its size, its first page, and where its digests are.</summary>
    public static JsonObject Collection(string id, int totalItems, string digests) => new()
    {
        ["@context"] = CamtreeContext.DocumentContext(),
        ["id"] = id,
        ["type"] = AsTypes.OrderedCollection,
        ["orderType"] = ForwardChronological,
        ["totalItems"] = totalItems,
        ["first"] = PageIri(id, new CollectionCursor(0)),
        ["digests"] = digests,
    };

    /// <summary>
    /// One page. <paramref name="next"/> is always given, the cursor after this page's last item (or, for an empty
    /// page, this page's own): a subscriber keeps reading it to see what is appended later.
    /// </summary>
    public static JsonObject Page(string collectionId, string pageId, IEnumerable<JsonObject> items, string? next) => new()
    {
        ["@context"] = CamtreeContext.DocumentContext(),
        ["id"] = pageId,
        ["type"] = AsTypes.OrderedCollectionPage,
        ["partOf"] = collectionId,
        // Each item keeps its own @context, as its IRI serves it: its proof covers the document with that context.
        ["orderedItems"] = new JsonArray([.. items.Select(item => (JsonNode)item.DeepClone())]),
        ["next"] = next,
    };

    /// <summary>The IRI of the page after a cursor, optionally within one partition.</summary>
    public static string PageIri(string collectionId, CollectionCursor after, string? partition = null) =>
        partition is null ? $"{collectionId}?after={after.Encode()}" : $"{collectionId}?partition={partition}&after={after.Encode()}";

    /// <summary>The digests document: each partition with its item count and digest.</summary>
    public static JsonObject Digests(string id, string collectionId, IEnumerable<PartitionDigest> partitions) => new()
    {
        ["@context"] = CamtreeContext.DocumentContext(),
        ["id"] = id,
        ["partOf"] = collectionId,
        ["partitions"] = new JsonArray([.. partitions.Select(p => (JsonNode)new JsonObject
        {
            ["partition"] = p.Partition, ["totalItems"] = p.Count, ["digest"] = p.Digest,
        })]),
    };

    /// <summary>Reads a digests document; null when it is not one. At most <paramref name="max"/> partitions are read.</summary>
    public static IReadOnlyList<PartitionDigest>? ReadDigests(System.Text.Json.JsonElement document, int max = 10_000)
    {
        if (!document.TryGetProperty("partitions", out var partitions) || partitions.ValueKind != System.Text.Json.JsonValueKind.Array) return null;
        var list = new List<PartitionDigest>();
        foreach (var p in partitions.EnumerateArray().Take(max))
        {
            if (p.ValueKind != System.Text.Json.JsonValueKind.Object
                || !p.TryGetProperty("partition", out var name) || name.ValueKind != System.Text.Json.JsonValueKind.String || !PartitionDigests.IsPartition(name.GetString())
                || !p.TryGetProperty("totalItems", out var count) || !count.TryGetInt32(out var n) || n < 0
                || !p.TryGetProperty("digest", out var digest) || digest.ValueKind != System.Text.Json.JsonValueKind.String || digest.GetString()!.Length != 64) continue;
            list.Add(new PartitionDigest(name.GetString()!, n, digest.GetString()!.ToLowerInvariant()));
        }
        return list;
    }

    /// <summary>A withdrawn report's place in the collection.</summary>
    public static JsonObject Tombstone(string id, DateTimeOffset deleted, DateTimeOffset published) => new()
    {
        ["id"] = id,
        ["type"] = AsTypes.Tombstone,
        ["formerType"] = AsTypes.Article,
        ["published"] = published.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
        ["deleted"] = deleted.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
    };
}
