using System.Text.Json;
using System.Text.Json.Nodes;
using Camtree.Node.Storage;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Node.Federation;

/// <summary>Actor documents and their collections: outbox (paged), followers, following.</summary>
public static class ActorDocumentEndpoints
{
    /// <summary>Items per collection page.</summary>
    public const int PageSize = 20;

    public static void MapActors(this IEndpointRouteBuilder app)
    {
        app.MapGet("/users/{username}", ActorAsync);
        app.MapGet("/users/{username}/outbox", OutboxAsync).RequireSignedFetch();
        app.MapGet("/users/{username}/followers", FollowersAsync).RequireSignedFetch();
        app.MapGet("/users/{username}/following", FollowingAsync).RequireSignedFetch();
    }

    // Actor and key documents are always readable without a signature, so that servers never deadlock
    // fetching each other's keys.
    private static async Task<IResult> ActorAsync(string username, HttpRequest request, ActorStore actors, ActorKeyStore keys, DocumentBuilder documents, LocalUris uris)
    {
        if (await actors.FindByUsernameAsync(username) is not { } actor) return HttpExchange.Error(404, $"no actor {username} here");
        return HttpExchange.WantsActivityPub(request)
            ? HttpExchange.ActivityPub(documents.Actor(actor, await keys.AllAsync(actor.Id)))
            : Results.Redirect(uris.Profile(actor.Username));
    }

    /// <summary>
    /// The outbox as an <c>OrderedCollection</c> whose pages are reached with <c>?page=true</c> and continue
    /// with <c>?max_id=</c> (a cursor: the id of the oldest item on the previous page), as Mastodon pages.
    /// </summary>
    private static async Task<IResult> OutboxAsync(string username, string? page, long? max_id, ActorStore actors, OutboxStore outbox, LocalUris uris)
    {
        if (await actors.FindByUsernameAsync(username) is not { } actor) return HttpExchange.Error(404, $"no actor {username} here");
        var collectionIri = uris.Outbox(actor.Username);
        var total = await outbox.CountPublicAsync(actor.Id);
        if (page is null && max_id is null)
        {
            return HttpExchange.ActivityPub(new OrderedCollection
            {
                Id = collectionIri, TotalItems = total, First = collectionIri + "?page=true",
            });
        }

        var items = await outbox.PagePublicAsync(actor.Id, max_id, PageSize);
        var pageIri = max_id is null ? collectionIri + "?page=true" : $"{collectionIri}?max_id={max_id}&page=true";
        return HttpExchange.ActivityPub(new OrderedCollectionPage
        {
            Id = pageIri,
            PartOf = collectionIri,
            TotalItems = total,
            Next = items.Count == PageSize ? $"{collectionIri}?max_id={items[^1].Id}&page=true" : null,
            OrderedItems = items.Select(item => (object)WithoutContext(item.Json)).ToList(),
        });
    }

    private static async Task<IResult> FollowersAsync(string username, string? page, ActorStore actors, FollowStore follows, LocalUris uris)
    {
        if (await actors.FindByUsernameAsync(username) is not { } actor) return HttpExchange.Error(404, $"no actor {username} here");
        var rows = await follows.ListFollowersAsync(actor.Id);
        return HttpExchange.Collection(uris.Followers(actor.Username), page, rows.Select(r => r.OtherIri).ToList());
    }

    private static async Task<IResult> FollowingAsync(string username, string? page, ActorStore actors, FollowStore follows, LocalUris uris)
    {
        if (await actors.FindByUsernameAsync(username) is not { } actor) return HttpExchange.Error(404, $"no actor {username} here");
        var rows = await follows.ListFollowingAsync(actor.Id, FollowStates.Accepted);
        return HttpExchange.Collection(uris.Following(actor.Username), page, rows.Select(r => r.OtherIri).ToList());
    }

    /// <summary>A stored activity without its own <c>@context</c>, for embedding in a page (the page has one).</summary>
    private static JsonObject WithoutContext(string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        node.Remove("@context");
        return node;
    }
}
