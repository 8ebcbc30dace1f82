using System.Text.Json;
using Camtree.Protocol.Indexing;

namespace Camtree.Tests.Protocol;

/// <summary>The collection traverser over documents given by a dictionary: paging every way servers page, and every bound.</summary>
public sealed class CollectionTraverserTests
{
    private const string Base = "https://lib.example";

    private static CollectionTraverser Over(Dictionary<string, string> documents, TraversalOptions? options = null, List<string>? fetched = null) =>
        new((iri, _) =>
        {
            fetched?.Add(iri);
            return documents.TryGetValue(iri, out var json)
                ? Task.FromResult(JsonDocument.Parse(json).RootElement.Clone())
                : throw new HttpRequestException($"{iri} answered 404");
        }, options);

    private static async Task<List<string>> ItemsAsync(IAsyncEnumerable<CollectionPage> pages)
    {
        var items = new List<string>();
        await foreach (var page in pages)
            items.AddRange(page.Items.Select(i => i.ValueKind == JsonValueKind.String ? i.GetString()! : i.GetProperty("id").GetString()!));
        return items;
    }

    private static Dictionary<string, string> ThreePages() => new()
    {
        [$"{Base}/c"] = $$"""{"id":"{{Base}}/c","type":"OrderedCollection","totalItems":5,"first":"{{Base}}/c?p=1","last":"{{Base}}/c?p=3"}""",
        [$"{Base}/c?p=1"] = $$"""{"id":"{{Base}}/c?p=1","type":"OrderedCollectionPage","orderedItems":["a","b"],"next":"{{Base}}/c?p=2"}""",
        [$"{Base}/c?p=2"] = $$"""{"id":"{{Base}}/c?p=2","type":"OrderedCollectionPage","orderedItems":[{"id":"c","type":"Article"},"d"],"next":"{{Base}}/c?p=3","prev":"{{Base}}/c?p=1"}""",
        [$"{Base}/c?p=3"] = $$"""{"id":"{{Base}}/c?p=3","type":"OrderedCollectionPage","orderedItems":["e"],"prev":"{{Base}}/c?p=2"}""",
    };

    [Fact]
    public async Task Reads_pages_given_by_iri_forwards_and_backwards() 
    {
        Assert.Equal(["a", "b", "c", "d", "e"], await ItemsAsync(Over(ThreePages()).TraverseAsync($"{Base}/c")));
        Assert.Equal(["e", "c", "d", "a", "b"], await ItemsAsync(Over(ThreePages()).TraverseAsync($"{Base}/c", backwards: true)));
    }

    [Fact]
    public async Task Resumes_at_a_saved_page_without_reading_the_pages_before_it()
    {
        var fetched = new List<string>();
        var traverser = Over(ThreePages(), fetched: fetched);
        string? cursor = null;
        await foreach (var page in traverser.TraverseAsync($"{Base}/c"))
        {
            cursor = page.Next;
            break; // stopped (a crash) after the first page
        }
        Assert.Equal($"{Base}/c?p=2", cursor);
        fetched.Clear();
        Assert.Equal(["c", "d", "e"], await ItemsAsync(traverser.ResumeAsync(cursor!)));
        Assert.Equal([$"{Base}/c?p=2", $"{Base}/c?p=3"], fetched);
    }

    [Fact]
    public async Task Reads_embedded_pages_and_unpaged_collections_and_items()
    {
        var documents = new Dictionary<string, string>
        {
            [$"{Base}/e"] = $$$"""{"id":"{{{Base}}}/e","type":"Collection","first":{"type":"CollectionPage","items":"x","next":{"type":"CollectionPage","items":["y"]} } }""",
            [$"{Base}/i"] = $$"""{"id":"{{Base}}/i","type":["OrderedCollection"],"orderedItems":["p","q",7,null]}""",
            [$"{Base}/empty"] = $$"""{"id":"{{Base}}/empty","type":"OrderedCollection","totalItems":0}""",
        };
        Assert.Equal(["x", "y"], await ItemsAsync(Over(documents).TraverseAsync($"{Base}/e")));
        Assert.Equal(["p", "q"], await ItemsAsync(Over(documents).TraverseAsync($"{Base}/i")));
        Assert.Empty(await ItemsAsync(Over(documents).TraverseAsync($"{Base}/empty")));
    }

    [Fact]
    public async Task A_loop_is_detected()
    {
        var documents = ThreePages();
        documents[$"{Base}/c?p=3"] = $$"""{"id":"{{Base}}/c?p=3","type":"OrderedCollectionPage","orderedItems":["e"],"next":"{{Base}}/c?p=1"}""";
        var failure = await Assert.ThrowsAsync<TraversalException>(() => ItemsAsync(Over(documents).TraverseAsync($"{Base}/c")));
        Assert.Equal(TraversalFailure.Loop, failure.Failure);
    }

    [Fact]
    public async Task A_page_on_another_origin_is_refused()
    {
        var documents = ThreePages();
        documents[$"{Base}/c?p=2"] = $$"""{"id":"{{Base}}/c?p=2","type":"OrderedCollectionPage","orderedItems":["c"],"next":"https://elsewhere.example/p"}""";
        var failure = await Assert.ThrowsAsync<TraversalException>(() => ItemsAsync(Over(documents).TraverseAsync($"{Base}/c")));
        Assert.Equal(TraversalFailure.ForeignPage, failure.Failure);
    }

    [Fact]
    public async Task Page_and_item_limits_stop_an_endless_collection()
    {
        // Every page links to a new one: an endless collection.
        var endless = new CollectionTraverser((iri, _) =>
        {
            var n = iri.Contains("?p=") ? int.Parse(iri.Split("?p=")[1]) : 0;
            var json = n == 0
                ? $$"""{"id":"{{iri}}","type":"OrderedCollection","first":"{{Base}}/c?p=1"}"""
                : $$"""{"id":"{{iri}}","type":"OrderedCollectionPage","orderedItems":["{{n}}a","{{n}}b","{{n}}c"],"next":"{{Base}}/c?p={{n + 1}}"}""";
            return Task.FromResult(JsonDocument.Parse(json).RootElement.Clone());
        }, new TraversalOptions { MaxPages = 10, MaxItems = 1_000 });
        Assert.Equal(TraversalFailure.TooManyPages, (await Assert.ThrowsAsync<TraversalException>(() => ItemsAsync(endless.TraverseAsync($"{Base}/c")))).Failure);

        var itemBound = new CollectionTraverser((_, _) => Task.FromResult(JsonDocument.Parse(
            $$$"""{"id":"{{{Base}}}/c","type":"OrderedCollection","first":{"type":"OrderedCollectionPage","orderedItems":["1","2","3","4","5"]}}""").RootElement.Clone()),
            new TraversalOptions { MaxItems = 4 });
        Assert.Equal(TraversalFailure.TooManyItems, (await Assert.ThrowsAsync<TraversalException>(() => ItemsAsync(itemBound.TraverseAsync($"{Base}/c")))).Failure);

        var perPage = new CollectionTraverser((_, _) => Task.FromResult(JsonDocument.Parse(
            $$"""{"id":"{{Base}}/c","type":"OrderedCollection","orderedItems":["1","2","3","4","5"]}""").RootElement.Clone()),
            new TraversalOptions { MaxItemsPerPage = 2 });
        Assert.Equal(["1", "2"], await ItemsAsync(perPage.TraverseAsync($"{Base}/c")));
    }

    [Fact]
    public async Task A_document_that_is_not_a_collection_is_refused()
    {
        var documents = new Dictionary<string, string> { [$"{Base}/n"] = $$"""{"id":"{{Base}}/n","type":"Note"}""" };
        Assert.Equal(TraversalFailure.NotACollection,
            (await Assert.ThrowsAsync<TraversalException>(() => ItemsAsync(Over(documents).TraverseAsync($"{Base}/n")))).Failure);
    }
}
