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
        app.MapGet("/themes", ThemesAsync);
        app.MapGet("/themes/{theme}", ThemeAsync);
        app.MapGet("/network", NetworkAsync);
        app.MapGet("/@{username}", async (string username, string? before, HttpContext context, IAntiforgery antiforgery, ActorStore actors,
            FollowStore follows, ReportStore reports, ThemeGroupStore themeGroups, LocalUris uris, Pages pages) =>
        {
            if (!LibraryCursor.TryParse(before, out var cursor) && before is not null) return BadCursor();
            if (await actors.FindByUsernameAsync(username) is not { } actor) return HttpExchange.Error(404, $"there is no practitioner {username} here");
            // A theme's group has its theme's page.
            if (actor.ActorType == Protocol.Vocabulary.AsTypes.Group && await themeGroups.FindByActorAsync(actor.Id) is { } group)
                return Results.Redirect(ReportLinks.Theme(group.Current));
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

    /// <summary>At most this many themes in the directory.</summary>
    private const int ThemesListed = 500;

    /// <summary>The directory of themes, most followed first.</summary>
    private static async Task<IResult> ThemesAsync(HttpContext context, IAntiforgery antiforgery, ActorStore actors, FollowStore follows,
        ThemeGroupStore themeGroups, Pages pages)
    {
        var viewer = await WebForms.SignedInActorAsync(context, actors);
        var followed = viewer is null ? [] : (await follows.ListFollowingAsync(viewer.Id)).Select(f => f.OtherIri).ToHashSet(StringComparer.Ordinal);
        return pages.Themes(await themeGroups.ListAsync(ThemesListed), followed, viewer is null ? null : WebForms.Antiforgery(context, antiforgery));
    }

    /// <summary>
    /// A theme's page. A theme merged into another redirects there; a theme with neither a group nor a report is 404.
    /// </summary>
    private static async Task<IResult> ThemeAsync(string theme, string? before, HttpContext context, IAntiforgery antiforgery, ActorStore actors,
        FollowStore follows, ThemeGroupStore themeGroups, ReportStore reports, LocalUris uris, Pages pages)
    {
        if (!LibraryCursor.TryParse(before, out var cursor) && before is not null) return BadCursor();
        var name = Library.Themes.ThemeGroups.Normalise(theme);
        var group = await themeGroups.FindAsync(name);
        if (group?.MergedInto is { } into) return Results.Redirect(ReportLinks.Theme(into));
        var listed = await reports.ListByThemeAsync(name, Pages.PageSize + 1, cursor);
        if (group is null && listed.Count == 0 && cursor is null) return HttpExchange.Error(404, $"there is no theme #{name} in this library");
        var viewer = await WebForms.SignedInActorAsync(context, actors);
        var state = viewer is null || group is null ? ProfileFollowState.SignedOut
            : (await follows.FindFollowingAsync(viewer.Id, uris.Actor(group.Username)))?.State switch
            {
                FollowStates.Accepted => ProfileFollowState.Following,
                FollowStates.Pending => ProfileFollowState.Pending,
                _ => ProfileFollowState.NotFollowing,
            };
        var followers = group is null ? 0 : await themeGroups.FollowersAsync(group.ActorId);
        return pages.Theme(name, group, followers, listed, cursor is null, state,
            state == ProfileFollowState.NotFollowing ? WebForms.Antiforgery(context, antiforgery) : null);
    }

    /// <summary>At most this many libraries in each list of the network page.</summary>
    private const int NetworkListed = 200;

    /// <summary>The network page: this library, those it subscribes to (with what it holds of them), those that follow it.</summary>
    private static async Task<IResult> NetworkAsync(HttpContext context, IAntiforgery antiforgery, ActorStore actors, FollowStore follows,
        RemoteActorStore remoteActors, Library.LibrarySubscriptions subscriptions, Library.NodeSummaries summaries, LocalUris uris,
        Microsoft.Extensions.Options.IOptions<Configuration.NodeOptions> options)
    {
        var viewer = await WebForms.SignedInActorAsync(context, actors);
        var followed = viewer is null ? [] : (await follows.ListFollowingAsync(viewer.Id)).Select(f => f.OtherIri).ToHashSet(StringComparer.Ordinal);
        async Task<NetworkLibrary> Describe(string iri, string? state, int? reports, string? origin)
        {
            var remote = await remoteActors.FindAsync(iri);
            var host = Uri.TryCreate(iri, UriKind.Absolute, out var uri) ? uri.Authority : iri;
            return new NetworkLibrary(iri, remote?.DisplayName ?? remote?.Username ?? host, remote?.Handle ?? host, ReportLinks.Safe(remote?.Url ?? iri), state, reports,
                origin is null ? [] : await summaries.ThemesFromAsync(origin), followed.Contains(iri));
        }
        var subscribed = new List<NetworkLibrary>();
        foreach (var subscription in (await subscriptions.ListAsync()).Take(NetworkListed))
            subscribed.Add(await Describe(subscription.ActorIri, subscription.State, subscription.Records, subscription.Origin));
        var following = new List<NetworkLibrary>();
        if (await actors.FindByUsernameAsync(LocalUris.LibraryUsername) is { } library)
            foreach (var follower in await follows.ListFollowersAsync(library.Id, limit: NetworkListed * 4))
            {
                // Libraries (Camtree's Service actors, or groups), not the people who follow this library from Mastodon.
                if (await remoteActors.FindAsync(follower.OtherIri) is not { ActorType: "Service" or "Group" }) continue;
                following.Add(await Describe(follower.OtherIri, null, null, null));
                if (following.Count == NetworkListed) break;
            }
        return WebForms.Page<Components.NetworkPage>(new NetworkPageModel(new SiteModel(options.Value.NodeName), options.Value.NodeDescription,
            uris.Handle(LocalUris.LibraryUsername).ToString(), uris.Actor(LocalUris.LibraryUsername), await summaries.CurrentAsync(), subscribed, following,
            viewer is null ? null : WebForms.Antiforgery(context, antiforgery)));
    }

    private static IResult BadCursor() => HttpExchange.Error(400, "before is where a page ended, as the \"Older reports\" link gives it");
}
