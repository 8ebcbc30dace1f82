using System.Security.Claims;
using Camtree.Node.Api;
using Camtree.Node.Configuration;
using Camtree.Node.Federation;
using Camtree.Node.Library;
using Camtree.Node.Storage;
using Camtree.Node.Web.Components;
using Camtree.Node.Web.ViewModels;
using Camtree.Protocol.Vocabulary;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Camtree.Node.Web;

/// <summary>
/// Files that travel with a report: its author adds and removes them on the report's files page (a form that works
/// without script), each change sent as <c>Update</c>; anyone reads them at <c>/attachments/{id}/{name}</c> while the
/// report is live. Uploads are bounded (<c>Camtree:Limits:AttachmentBytes</c>) and told by their content.
/// </summary>
public static class AttachmentEndpoints
{
    /// <summary>What the files page is about: a published report (changes send Update) or a draft (private until published).</summary>
    private sealed record FilesOf(AttachmentHolder Holder, string Title, string BackHref, string BasePath, ReportRow? Report);

    public static void MapAttachments(this IEndpointRouteBuilder app)
    {
        var signedIn = app.MapGroup("").RequireAuthorization(AccountEndpoints.SignedIn);
        // A published report's files, and a draft's: the same page and rules, found by whose they are.
        MapFiles(signedIn, "/reports/{key}/files", async (key, user, services) =>
            await services.GetRequiredService<ReportStore>().FindBySlugAsync(key) is { DeletedAt: null } report
            && report.LocalAuthorId == BearerTokenAuthentication.ActorId(user)
                ? new FilesOf(AttachmentHolder.Report(report.Id), report.Title, $"/library/{report.Id}", $"/reports/{key}/files", report) : null);
        MapFiles(signedIn, "/drafts/{key}/files", async (key, user, services) =>
            long.TryParse(key, out var id) && await services.GetRequiredService<IDraftStore>().FindAsync(id, BearerTokenAuthentication.ActorId(user)) is { } draft
                ? new FilesOf(AttachmentHolder.Draft(id), string.IsNullOrWhiteSpace(draft.Fields.Title) ? "—" : draft.Fields.Title, $"/drafts/{id}",
                    $"/drafts/{id}/files", null) : null);

        // Anyone reads a live report's files; a withdrawn report's are gone with it; a draft's are its author's only.
        app.MapGet("/attachments/{publicId}/{fileName}", async (string publicId, string fileName, HttpContext context, IAttachmentStore attachments,
            ReportStore reports, ActorStore actors) =>
        {
            if (await attachments.FindAsync(publicId) is not { } attachment || attachment.FileName != fileName)
                return HttpExchange.Error(StatusCodes.Status404NotFound, "there is no such file here");
            if (attachment.DraftId is not null)
            {
                if ((await WebForms.SignedInActorAsync(context, actors))?.Id != attachment.OwnerActorId)
                    return HttpExchange.Error(StatusCodes.Status404NotFound, "there is no such file here");
                context.Response.Headers.CacheControl = "private, no-store";
            }
            else if (await reports.FindAsync(attachment.ReportId!.Value) is not { DeletedAt: null })
                return HttpExchange.Error(StatusCodes.Status410Gone, "the report this file belonged to was withdrawn");
            // The file at this address never changes (a new file gets a new address).
            else context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
            // Whatever a file holds, it runs nothing: no script, no plugins, no forms, even opened on its own.
            context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox";
            return Results.Stream(attachments.Open(attachment), attachment.MediaType, fileName, enableRangeProcessing: true);
        });
    }

    private static void MapFiles(RouteGroupBuilder group, string pattern, Func<string, ClaimsPrincipal, IServiceProvider, Task<FilesOf?>> find)
    {
        group.MapGet(pattern, async (string key, string? done, ClaimsPrincipal user, HttpContext context, IAntiforgery antiforgery,
            IAttachmentStore attachments, IOptions<NodeOptions> options) =>
            await find(key, user, context.RequestServices) is { } of
                ? await FilesPageAsync(context, antiforgery, options, attachments, of, [],
                    done == "added" ? of.Report is null ? "File attached: it goes with the report when you publish it." : "File attached: followers' servers are sent the update."
                    : done == "removed" ? "File removed." : null)
                : NotFound());
        group.MapPost(pattern, async (string key, ClaimsPrincipal user, HttpContext context, IAntiforgery antiforgery, ActorStore actors,
            IAttachmentStore attachments, ReportService service, IOptions<NodeOptions> options) =>
        {
            // A file is larger than any other form: this request alone may bring one, plus the form around it.
            var limit = options.Value.Limits.AttachmentBytes;
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limit + 64 * 1024;
            if (context.Request.ContentLength > limit + 64 * 1024) return HttpExchange.Error(StatusCodes.Status413PayloadTooLarge, $"a file is at most {limit / (1024 * 1024)} MB");
            if (!context.Request.HasFormContentType) return HttpExchange.Error(StatusCodes.Status415UnsupportedMediaType, "send the file as the form sends it (multipart/form-data)");
            IFormCollection form;
            try { form = await context.Request.ReadFormAsync(); }
            catch (Exception e) when (e is BadHttpRequestException or InvalidDataException or IOException)
            {
                return HttpExchange.Error(StatusCodes.Status400BadRequest, "the form could not be read: it was cut off, or is larger than a file may be");
            }
            if (!await antiforgery.IsRequestValidAsync(context)) return WebForms.BadForm();
            if (await find(key, user, context.RequestServices) is not { } of) return NotFound();
            if (await actors.FindAsync(BearerTokenAuthentication.ActorId(user)) is not { } author) return Results.Redirect("/sign-in");
            var file = form.Files.GetFile("file");
            var description = form["description"].ToString();
            try
            {
                var content = file is null ? ReadOnlyMemory<byte>.Empty : await ReadBoundedAsync(file, limit);
                if (of.Report is { } report) await service.AttachAsync(author, report, file?.FileName, description, content);
                else await service.AttachToDraftAsync(author, of.Holder.DraftId!.Value, file?.FileName, description, content);
                return Results.Redirect($"{of.BasePath}?done=added");
            }
            catch (ArgumentException e)
            {
                var (field, message) = e.Message.Split(": ", 2) is [var f, var m] ? (f, m) : ("file", e.Message);
                return await FilesPageAsync(context, antiforgery, options, attachments, of, [new FieldError(field, message)], null, description,
                    message.StartsWith("a file is at most", StringComparison.Ordinal) ? StatusCodes.Status413PayloadTooLarge
                    : field == "file" && message.Contains("none of them", StringComparison.Ordinal) ? StatusCodes.Status415UnsupportedMediaType
                    : StatusCodes.Status400BadRequest);
            }
        });
        group.MapPost(pattern + "/{publicId}/remove", async (string key, string publicId, ClaimsPrincipal user, HttpContext context,
            IAntiforgery antiforgery, ActorStore actors, IAttachmentStore attachments, ReportService service) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context)) return WebForms.BadForm();
            if (await find(key, user, context.RequestServices) is not { } of) return NotFound();
            if (await actors.FindAsync(BearerTokenAuthentication.ActorId(user)) is not { } author) return Results.Redirect("/sign-in");
            var removed = of.Report is { } report ? await service.DetachAsync(author, report, publicId) : await attachments.RemoveAsync(publicId, of.Holder);
            return removed ? Results.Redirect($"{of.BasePath}?done=removed") : HttpExchange.Error(StatusCodes.Status404NotFound, "there is no such file here");
        });
    }

    /// <summary>The upload, read into memory up to the limit: a larger one (whatever its Content-Length said) is refused, not truncated.</summary>
    private static async Task<ReadOnlyMemory<byte>> ReadBoundedAsync(IFormFile file, int limit)
    {
        if (file.Length > limit) throw new ArgumentException($"file: a file is at most {limit / (1024 * 1024)} MB");
        await using var stream = file.OpenReadStream();
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk)) > 0)
        {
            if (buffer.Length + read > limit) throw new ArgumentException($"file: a file is at most {limit / (1024 * 1024)} MB");
            buffer.Write(chunk, 0, read);
        }
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    private static async Task<IResult> FilesPageAsync(HttpContext context, IAntiforgery antiforgery, IOptions<NodeOptions> options, IAttachmentStore attachments,
        FilesOf of, IReadOnlyList<FieldError> errors, string? notice, string description = "", int status = StatusCodes.Status200OK) =>
        WebForms.Page<FilesPage>(new FilesPageModel(new SiteModel(options.Value.NodeName), WebForms.Antiforgery(context, antiforgery), of.BackHref, of.BasePath,
            of.Title, [.. (await attachments.ForAsync(of.Holder)).Select(a => new FileRow(a.PublicId, $"/attachments/{a.PublicId}/{Uri.EscapeDataString(a.FileName)}",
                a.FileName, a.Description, a.MediaType, a.Size))],
            options.Value.Limits.AttachmentBytes, options.Value.Limits.Report.Attachments, errors, notice, description), status);

    private static IResult NotFound() => HttpExchange.Error(StatusCodes.Status404NotFound, "you have no such report or draft (or it was withdrawn)");
}
