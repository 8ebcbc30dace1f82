using Camtree.Protocol.Vocabulary;
using System.Security.Claims;
using Camtree.Node.Api;
using Camtree.Node.Configuration;
using Camtree.Node.Federation;
using Camtree.Node.Library;
using Camtree.Node.Library.Editor;
using Camtree.Node.Storage;
using Camtree.Node.Web.Components;
using Camtree.Node.Web.ViewModels;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Camtree.Node.Web;

/// <summary>
/// The guided report editor, for a signed-in practitioner, as one form that works without script: <b>Save draft</b>
/// keeps it on the server (leave and come back at <c>/drafts</c>), <b>Preview</b> shows it as readers will see it, and
/// <b>Publish</b> checks it (problems listed at the top, each linked to its field, every field keeping its value) and
/// publishes it as any report is published (signed, to followers and the library).
/// </summary>
public static class EditorEndpoints
{
    public static void MapEditor(this IEndpointRouteBuilder app)
    {
        var signedIn = app.MapGroup("").RequireAuthorization(AccountEndpoints.SignedIn);
        signedIn.MapGet("/write", (HttpContext context, IAntiforgery antiforgery, IOptions<NodeOptions> options) =>
            WebForms.Page<EditorPage>(new EditorPageModel(Site(options), WebForms.Antiforgery(context, antiforgery), null, new EditorFields(), [], null, null)));
        signedIn.MapGet("/drafts", async (ClaimsPrincipal user, IDraftStore drafts, IOptions<NodeOptions> options) =>
            WebForms.Page<DraftsPage>(new DraftsPageModel(Site(options),
                [.. (await drafts.ListAsync(BearerTokenAuthentication.ActorId(user))).Select(d => (d.Id, d.Fields.Title, d.UpdatedAt))])));
        signedIn.MapGet("/drafts/{id:long}", async (long id, string? saved, ClaimsPrincipal user, HttpContext context, IAntiforgery antiforgery,
            IDraftStore drafts, IOptions<NodeOptions> options) =>
            await drafts.FindAsync(id, BearerTokenAuthentication.ActorId(user)) is { } draft
                ? WebForms.Page<EditorPage>(new EditorPageModel(Site(options), WebForms.Antiforgery(context, antiforgery), draft.Id, draft.Fields, [],
                    saved is null ? null : $"Draft saved at {draft.UpdatedAt:HH:mm}. You can leave and come back to it from Your drafts.", null))
                : HttpExchange.Error(StatusCodes.Status404NotFound, "you have no such draft"));
        signedIn.MapPost("/write", WriteAsync);
        signedIn.MapGet("/reports/{slug}/edit", async (string slug, ClaimsPrincipal user, HttpContext context, IAntiforgery antiforgery,
            ReportStore reports, IOptions<NodeOptions> options) =>
            await OwnLiveReportAsync(reports, slug, BearerTokenAuthentication.ActorId(user)) is { } report
                ? WebForms.Page<EditorPage>(new EditorPageModel(Site(options), WebForms.Antiforgery(context, antiforgery), null, EditorFields.FromReport(report), [], null, null))
                : HttpExchange.Error(StatusCodes.Status404NotFound, "you have no such report (or it was withdrawn)"));

        // Versions in other languages: chosen on the report's page, written on their own page, sent as Update.
        signedIn.MapGet("/reports/{slug}/translate", (string slug, string? language) =>
            IsLanguageTag(language) ? Results.Redirect($"/reports/{slug}/translations/{language}")
                : HttpExchange.Error(StatusCodes.Status400BadRequest, "choose the language of the version (a BCP 47 tag such as es or pt-BR)"));
        signedIn.MapGet("/reports/{slug}/translations/{language}", async (string slug, string language, ClaimsPrincipal user, HttpContext context,
            IAntiforgery antiforgery, ReportStore reports, IOptions<NodeOptions> options) =>
        {
            if (!IsLanguageTag(language)) return HttpExchange.Error(StatusCodes.Status400BadRequest, "a version's language is a BCP 47 tag such as es or pt-BR");
            if (await OwnLiveReportAsync(reports, slug, BearerTokenAuthentication.ActorId(user)) is not { } report)
                return HttpExchange.Error(StatusCodes.Status404NotFound, "you have no such report (or it was withdrawn)");
            var existing = report.TranslationList.FirstOrDefault(t => string.Equals(t.Language, language, StringComparison.OrdinalIgnoreCase));
            return TranslationPage(context, antiforgery, options, report, language, TranslationFields.From(existing), existing is not null, []);
        });
        signedIn.MapPost("/reports/{slug}/translations/{language}", async (string slug, string language, IFormCollection form, ClaimsPrincipal user,
            HttpContext context, IAntiforgery antiforgery, ReportStore reports, ActorStore actors, ReportService service, IOptions<NodeOptions> options) =>
        {
            if (!IsLanguageTag(language)) return HttpExchange.Error(StatusCodes.Status400BadRequest, "a version's language is a BCP 47 tag such as es or pt-BR");
            var owner = BearerTokenAuthentication.ActorId(user);
            if (await OwnLiveReportAsync(reports, slug, owner) is not { } report)
                return HttpExchange.Error(StatusCodes.Status404NotFound, "you have no such report (or it was withdrawn)");
            if (await actors.FindAsync(owner) is not { } author) return Results.Redirect("/sign-in");
            if (form["action"] == "remove")
                return await service.RemoveTranslationAsync(author, report, language)
                    ? Results.Redirect($"/library/{report.Id}?done=translation-removed")
                    : HttpExchange.Error(StatusCodes.Status404NotFound, $"the report has no version in {language}");
            var fields = TranslationFields.FromForm(form);
            var version = fields.ToDraft(language);
            if (service.ValidateTranslation(report, version) is { Count: > 0 } problems)
                return TranslationPage(context, antiforgery, options, report, language, fields,
                    report.TranslationList.Any(t => string.Equals(t.Language, language, StringComparison.OrdinalIgnoreCase)), Errors(problems),
                    StatusCodes.Status400BadRequest);
            await service.SetTranslationAsync(author, report, version);
            return Results.Redirect($"/library/{report.Id}?lang={Uri.EscapeDataString(language)}&done=translation");
        });

        // A draft's versions: kept with the draft, published with it.
        signedIn.MapGet("/drafts/{id:long}/translations/{language}", async (long id, string language, ClaimsPrincipal user, HttpContext context,
            IAntiforgery antiforgery, IDraftStore drafts, IOptions<NodeOptions> options) =>
        {
            if (!IsLanguageTag(language)) return HttpExchange.Error(StatusCodes.Status400BadRequest, "a version's language is a BCP 47 tag such as es or pt-BR");
            if (await drafts.FindAsync(id, BearerTokenAuthentication.ActorId(user)) is not { } draft)
                return HttpExchange.Error(StatusCodes.Status404NotFound, "you have no such draft");
            var existing = draft.Fields.Translations.FirstOrDefault(t => string.Equals(t.Language, language, StringComparison.OrdinalIgnoreCase));
            return TranslationPage(context, antiforgery, options, draft.Fields.Title, $"/drafts/{id}", $"/drafts/{id}/translations/{language}", language,
                TranslationFields.From(existing), existing is not null, []);
        });
        signedIn.MapPost("/drafts/{id:long}/translations/{language}", async (long id, string language, IFormCollection form, ClaimsPrincipal user,
            HttpContext context, IAntiforgery antiforgery, IDraftStore drafts, ReportService service, IOptions<NodeOptions> options) =>
        {
            if (!IsLanguageTag(language)) return HttpExchange.Error(StatusCodes.Status400BadRequest, "a version's language is a BCP 47 tag such as es or pt-BR");
            var owner = BearerTokenAuthentication.ActorId(user);
            if (await drafts.FindAsync(id, owner) is not { } draft) return HttpExchange.Error(StatusCodes.Status404NotFound, "you have no such draft");
            var others = draft.Fields.Translations.Where(t => !string.Equals(t.Language, language, StringComparison.OrdinalIgnoreCase)).ToList();
            if (form["action"] == "remove")
            {
                if (others.Count == draft.Fields.Translations.Count) return HttpExchange.Error(StatusCodes.Status404NotFound, $"the draft has no version in {language}");
                await drafts.UpdateAsync(id, owner, draft.Fields with { Translations = others });
                return Results.Redirect($"/drafts/{id}?saved=1");
            }
            var fields = TranslationFields.FromForm(form);
            var version = fields.ToDraft(language);
            if (service.ValidateVersion(draft.Fields.Language, [.. others.Select(t => t.Language)], version) is { Count: > 0 } problems)
                return TranslationPage(context, antiforgery, options, draft.Fields.Title, $"/drafts/{id}", $"/drafts/{id}/translations/{language}", language,
                    fields, others.Count < draft.Fields.Translations.Count, Errors(problems), StatusCodes.Status400BadRequest);
            await drafts.UpdateAsync(id, owner, draft.Fields with { Translations = [.. others, version] });
            return Results.Redirect($"/drafts/{id}?saved=1");
        });
    }

    private static IResult TranslationPage(HttpContext context, IAntiforgery antiforgery, IOptions<NodeOptions> options, ReportRow report, string language,
        TranslationFields fields, bool exists, IReadOnlyList<FieldError> errors, int status = StatusCodes.Status200OK) =>
        TranslationPage(context, antiforgery, options, report.Title, $"/library/{report.Id}", $"/reports/{report.LocalSlug}/translations/{language}",
            language, fields, exists, errors, status);

    private static IResult TranslationPage(HttpContext context, IAntiforgery antiforgery, IOptions<NodeOptions> options, string title, string back,
        string action, string language, TranslationFields fields, bool exists, IReadOnlyList<FieldError> errors, int status = StatusCodes.Status200OK) =>
        WebForms.Page<TranslationPage>(new TranslationPageModel(Site(options), WebForms.Antiforgery(context, antiforgery), string.IsNullOrWhiteSpace(title) ? "—" : title,
            back, action, language, Library.Search.FacetLabels.Label("language", language, System.Globalization.CultureInfo.CurrentUICulture), fields, exists, errors),
            status);

    private static bool IsLanguageTag(string? tag) =>
        LanguageTags.IsWellFormed(tag) && char.IsAsciiLetter(tag![0]); // a letter first: the tag is a path segment of the version's page

    private static async Task<IResult> WriteAsync(IFormCollection form, ClaimsPrincipal user, HttpContext context, IAntiforgery antiforgery,
        IDraftStore drafts, ActorStore actors, ReportService service, ReportStore reports, IOptions<NodeOptions> options, TimeProvider time)
    {
        var owner = BearerTokenAuthentication.ActorId(user);
        var fields = EditorFields.FromForm(form);
        long? draftId = long.TryParse(form["draftId"], out var id) ? id : null;
        // A draft id names one of this practitioner's drafts, or nothing: another's draft is not found, never written.
        if (draftId is { } existing)
        {
            if (await drafts.FindAsync(existing, owner) is not { } stored) return HttpExchange.Error(StatusCodes.Status404NotFound, "you have no such draft");
            // The versions in other languages are written on their own page: the editor's form does not carry them.
            fields = fields with { Translations = stored.Fields.Translations };
        }
        var action = form["action"].ToString();
        // An edit names one of this practitioner's live reports, or it is refused before anything is saved.
        ReportRow? editing = null;
        if (fields.ReportSlug is { } slug && (editing = await OwnLiveReportAsync(reports, slug, owner)) is null)
            return HttpExchange.Error(StatusCodes.Status404NotFound, "you have no such report (or it was withdrawn)");

        if (action == "publish")
        {
            var draft = fields.ToDraft();
            var problems = service.Validate(draft);
            if (problems.Count > 0)
                return WebForms.Page<EditorPage>(new EditorPageModel(Site(options), WebForms.Antiforgery(context, antiforgery), draftId, fields, Errors(problems), null, null), StatusCodes.Status400BadRequest);
            if (await actors.FindAsync(owner) is not { } author) return Results.Redirect("/sign-in");
            // An edit keeps the report's IRI and sends Update; a new one is published and sends Create.
            var published = editing is null ? await service.PublishAsync(author, draft, draftId) : await service.EditAsync(author, editing, draft);
            if (draftId is { } done) await drafts.DeleteAsync(done, owner);
            return Results.Redirect($"/library/{published.Id}");
        }

        // Save (and Preview, which saves too: what is previewed is never lost).
        if (draftId is { } saved) await drafts.UpdateAsync(saved, owner, fields);
        else draftId = await drafts.CreateAsync(owner, fields);
        // The script's autosave: the draft's id (for the next saves) and when, in the reader's clock format.
        if (action == "autosave")
            return Results.Json(new { draftId, savedAt = time.GetLocalNow().ToString("t", System.Globalization.CultureInfo.CurrentCulture) });
        // Saved first, then to the page for a version or for files: nothing typed is lost on the way. An edit of a
        // published report has them on the report itself.
        if (action == "translate")
            return IsLanguageTag(form["translateTo"]) ? Results.Redirect(editing is null ? $"/drafts/{draftId}/translations/{form["translateTo"]}"
                    : $"/reports/{editing.LocalSlug}/translations/{form["translateTo"]}")
                : HttpExchange.Error(StatusCodes.Status400BadRequest, "choose the language of the version (a BCP 47 tag such as es or pt-BR)");
        if (action == "files") return Results.Redirect(editing is null ? $"/drafts/{draftId}/files" : $"/reports/{editing.LocalSlug}/files");
        if (action != "preview") return Results.Redirect($"/drafts/{draftId}?saved=1");
        var preview = fields.ToDraft();
        return WebForms.Page<EditorPage>(new EditorPageModel(Site(options), WebForms.Antiforgery(context, antiforgery), draftId, fields, Errors(service.Validate(preview)), "Draft saved.",
            new EditorPreview(string.IsNullOrWhiteSpace(preview.Title) ? "Untitled" : preview.Title, preview.Language,
                ReportRendering.AbstractHtml(preview.Language, preview.ResearchContext, preview.Aims, preview.Methods, preview.Findings),
                ReportRendering.MarkdownToHtml(preview.Body))));
    }

    private static async Task<ReportRow?> OwnLiveReportAsync(ReportStore reports, string slug, long owner) =>
        await reports.FindBySlugAsync(slug) is { DeletedAt: null } report && report.LocalAuthorId == owner ? report : null;

    /// <summary>The checks' problems as the form lists them; the body's belong to its first section.</summary>
    private static List<FieldError> Errors(Dictionary<string, string[]> problems) =>
        [.. problems.SelectMany(p => p.Value.Select(message => new FieldError(p.Key == "body" ? ReportTemplate.Sections[0].Field : p.Key, message)))];

    private static SiteModel Site(IOptions<NodeOptions> options) => new(options.Value.NodeName);
}
