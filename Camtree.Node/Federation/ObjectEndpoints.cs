using System.Text.Json.Nodes;
using Camtree.Node.Storage;
using Camtree.Node.Web;
using Camtree.Protocol.JsonLd;

namespace Camtree.Node.Federation;

/// <summary>
/// Reports (as <c>Article</c>, or as a page for browsers; a deleted one as a <c>Tombstone</c> with 410), their
/// replies, likes and shares collections, comments written here (as <c>Note</c>), public activities, and the
/// Camtree context document.
/// </summary>
public static class ObjectEndpoints
{
    public static void MapObjects(this IEndpointRouteBuilder app)
    {
        app.MapGet("/reports/{slug}", ReportAsync).RequireSignedFetch(negotiated: true);
        app.MapGet("/reports/{slug}/replies", async (string slug, string? page, ReportStore reports, InteractionStore interactions) =>
            await reports.FindBySlugAsync(slug) is { DeletedAt: null } report
                ? HttpExchange.Collection(report.Iri + "/replies", page, (await interactions.CommentsOnAsync(report.Iri)).Select(c => c.Iri).ToList())
                : HttpExchange.Error(404, "no such report")).RequireSignedFetch();
        app.MapGet("/reports/{slug}/likes", (string slug, string? page, ReportStore reports, InteractionStore interactions) =>
            InteractionsAsync(slug, "likes", InteractionKinds.Like, page, reports, interactions)).RequireSignedFetch();
        app.MapGet("/reports/{slug}/shares", (string slug, string? page, ReportStore reports, InteractionStore interactions) =>
            InteractionsAsync(slug, "shares", InteractionKinds.Share, page, reports, interactions)).RequireSignedFetch();
        app.MapGet("/notes/{id}", NoteAsync).RequireSignedFetch();
        app.MapGet("/activities/{id}", ActivityAsync).RequireSignedFetch();
        app.MapGet("/ns/camtree/v1", () =>
            Results.Text(CamtreeContext.ContextDocument().ToJsonString(ActivityJson.Options), "application/ld+json; charset=utf-8"));
    }

    private static async Task<IResult> ReportAsync(string slug, HttpRequest request, ReportStore reports, ActorStore actors, InteractionStore interactions,
        DocumentBuilder documents, ObjectProofs proofs, Pages pages)
    {
        if (await reports.FindBySlugAsync(slug) is not { } report || await actors.FindAsync(report.LocalAuthorId!.Value) is not { } author)
            return HttpExchange.Error(404, "no such report");
        var wantsActivityPub = HttpExchange.WantsActivityPub(request);
        if (report.DeletedAt is { } deleted)
        {
            return wantsActivityPub
                ? HttpExchange.ActivityPub(documents.Tombstone(report.Iri, deleted), StatusCodes.Status410Gone)
                : pages.Gone(report);
        }
        return wantsActivityPub
            ? HttpExchange.ActivityPub(await proofs.ReportAsync(report, author))
            : await pages.ReportAsync(report, interactions, language: request.Query["lang"].ToString());
    }

    private static async Task<IResult> InteractionsAsync(string slug, string name, string kind, string? page, ReportStore reports, InteractionStore interactions) =>
        await reports.FindBySlugAsync(slug) is { DeletedAt: null } report
            ? HttpExchange.Collection($"{report.Iri}/{name}", page, await interactions.ActivitiesAsync(kind, report.Iri))
            : HttpExchange.Error(404, "no such report");

    /// <summary>A comment written here, exactly as its Create carried it (addressing and mentions included).</summary>
    private static async Task<IResult> NoteAsync(string id, InteractionStore interactions, OutboxStore outbox, LocalUris uris)
    {
        if (await interactions.FindCommentAsync(uris.Note(id)) is not { } comment || await outbox.FindCreateOfAsync(comment.Iri) is not { } create)
            return HttpExchange.Error(404, "no such note");
        if (comment.DeletedAt is { } deleted)
            return HttpExchange.ActivityPub(new Protocol.Vocabulary.Tombstone(comment.Iri, Protocol.Vocabulary.AsTypes.Note, deleted), StatusCodes.Status410Gone);
        var sent = JsonNode.Parse(create.Json)!.AsObject();
        var note = sent["object"]!.AsObject();
        sent.Remove("object");
        var document = new JsonObject { ["@context"] = sent["@context"]!.DeepClone() };
        foreach (var (key, value) in note.ToList())
        {
            note.Remove(key);
            document[key] = value;
        }
        return HttpExchange.ActivityPub(document);
    }

    private static async Task<IResult> ActivityAsync(string id, OutboxStore outbox, LocalUris uris)
    {
        // Only public activities are served; follows and their answers concern two actors only.
        if (await outbox.FindAsync(uris.Activity(id)) is not { IsPublic: true } entry) return HttpExchange.Error(404, "no such activity");
        return HttpExchange.ActivityPub(JsonNode.Parse(entry.Json)!.AsObject());
    }
}
