using System.Security.Claims;
using Camtree.Node.Api;
using Camtree.Node.Configuration;
using Camtree.Node.Federation;
using Camtree.Node.Library;
using Camtree.Node.Storage;
using Camtree.Node.Web.Components;
using Camtree.Node.Web.ViewModels;
using Camtree.Protocol.Discovery;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Camtree.Node.Web;

/// <summary>
/// Connecting from the browser: a report's page with comment, like and share forms for a signed-in practitioner, and
/// finding anyone on another server by handle or address (WebFinger, then their actor) to follow them. Each form posts,
/// does what the JSON API does, and redirects back (so reloading never sends twice).
/// </summary>
public static class ConnectEndpoints
{
    public static void MapConnect(this IEndpointRouteBuilder app)
    {
        // The report page replaces the plain one in WebEndpoints: the same page, with forms when the visitor is signed in.
        app.MapGet("/library/{id:long}", async (long id, string? done, string? lang, HttpContext context, IAntiforgery antiforgery, ReportStore reports,
            InteractionStore interactions, ActorStore actors, LocalUris uris, Pages pages) =>
        {
            if (await reports.FindAsync(id) is not { } report) return HttpExchange.Error(404, "there is no such report in this library");
            ReportActions? actions = null;
            if (await WebForms.SignedInActorAsync(context, actors) is { } actor)
            {
                var me = uris.Actor(actor.Username);
                actions = new ReportActions(WebForms.Antiforgery(context, antiforgery),
                    await interactions.HasAsync(InteractionKinds.Like, me, report.Iri), await interactions.HasAsync(InteractionKinds.Share, me, report.Iri),
                    report.LocalAuthorId == actor.Id ? report.LocalSlug : null);
            }
            return await pages.ReportAsync(report, interactions, actions, done switch
            {
                "comment" => "Comment sent.", "like" => "Liked.", "share" => "Shared with your followers.",
                "translation" => "Version published: followers' servers are sent the update.", "translation-removed" => "Version removed.", _ => null,
            }, lang);
        });

        var signedIn = app.MapGroup("").RequireAuthorization(AccountEndpoints.SignedIn);
        signedIn.MapPost("/library/{id:long}/comment", async (long id, [FromForm] string? comment, ClaimsPrincipal user, ReportStore reports,
            ActorStore actors, InteractionService service, CancellationToken ct) =>
            await ActAsync(id, user, reports, actors, "comment", (actor, report) => service.ReplyAsync(actor, report.Iri, comment ?? "", ct)));
        signedIn.MapPost("/library/{id:long}/like", async (long id, HttpContext context, IAntiforgery antiforgery, ClaimsPrincipal user,
            ReportStore reports, ActorStore actors, InteractionService service, CancellationToken ct) =>
            await antiforgery.IsRequestValidAsync(context)
                ? await ActAsync(id, user, reports, actors, "like", (actor, report) => service.LikeAsync(actor, report.Iri, ct))
                : WebForms.BadForm());
        signedIn.MapPost("/library/{id:long}/share", async (long id, HttpContext context, IAntiforgery antiforgery, ClaimsPrincipal user,
            ReportStore reports, ActorStore actors, InteractionService service, CancellationToken ct) =>
            await antiforgery.IsRequestValidAsync(context)
                ? await ActAsync(id, user, reports, actors, "share", (actor, report) => service.ShareAsync(actor, report.Iri, ct))
                : WebForms.BadForm());

        signedIn.MapPost("/library/{id:long}/withdraw", async (long id, HttpContext context, IAntiforgery antiforgery, ClaimsPrincipal user,
            ReportStore reports, ActorStore actors, ReportService service) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context)) return WebForms.BadForm();
            if (await reports.FindAsync(id) is not { DeletedAt: null } report || await actors.FindAsync(BearerTokenAuthentication.ActorId(user)) is not { } me
                || report.LocalAuthorId != me.Id)
                return HttpExchange.Error(404, "you have no such report");
            // Its followers and every copy's holder get the Delete; the page answers 410 from now on.
            await service.DeleteAsync(me, report);
            return Results.Redirect($"/library/{id}");
        });
        signedIn.MapGet("/find", FindAsync);
        // The OStatus subscribe page WebFinger names (as Mastodon's): another site's "follow from your server" sends the
        // practitioner here with what to follow; they see it and follow it with one button (after signing in).
        signedIn.MapGet("/authorize_interaction", (string? uri) =>
            string.IsNullOrWhiteSpace(uri) ? HttpExchange.Error(400, "uri names whom to follow: a handle or an address")
                : Results.Redirect($"/find?who={Uri.EscapeDataString(uri.Trim().StartsWith("acct:", StringComparison.OrdinalIgnoreCase) ? "@" + uri.Trim()[5..] : uri.Trim())}"));
        signedIn.MapGet("/home", async (string? before, ClaimsPrincipal user, ActorStore actors, ReportStore reports, Pages pages) =>
        {
            if (await actors.FindAsync(BearerTokenAuthentication.ActorId(user)) is not { } me) return Results.Redirect("/sign-in");
            if (!LibraryCursor.TryParse(before, out var cursor) && before is not null) return HttpExchange.Error(400, "before is a cursor from this page's links");
            return pages.Home(me, await reports.FeedAsync(me.Id, Pages.PageSize + 1, cursor), cursor is null);
        });
        signedIn.MapGet("/notifications", async (string? done, ClaimsPrincipal user, HttpContext context, IAntiforgery antiforgery, ActorStore actors,
            LocalUris uris, INotificationStore notifications, IOptions<NodeOptions> options) =>
        {
            if (await actors.FindAsync(BearerTokenAuthentication.ActorId(user)) is not { } me) return Results.Redirect("/sign-in");
            var model = new NotificationsPageModel(new SiteModel(options.Value.NodeName), WebForms.Antiforgery(context, antiforgery),
                await notifications.ForAsync(me.Id, uris.Actor(me.Username)),
                done switch { "approve" => "Approved: they follow you now.", "reject" => "Rejected.", _ => null });
            return WebForms.Page<NotificationsPage>(model);
        });
        signedIn.MapPost("/notifications/followers", async ([FromForm] string? follower, [FromForm] string? decision, ClaimsPrincipal user,
            ActorStore actors, FollowService follows, CancellationToken ct) =>
        {
            if (await actors.FindAsync(BearerTokenAuthentication.ActorId(user)) is not { } me) return Results.Redirect("/sign-in");
            if (string.IsNullOrWhiteSpace(follower) || decision is not ("approve" or "reject"))
                return HttpExchange.Error(400, "a follow request is answered approve or reject");
            // Answered once: a second answer finds no pending request (the first one sent its Accept or Reject).
            return await follows.DecidePendingFollowerAsync(me, follower, decision == "approve", ct)
                ? Results.Redirect($"/notifications?done={decision}")
                : HttpExchange.Error(404, "there is no such follow request (it may have been answered already)");
        });
        signedIn.MapPost("/follow", async ([FromForm] string? target, [FromForm] string? back, ClaimsPrincipal user, ActorStore actors, FollowService follows,
            CancellationToken ct) =>
        {
            if (await actors.FindAsync(BearerTokenAuthentication.ActorId(user)) is not { } me) return Results.Redirect("/sign-in");
            if (string.IsNullOrWhiteSpace(target)) return HttpExchange.Error(400, "whom to follow: a handle (@user@host) or an address");
            try
            {
                var (followed, _) = await follows.FollowAsync(me, target.Trim(), ct);
                // Back to the profile the button was on (a path on this node only: never an open redirect), else to how the follow stands.
                return Results.Redirect(AccountEndpoints.LocalOnly(back) ?? $"/find?who={Uri.EscapeDataString(followed.Iri)}");
            }
            catch (ArgumentException e) { return HttpExchange.Error(400, e.Message); }
            catch (RemoteFetchException e) { return HttpExchange.Error(422, e.Message); }
        });
    }

    private static async Task<IResult> ActAsync<T>(long id, ClaimsPrincipal user, ReportStore reports, ActorStore actors, string done,
        Func<LocalActor, ReportRow, Task<T>> act)
    {
        if (await reports.FindAsync(id) is not { DeletedAt: null } report) return HttpExchange.Error(404, "there is no such report in this library");
        if (await actors.FindAsync(BearerTokenAuthentication.ActorId(user)) is not { } actor) return Results.Redirect("/sign-in");
        try { await act(actor, report); }
        catch (ArgumentException e) { return HttpExchange.Error(400, e.Message); }
        catch (RemoteFetchException e) { return HttpExchange.Error(422, e.Message); }
        return Results.Redirect($"/library/{id}?done={done}#comments");
    }

    /// <summary>
    /// Someone on another server, by handle (<c>@user@host</c>) or address, as this node sees them: WebFinger, then their
    /// actor (signed, bounded, address-checked like every fetch), with a Follow button, or how the follow stands.
    /// </summary>
    private static async Task<IResult> FindAsync(string? who, ClaimsPrincipal user, HttpContext context, IAntiforgery antiforgery,
        ActorStore actors, ActorDirectory directory, FollowStore follows, IOptions<NodeOptions> options, CancellationToken ct)
    {
        var site = new SiteModel(options.Value.NodeName);
        var field = WebForms.Antiforgery(context, antiforgery);
        if (string.IsNullOrWhiteSpace(who)) return WebForms.Page<FindPage>(new FindPageModel(site, field, "", null, null, null));
        who = who.Trim();
        if (await actors.FindAsync(BearerTokenAuthentication.ActorId(user)) is not { } me) return Results.Redirect("/sign-in");
        try
        {
            StoredRemoteActor found;
            if (Uri.TryCreate(who, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https") found = await directory.GetAsync(who, refresh: false, ct);
            else if (AccountHandle.TryParse(who, out var handle)) found = await directory.FindByHandleAsync(handle, ct);
            else return WebForms.Page<FindPage>(new FindPageModel(site, field, who, null, "Type a handle such as @ana@school.example, or the address of their profile.", null), 400);
            var follow = await follows.FindFollowingAsync(me.Id, found.Iri);
            return WebForms.Page<FindPage>(new FindPageModel(site, field, who, new FoundActor(found.Iri, found.DisplayName ?? found.Username ?? found.Iri, found.Handle,
                found.ActorType, ReportLinks.Safe(found.Url ?? found.Iri)), null, follow?.State));
        }
        catch (RemoteFetchException e)
        {
            return WebForms.Page<FindPage>(new FindPageModel(site, field, who, null, $"Nobody was found at {who}: {e.Message}", null), 404);
        }
    }
}
