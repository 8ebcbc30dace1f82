using Camtree.Node.Federation;
using Camtree.Node.Storage;
using Camtree.Node.Web.ViewModels;
using Microsoft.AspNetCore.Antiforgery;

namespace Camtree.Node.Web;

/// <summary>
/// Pages for people, a page of <see cref="Pages.PageSize"/> cards at a time (<c>?before=</c> continues).
/// (A report's own page is served at its IRI by <see cref="ObjectEndpoints"/>.)
/// </summary>
public static class WebEndpoints
{
    public static void MapWeb(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", async (string? before, ReportStore reports, Pages pages) =>
            LibraryCursor.TryParse(before, out var cursor) || before is null
                ? pages.Library(await reports.ListAsync(limit: Pages.PageSize + 1, before: cursor), await reports.CountLocalAsync(), cursor is null)
                : BadCursor());
        // A report's page (/library/{id}) is in ConnectEndpoints: it carries the comment, like and share forms.
        app.MapGet("/themes/{theme}", async (string theme, string? before, ReportStore reports, Pages pages) =>
            LibraryCursor.TryParse(before, out var cursor) || before is null
                ? pages.Theme(theme, await reports.ListByThemeAsync(theme, Pages.PageSize + 1, cursor), cursor is null)
                : BadCursor());
        app.MapGet("/@{username}", async (string username, string? before, HttpContext context, IAntiforgery antiforgery, ActorStore actors,
            FollowStore follows, ReportStore reports, LocalUris uris, Pages pages) =>
        {
            if (!LibraryCursor.TryParse(before, out var cursor) && before is not null) return BadCursor();
            if (await actors.FindByUsernameAsync(username) is not { } actor) return HttpExchange.Error(404, $"there is no practitioner {username} here");
            var viewer = await WebForms.SignedInActorAsync(context, actors);
            var state = viewer switch
            {
                null => ProfileFollowState.SignedOut,
                _ when viewer.Id == actor.Id => ProfileFollowState.Self,
                _ => (await follows.FindFollowingAsync(viewer.Id, uris.Actor(actor.Username)))?.State switch
                {
                    FollowStates.Accepted => ProfileFollowState.Following,
                    FollowStates.Pending => ProfileFollowState.Pending,
                    _ => ProfileFollowState.NotFollowing,
                },
            };
            return pages.Profile(actor, await reports.ListAsync(ReportOrigin.Local, actor.Id, Pages.PageSize + 1, cursor), cursor is null, state,
                state == ProfileFollowState.NotFollowing ? WebForms.Antiforgery(context, antiforgery) : null);
        });
    }

    private static IResult BadCursor() => HttpExchange.Error(400, "before is where a page ended, as the \"Older reports\" link gives it");
}
