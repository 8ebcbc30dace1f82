using Camtree.Node.Storage;

namespace Camtree.Node.Api;

/// <summary>
/// What a node's operator needs to see and do about federation, behind an operator token: the delivery queue
/// by state, each receiving host's health, and retrying or dropping deliveries; API tokens, and revoking them.
/// The CLI offers the same.
/// </summary>
public static class AdminEndpoints
{
    public static void MapAdmin(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/v1/admin").RequireRateLimiting(Security.RateLimits.ApiPolicy).RequireAuthorization(policy => policy.RequireRole(BearerTokenAuthentication.OperatorRole));
        admin.MapGet("/deliveries", async (DeliveryStore deliveries) => Results.Ok(new
        {
            states = await deliveries.CountByStateAsync(),
            hosts = await deliveries.SummariseHostsAsync(),
        }));
        admin.MapPost("/deliveries/retry", async (DeliverySelection selection, DeliveryStore deliveries, Jobs.WorkSignal<Jobs.DeliveryWorker> signal, TimeProvider time) =>
        {
            var count = await deliveries.RetryAsync(selection.Id, selection.Host, time.GetUtcNow());
            signal.Announce();
            return Results.Ok(new { requeued = count });
        });
        admin.MapPost("/deliveries/drop", async (DeliverySelection selection, DeliveryStore deliveries) =>
            selection.Id is null && string.IsNullOrWhiteSpace(selection.Host)
                ? Results.BadRequest(new { error = "name a delivery id or a host" })
                : Results.Ok(new { dropped = await deliveries.DropAsync(selection.Id, selection.Host) }));
        MapTokens(admin);
        MapLibraries(admin);
    }

    public sealed record LibraryRequest(string? Library);

    /// <summary>Subscriptions to other nodes' libraries: subscribe, list, resync, unsubscribe.</summary>
    private static void MapLibraries(RouteGroupBuilder admin)
    {
        admin.MapPost("/libraries", async (LibraryRequest? request, Library.LibrarySubscriptions libraries, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(request?.Library)) return Results.BadRequest(new { error = "library is a handle (@library@host) or an actor IRI" });
            try { return Results.Accepted(value: Describe(await libraries.SubscribeAsync(request.Library.Trim(), ct))); }
            catch (ArgumentException e) { return Results.BadRequest(new { error = e.Message }); }
            catch (Protocol.Discovery.RemoteFetchException e) { return Results.UnprocessableEntity(new { error = e.Message }); }
        });
        admin.MapGet("/libraries", async (Library.LibrarySubscriptions libraries, ReportStore reports) =>
        {
            var flagged = await reports.FlaggedCountsAsync();
            return Results.Ok((await libraries.ListAsync()).Select(s => Describe(s, flagged.GetValueOrDefault(s.Origin))));
        });
        // Reports whose proof failed when a library collection served them: kept, out of search, for the operator to look at.
        admin.MapGet("/libraries/flagged", async (ReportStore reports) => Results.Ok((await reports.FlaggedAsync(null, FlaggedListed)).Select(r => new
        {
            id = r.Iri, title = r.Title, author = r.AuthorIri, node = new Uri(r.Iri).Authority, reason = r.ProofFailure, checkedAt = r.ProofCheckedAt,
        })));
        admin.MapPost("/libraries/resync", async (LibraryRequest? request, Library.LibrarySubscriptions libraries, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(request?.Library)) return Results.BadRequest(new { error = "library is a handle (@library@host) or an actor IRI" });
            try
            {
                return await libraries.ResyncAsync(request.Library.Trim(), ct) ? Results.Accepted() : Results.NotFound(new { error = $"no subscription to {request.Library}" });
            }
            catch (ArgumentException e) { return Results.BadRequest(new { error = e.Message }); }
            catch (Protocol.Discovery.RemoteFetchException e) { return Results.UnprocessableEntity(new { error = e.Message }); }
        });
        admin.MapDelete("/libraries", async (string? library, Library.LibrarySubscriptions libraries, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(library)) return Results.BadRequest(new { error = "library is a handle (@library@host) or an actor IRI" });
            try
            {
                return await libraries.UnsubscribeAsync(library.Trim(), ct) ? Results.NoContent() : Results.NotFound(new { error = $"no subscription to {library}" });
            }
            catch (ArgumentException e) { return Results.BadRequest(new { error = e.Message }); }
            catch (Protocol.Discovery.RemoteFetchException e) { return Results.UnprocessableEntity(new { error = e.Message }); }
        });
    }

    /// <summary>How many flagged reports the list shows, newest first.</summary>
    public const int FlaggedListed = 200;

    private static object Describe(Subscription s) => Describe(s, 0);

    private static object Describe(Subscription s, int flagged) => new
    {
        library = s.ActorIri, node = s.Node, state = s.State, records = s.Records, flagged, lastSyncedAt = s.LastSyncedAt, lastError = s.LastError,
    };

    /// <summary>Lists API tokens by public id, and revokes one.</summary>
    private static void MapTokens(RouteGroupBuilder admin)
    {
        admin.MapGet("/tokens", async (TokenStore tokens) => Results.Ok(await tokens.ListAsync()));
        admin.MapDelete("/tokens/{id}", async (string id, TokenStore tokens) =>
            await tokens.RevokeAsync(id.Trim().ToLowerInvariant()) ? Results.NoContent() : Results.NotFound(new { error = $"no live token with id {id}" }));
    }

    /// <summary>Which deliveries: one by id, all to a host, or (retry only) every failed one when both are absent.</summary>
    public sealed record DeliverySelection(long? Id, string? Host);
}
