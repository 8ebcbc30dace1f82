using System.Security.Claims;
using Camtree.Node.Library;
using Camtree.Node.Storage;
using Camtree.Protocol.Discovery;

namespace Camtree.Node.Api;

/// <summary>
/// The JSON API for practitioners and operators who act without the browser (documented in README.md).
/// Reading the library is public; everything that acts for a practitioner needs their bearer token.
/// </summary>
public static class ApiEndpoints
{
    public static void MapApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").RequireRateLimiting(Security.RateLimits.ApiPolicy);
        api.MapGet("/reports", ListReportsAsync);

        var mine = api.MapGroup("").RequireAuthorization();
        mine.MapGet("/me", async (ClaimsPrincipal user, ActorStore actors, Federation.LocalUris uris) =>
            await actors.FindAsync(BearerTokenAuthentication.ActorId(user)) is { } actor
                ? Results.Ok(new
                {
                    actor.Username, actor.DisplayName, handle = uris.Handle(actor.Username).ToString(), iri = uris.Actor(actor.Username),
                    actor.Indexable, actor.Discoverable,
                })
                : Results.NotFound(new { error = "the token's practitioner no longer exists" }));
        mine.MapPut("/me/consent", async (ConsentRequest? request, ClaimsPrincipal user, ActorStore actors, ProfileService profiles) =>
        {
            if (request?.Indexable is null || request.Discoverable is null)
                return Results.BadRequest(new { error = "indexable and discoverable are both true or false" });
            if (await actors.FindAsync(BearerTokenAuthentication.ActorId(user)) is not { } actor) return Results.NotFound(new { error = "no such practitioner" });
            var updated = await profiles.SetConsentAsync(actor, request.Indexable.Value, request.Discoverable.Value);
            return Results.Ok(new { updated.Indexable, updated.Discoverable });
        });
        mine.MapPost("/reports", PublishAsync);
        mine.MapPost("/library/copies", TakeCopyAsync);
        mine.MapPut("/reports/{slug}", EditAsync);
        mine.MapDelete("/reports/{slug}", DeleteAsync);
        mine.MapGet("/follows", ListFollowsAsync);
        mine.MapPost("/follows", FollowAsync);
        mine.MapDelete("/follows", UnfollowAsync);
        mine.MapGet("/followers", ListFollowersAsync);
        mine.MapPost("/followers/approve", (FollowerDecision request, ClaimsPrincipal user, ActorStore actors, FollowService service, CancellationToken ct) =>
            DecideAsync(request, approve: true, user, actors, service, ct));
        mine.MapPost("/followers/reject", (FollowerDecision request, ClaimsPrincipal user, ActorStore actors, FollowService service, CancellationToken ct) =>
            DecideAsync(request, approve: false, user, actors, service, ct));
    }

    /// <summary>The largest page of <c>GET /api/v1/reports</c>.</summary>
    public const int MaxPage = 100;

    /// <summary>
    /// A page of the library, newest first (<c>limit</c> up to <see cref="MaxPage"/>, 50 by default); the next page is
    /// linked in a <c>Link: &lt;…&gt;; rel="next"</c> header, as Mastodon's API pages.
    /// </summary>
    private static async Task<IResult> ListReportsAsync(string? origin, int? limit, string? before, HttpContext context, ReportStore reports)
    {
        if (limit is < 1 or > MaxPage) return Results.BadRequest(new { error = $"limit is from 1 to {MaxPage}" });
        if (!LibraryCursor.TryParse(before, out var cursor) && before is not null) return Results.BadRequest(new { error = "before is a cursor from a Link header" });
        var which = origin switch
        {
            "local" => ReportOrigin.Local,
            "federated" => ReportOrigin.Federated,
            null or "" or "all" => ReportOrigin.All,
            _ => (ReportOrigin?)null,
        };
        if (which is null) return Results.BadRequest(new { error = "origin is local, federated or all" });
        var size = limit ?? 50;
        var rows = await reports.ListAsync(which.Value, limit: size + 1, before: cursor);
        if (rows.Count > size)
        {
            var next = $"/api/v1/reports?origin={which.Value.ToString().ToLowerInvariant()}&limit={size}&before={LibraryCursor.After(rows[size - 1])}";
            context.Response.Headers.Link = $"<{next}>; rel=\"next\"";
        }
        return Results.Ok(rows.Take(size).Select(r => new
        {
            r.Id, r.Iri, r.Url, r.Title, r.AuthorIri, r.AuthorName, r.Language, r.Methodology, r.EducationalLevel, r.SubjectArea,
            r.Country, r.Findings, themes = r.ThemeList, r.PublishedAt, local = r.IsLocal, r.VerifiedKeyId, r.ProofVerified, r.CopiedFrom,
        }));
    }

    private static async Task<IResult> PublishAsync(ReportDraft? draft, ClaimsPrincipal user, ActorStore actors, ReportService service)
    {
        if (draft is null) return Results.BadRequest(new { error = "a JSON report draft is required" });
        if (service.Validate(draft) is { Count: > 0 } errors) return Results.ValidationProblem(errors);
        var author = await actors.FindAsync(BearerTokenAuthentication.ActorId(user));
        if (author is null) return Results.NotFound();
        var report = await service.PublishAsync(author, draft);
        return Results.Created(report.Iri, new { report.Id, report.Iri, report.Url, report.Title });
    }

    private static async Task<IResult> EditAsync(string slug, ReportDraft? draft, ClaimsPrincipal user, ActorStore actors, ReportStore reports, ReportService service)
    {
        if (draft is null) return Results.BadRequest(new { error = "a JSON report draft is required" });
        if (service.Validate(draft) is { Count: > 0 } errors) return Results.ValidationProblem(errors);
        if (await OwnReportAsync(slug, user, actors, reports) is not ({ } author, { } report) ) return Results.NotFound(new { error = "no report of yours with that id" });
        var updated = await service.EditAsync(author, report, draft);
        return Results.Ok(new { updated.Id, updated.Iri, updated.Url, updated.Title, updated.UpdatedAt });
    }

    private static async Task<IResult> DeleteAsync(string slug, ClaimsPrincipal user, ActorStore actors, ReportStore reports, ReportService service)
    {
        if (await OwnReportAsync(slug, user, actors, reports) is not ({ } author, { } report)) return Results.NotFound(new { error = "no report of yours with that id" });
        await service.DeleteAsync(author, report);
        return Results.NoContent();
    }

    /// <summary>The caller and their live report with that slug, or nulls.</summary>
    private static async Task<(LocalActor?, ReportRow?)> OwnReportAsync(string slug, ClaimsPrincipal user, ActorStore actors, ReportStore reports)
    {
        var author = await actors.FindAsync(BearerTokenAuthentication.ActorId(user));
        var report = await reports.FindBySlugAsync(slug);
        return author is not null && report is { DeletedAt: null } && report.LocalAuthorId == author.Id ? (author, report) : (null, null);
    }

    /// <summary>A practitioner's search consent (FEP-5feb).</summary>
    public sealed record ConsentRequest(bool? Indexable, bool? Discoverable);

    public sealed record CopyRequest(string Url);

    /// <summary>Adds a report found on a mirror or an index to the library: verified through its proof, or flagged.</summary>
    private static async Task<IResult> TakeCopyAsync(CopyRequest request, ReportCopies copies, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Url)) return Results.BadRequest(new { error = "url is where the copy is served" });
        try { return Results.Ok(await copies.TakeCopyAsync(request.Url, cancellationToken)); }
        catch (ArgumentException e) { return Results.BadRequest(new { error = e.Message }); }
        catch (RemoteFetchException e) { return Results.UnprocessableEntity(new { error = e.Message }); }
    }

    public sealed record FollowRequest(string Target);

    private static async Task<IResult> FollowAsync(FollowRequest? request, ClaimsPrincipal user, ActorStore actors, FollowService service, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request?.Target)) return Results.BadRequest(new { error = "target is a handle (@user@host) or an actor IRI" });
        var follower = await actors.FindAsync(BearerTokenAuthentication.ActorId(user));
        if (follower is null) return Results.NotFound();
        try
        {
            var (target, follow) = await service.FollowAsync(follower, request.Target, cancellationToken);
            return Results.Accepted(value: new { target = target.Iri, handle = target.Handle, follow.State, follow = follow.FollowActivityIri });
        }
        catch (ArgumentException e) { return Results.BadRequest(new { error = e.Message }); }
        catch (RemoteFetchException e) { return Results.UnprocessableEntity(new { error = e.Message }); }
    }

    private static async Task<IResult> UnfollowAsync(string target, ClaimsPrincipal user, ActorStore actors, FollowService service, CancellationToken cancellationToken)
    {
        var follower = await actors.FindAsync(BearerTokenAuthentication.ActorId(user));
        if (follower is null) return Results.NotFound();
        try
        {
            return await service.UnfollowAsync(follower, target, cancellationToken) ? Results.NoContent() : Results.NotFound(new { error = "not following" });
        }
        catch (ArgumentException e) { return Results.BadRequest(new { error = e.Message }); }
        catch (RemoteFetchException e) { return Results.UnprocessableEntity(new { error = e.Message }); }
    }

    public sealed record FollowerDecision(string Follower);

    private static async Task<IResult> DecideAsync(FollowerDecision request, bool approve, ClaimsPrincipal user, ActorStore actors, FollowService service, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Follower)) return Results.BadRequest(new { error = "follower is the IRI of a pending follower" });
        var actor = await actors.FindAsync(BearerTokenAuthentication.ActorId(user));
        if (actor is null) return Results.NotFound();
        return await service.DecidePendingFollowerAsync(actor, request.Follower, approve, cancellationToken)
            ? Results.NoContent()
            : Results.NotFound(new { error = $"no pending follow request from {request.Follower}" });
    }

    private static async Task<IResult> ListFollowsAsync(ClaimsPrincipal user, FollowStore follows) =>
        Results.Ok((await follows.ListFollowingAsync(BearerTokenAuthentication.ActorId(user)))
            .Select(f => new { target = f.OtherIri, f.State, follow = f.FollowActivityIri, f.CreatedAt }));

    private static async Task<IResult> ListFollowersAsync(ClaimsPrincipal user, FollowStore follows) =>
        Results.Ok((await follows.ListFollowersAsync(BearerTokenAuthentication.ActorId(user), state: null))
            .Select(f => new { follower = f.OtherIri, f.State, f.CreatedAt }));
}
