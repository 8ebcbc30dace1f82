using Camtree.Node.Storage;

namespace Camtree.Node.Web;

/// <summary>Pages for people. (A report's own page is served at its IRI by <see cref="Federation.ObjectEndpoints"/>.)</summary>
public static class WebEndpoints
{
    public static void MapWeb(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", async (ReportStore reports, Pages pages) =>
            pages.Library(await reports.ListAsync(limit: 100), await reports.CountLocalAsync()));
        app.MapGet("/library/{id:long}", async (long id, ReportStore reports, InteractionStore interactions, Pages pages) =>
            await reports.FindAsync(id) is { } report ? await pages.ReportAsync(report, interactions) : Results.NotFound());
        app.MapGet("/themes/{theme}", async (string theme, ReportStore reports, Pages pages) =>
            pages.Theme(theme, await reports.ListByThemeAsync(theme)));
        app.MapGet("/@{username}", async (string username, ActorStore actors, ReportStore reports, Pages pages) =>
            await actors.FindByUsernameAsync(username) is { } actor
                ? pages.Profile(actor, await reports.ListAsync(ReportOrigin.Local, actor.Id))
                : Results.NotFound());
    }
}
