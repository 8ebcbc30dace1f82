using System.Security.Claims;
using Camtree.Node.Library;
using Camtree.Node.Storage;
using Camtree.Protocol.Discovery;

namespace Camtree.Node.Api;

/// <summary>
/// Liking, sharing and replying to reports and comments, here or on other servers, and reading the
/// comments on a report and one's mentions. All need the practitioner's bearer token.
/// </summary>
public static class InteractionEndpoints
{
    public sealed record ObjectRequest(string Object);
    public sealed record ReplyRequest(string InReplyTo, string Content);

    public static void MapInteractions(this IEndpointRouteBuilder app)
    {
        // The comments on a report are public, as the report's page shows them.
        app.MapGroup("/api/v1").RequireRateLimiting(Security.RateLimits.ApiPolicy).MapGet("/comments", async (string report, InteractionStore interactions) =>
            Results.Ok((await interactions.CommentsOnAsync(report)).Select(c => new { c.Iri, c.InReplyTo, c.AuthorIri, c.AuthorName, content = c.ContentHtml, c.PublishedAt })));

        var api = app.MapGroup("/api/v1").RequireRateLimiting(Security.RateLimits.ApiPolicy).RequireAuthorization();
        api.MapPost("/likes", (ObjectRequest request, ClaimsPrincipal user, ActorStore actors, InteractionService service, CancellationToken ct) =>
            ActAsync(user, actors, request.Object, actor => service.LikeAsync(actor, request.Object, ct)));
        api.MapDelete("/likes", (string @object, ClaimsPrincipal user, ActorStore actors, InteractionService service, CancellationToken ct) =>
            ActAsync(user, actors, @object, actor => service.UndoAsync(actor, InteractionKinds.Like, @object, ct)));
        api.MapPost("/shares", (ObjectRequest request, ClaimsPrincipal user, ActorStore actors, InteractionService service, CancellationToken ct) =>
            ActAsync(user, actors, request.Object, actor => service.ShareAsync(actor, request.Object, ct)));
        api.MapDelete("/shares", (string @object, ClaimsPrincipal user, ActorStore actors, InteractionService service, CancellationToken ct) =>
            ActAsync(user, actors, @object, actor => service.UndoAsync(actor, InteractionKinds.Share, @object, ct)));
        api.MapPost("/replies", ReplyAsync);
        api.MapGet("/mentions", async (ClaimsPrincipal user, InteractionStore interactions) =>
            Results.Ok((await interactions.MentionsOfAsync(BearerTokenAuthentication.ActorId(user)))
                .Select(m => new { note = m.NoteIri, author = m.AuthorIri, content = m.ContentHtml, m.ReceivedAt })));
    }

    /// <summary>Runs an action for the caller: 204 when done, 409 when there was nothing to do, 4xx with a reason otherwise.</summary>
    private static async Task<IResult> ActAsync(ClaimsPrincipal user, ActorStore actors, string? objectIri, Func<LocalActor, Task<bool>> act)
    {
        if (string.IsNullOrWhiteSpace(objectIri)) return Results.BadRequest(new { error = "object is the IRI of a report or comment" });
        if (await actors.FindAsync(BearerTokenAuthentication.ActorId(user)) is not { } actor) return Results.NotFound();
        try
        {
            return await act(actor) ? Results.NoContent() : Results.Conflict(new { error = "already done, or nothing to undo" });
        }
        catch (ArgumentException e) { return Results.BadRequest(new { error = e.Message }); }
        catch (RemoteFetchException e) { return Results.UnprocessableEntity(new { error = e.Message }); }
    }

    private static async Task<IResult> ReplyAsync(ReplyRequest request, ClaimsPrincipal user, ActorStore actors, InteractionService service, CancellationToken cancellationToken)
    {
        if (await actors.FindAsync(BearerTokenAuthentication.ActorId(user)) is not { } actor) return Results.NotFound();
        try
        {
            var comment = await service.ReplyAsync(actor, request.InReplyTo, request.Content, cancellationToken);
            return Results.Created(comment.Iri, new { comment.Iri, comment.ReportIri, comment.InReplyTo });
        }
        catch (ArgumentException e) { return Results.BadRequest(new { error = e.Message }); }
        catch (RemoteFetchException e) { return Results.UnprocessableEntity(new { error = e.Message }); }
    }
}
