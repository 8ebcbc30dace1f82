using System.Text.Json.Nodes;
using Camtree.Node.Storage;
using Camtree.Node.Web;
using Camtree.Protocol.JsonLd;

namespace Camtree.Node.Federation;

/// <summary>Reports (as <c>Article</c>, or as a page for browsers), public activities, and the Camtree context document.</summary>
public static class ObjectEndpoints
{
    public static void MapObjects(this IEndpointRouteBuilder app)
    {
        app.MapGet("/reports/{slug}", ReportAsync);
        app.MapGet("/activities/{id}", ActivityAsync);
        app.MapGet("/ns/camtree/v1", () =>
            Results.Text(CamtreeContext.ContextDocument().ToJsonString(ActivityJson.Options), "application/ld+json; charset=utf-8"));
    }

    private static async Task<IResult> ReportAsync(string slug, HttpRequest request, ReportStore reports, ActorStore actors, DocumentBuilder documents, Pages pages)
    {
        if (await reports.FindBySlugAsync(slug) is not { } report || await actors.FindAsync(report.LocalAuthorId!.Value) is not { } author)
            return HttpExchange.Error(404, "no such report");
        return HttpExchange.WantsActivityPub(request)
            ? HttpExchange.ActivityPub(documents.Report(report, author))
            : pages.Report(report);
    }

    private static async Task<IResult> ActivityAsync(string id, OutboxStore outbox, LocalUris uris)
    {
        // Only public activities are served; follows and their answers concern two actors only.
        if (await outbox.FindAsync(uris.Activity(id)) is not { IsPublic: true } entry) return HttpExchange.Error(404, "no such activity");
        return HttpExchange.ActivityPub(JsonNode.Parse(entry.Json)!.AsObject());
    }
}
