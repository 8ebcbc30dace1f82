using System.Text.Json;
using Camtree.Protocol.Discovery;

namespace Camtree.Protocol.Indexing;

/// <summary>Bounds of one traversal: a hostile collection can be endless, or loop.</summary>
public sealed record TraversalOptions
{
    /// <summary>The most pages read in one traversal.</summary>
    public int MaxPages { get; init; } = 1_000;
    /// <summary>The most items read in one traversal.</summary>
    public int MaxItems { get; init; } = 100_000;
    /// <summary>The most items one page may carry (more are not read).</summary>
    public int MaxItemsPerPage { get; init; } = 1_000;
}

/// <summary>Why a traversal stopped early.</summary>
public enum TraversalFailure
{
    /// <summary>The document is not a collection or a collection page.</summary>
    NotACollection,
    /// <summary>A page links to a page already read.</summary>
    Loop,
    /// <summary>A page lives on another origin than the collection.</summary>
    ForeignPage,
    /// <summary><see cref="TraversalOptions.MaxPages"/> reached.</summary>
    TooManyPages,
    /// <summary><see cref="TraversalOptions.MaxItems"/> reached.</summary>
    TooManyItems,
}

/// <summary>A traversal stopped; <see cref="Failure"/> says why, the message says where.</summary>
public sealed class TraversalException(TraversalFailure failure, string message) : Exception(message)
{
    public TraversalFailure Failure { get; } = failure;
}

/// <summary>
/// One page of a collection as read: its id (null for items given inline on the collection itself), its items
/// (each an IRI string or an embedded object, as sent), and where the traversal goes next.
/// </summary>
public sealed record CollectionPage(string? Id, IReadOnlyList<JsonElement> Items, string? Next);

/// <summary>
/// Walks a paged ActivityStreams collection (AS2 Core §5.3: <c>Collection</c>/<c>OrderedCollection</c> with
/// <c>first</c>, pages with <c>next</c>; or <c>last</c> and <c>prev</c> backwards), whether pages are embedded or
/// given by IRI and items under <c>orderedItems</c> or <c>items</c>. One traverser for outboxes, library collections
/// and followers. It is bounded (<see cref="TraversalOptions"/>), detects loops, refuses pages on another origin
/// than where the traversal started, and yields a page at a time so that a caller can persist <see cref="CollectionPage.Next"/>
/// as its cursor and resume from it.
/// </summary>
public sealed class CollectionTraverser(Func<string, CancellationToken, Task<JsonElement>> fetch, TraversalOptions? options = null)
{
    private readonly TraversalOptions _options = options ?? new TraversalOptions();

    /// <summary>Reads a collection from the start (or, <paramref name="backwards"/>, from its last page along <c>prev</c>).</summary>
    public IAsyncEnumerable<CollectionPage> TraverseAsync(string collectionIri, bool backwards = false, CancellationToken cancellationToken = default) =>
        WalkAsync(collectionIri, startAtPage: false, backwards, cancellationToken);

    /// <summary>Resumes at a page, as a cursor saved from <see cref="CollectionPage.Next"/> names it.</summary>
    public IAsyncEnumerable<CollectionPage> ResumeAsync(string pageIri, bool backwards = false, CancellationToken cancellationToken = default) =>
        WalkAsync(pageIri, startAtPage: true, backwards, cancellationToken);

    private async IAsyncEnumerable<CollectionPage> WalkAsync(string startIri, bool startAtPage, bool backwards,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var items = 0;
        var pages = 0;
        JsonElement document = await fetch(startIri, cancellationToken);
        var origin = startIri;
        if (!startAtPage)
        {
            if (!IsCollection(document) && !IsPage(document))
                throw new TraversalException(TraversalFailure.NotACollection, $"{startIri} is not a collection");
            visited.Add(startIri);
            // Items given on the collection itself: a small collection, not paged.
            if (Items(document) is { Count: > 0 } inline)
            {
                yield return new CollectionPage(null, inline, null);
                yield break;
            }
            if (!document.TryGetProperty(backwards ? "last" : "first", out var first)) yield break;
            if (first.ValueKind == JsonValueKind.Object && first.TryGetProperty("type", out _))
                document = first; // embedded first page
            else if (Link(document, backwards ? "last" : "first") is { } firstIri)
                document = await FetchPageAsync(firstIri, origin, visited, cancellationToken);
            else yield break;
        }
        else visited.Add(startIri);

        while (true)
        {
            if (!IsPage(document) && !IsCollection(document))
                throw new TraversalException(TraversalFailure.NotACollection, $"a page of {origin} is not a collection page");
            if (++pages > _options.MaxPages)
                throw new TraversalException(TraversalFailure.TooManyPages, $"{origin}: more than {_options.MaxPages} pages");
            var pageItems = Items(document);
            items += pageItems.Count;
            if (items > _options.MaxItems)
                throw new TraversalException(TraversalFailure.TooManyItems, $"{origin}: more than {_options.MaxItems} items");
            var next = Link(document, backwards ? "prev" : "next");
            var id = document.TryGetProperty("id", out var idValue) && idValue.ValueKind == JsonValueKind.String ? idValue.GetString() : null;
            if (id is not null) visited.Add(id);
            var embeddedNext = document.TryGetProperty(backwards ? "prev" : "next", out var n) && n.ValueKind == JsonValueKind.Object && n.TryGetProperty("type", out _);
            yield return new CollectionPage(id, pageItems, next);
            if (embeddedNext)
            {
                // An embedded page is read as it is (it may have no id; the page bound still holds).
                if (next is not null && !visited.Add(next)) throw new TraversalException(TraversalFailure.Loop, $"{origin}: page {next} was read already");
                document = n;
                continue;
            }
            if (next is null) yield break;
            document = await FetchPageAsync(next, origin, visited, cancellationToken);
        }
    }

    private async Task<JsonElement> FetchPageAsync(string iri, string origin, HashSet<string> visited, CancellationToken cancellationToken)
    {
        if (!RemoteDocumentClient.SameOrigin(iri, origin))
            throw new TraversalException(TraversalFailure.ForeignPage, $"{origin}: page {iri} is on another origin");
        if (!visited.Add(iri)) throw new TraversalException(TraversalFailure.Loop, $"{origin}: page {iri} was read already");
        return await fetch(iri, cancellationToken);
    }

    private IReadOnlyList<JsonElement> Items(JsonElement page)
    {
        foreach (var name in new[] { "orderedItems", "items" })
        {
            if (!page.TryGetProperty(name, out var value)) continue;
            var all = value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : (IEnumerable<JsonElement>)[value];
            return all.Where(v => v.ValueKind is JsonValueKind.String or JsonValueKind.Object).Take(_options.MaxItemsPerPage).Select(v => v.Clone()).ToList();
        }
        return [];
    }

    /// <summary>The IRI of a link member: a string, or an embedded object's <c>id</c>, or a Link's <c>href</c>.</summary>
    private static string? Link(JsonElement document, string property)
    {
        if (!document.TryGetProperty(property, out var value)) return null;
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Object when value.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String => id.GetString(),
            JsonValueKind.Object when value.TryGetProperty("href", out var href) && href.ValueKind == JsonValueKind.String => href.GetString(),
            _ => null,
        };
    }

    private static bool IsCollection(JsonElement document) => HasType(document, "Collection", "OrderedCollection");

    private static bool IsPage(JsonElement document) => HasType(document, "CollectionPage", "OrderedCollectionPage");

    private static bool HasType(JsonElement document, params string[] types) =>
        document.ValueKind == JsonValueKind.Object && document.TryGetProperty("type", out var type) && type.ValueKind switch
        {
            JsonValueKind.String => types.Contains(type.GetString()),
            JsonValueKind.Array => type.EnumerateArray().Any(t => t.ValueKind == JsonValueKind.String && types.Contains(t.GetString())),
            _ => false,
        };
}
