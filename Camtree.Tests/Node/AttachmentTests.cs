using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Camtree.Node.Accounts;
using Camtree.Node.Storage;
using Camtree.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Camtree.Tests.Node;

/// <summary>
/// Files that travel with a report, across two real nodes: uploaded on A from the report's files page (multipart, as a
/// browser sends it), told by their content, served by A under a sandboxing CSP, listed in the Article as AS2
/// <c>Document</c>s and linked (never shown from elsewhere) on B's page. Every refusal stores nothing.
/// </summary>
public sealed class AttachmentTests : IAsyncLifetime
{
    private TestNode _a = null!;
    private TestNode _b = null!;

    /// <summary>A real 1×1 PNG (signature, IHDR, IDAT, IEND).</summary>
    internal static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
    private static readonly byte[] Pdf = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"u8.ToArray();

    public async Task InitializeAsync()
    {
        var nodes = await Task.WhenAll(
            TestNode.StartAsync("files-a", settings: new Dictionary<string, string?> { ["Camtree:Limits:AttachmentBytes"] = "65536", ["Camtree:Limits:Report:Attachments"] = "2" }),
            TestNode.StartAsync("files-b"));
        (_a, _b) = (nodes[0], nodes[1]);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    private async Task<ReportRow> PublishAsync(Practitioner author, string title)
    {
        using (var published = await author.Api.PostAsJsonAsync("/api/v1/reports", new { title, language = "en", findings = "Sooner feedback." }))
            Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        return (await _a.Get<ReportStore>().ListAsync(ReportOrigin.Local, author.Actor.Id, limit: 1)).Single();
    }

    [Fact]
    public async Task An_image_and_a_PDF_travel_with_the_report_and_are_served_by_their_node_only()
    {
        var ana = await _a.AddPractitionerAsync("ana", "Ana Rojas");
        var reader = await _b.AddPractitionerAsync("bea", "Bea Santos");
        using (var follow = await reader.Api.PostAsJsonAsync("/api/v1/follows", new { target = ana.Handle })) Assert.True(follow.IsSuccessStatusCode);
        await Eventually.TrueAsync(async () => (await _a.Get<FollowStore>().ListFollowersAsync(ana.Actor.Id)).Any(), "B's follow");
        var report = await PublishAsync(ana, "Exit tickets in Year 4");
        using var browser = await _a.SignInAsync("ana");
        var files = $"/reports/{report.LocalSlug}/files";
        Assert.Contains($"href=\"{files}\"", await browser.PageAsync($"/library/{report.Id}"));

        // Named .txt and sent as text: what it is comes from its bytes.
        using (var image = await browser.UploadAsync(files, files, new Dictionary<string, string> { ["description"] = "An exit ticket: three questions, answered in pencil" },
                   "exit ticket (scan).txt", Png, "text/plain"))
            Assert.Equal($"{files}?done=added", image.Headers.Location!.OriginalString);
        using (var pdf = await browser.UploadAsync(files, files, new Dictionary<string, string> { ["description"] = "The question sheet" }, "sheet.pdf", Pdf))
            Assert.Equal(HttpStatusCode.Redirect, pdf.StatusCode);
        using (var third = await browser.UploadAsync($"/library/{report.Id}", files, new Dictionary<string, string> { ["description"] = "One more" }, "more.pdf", Pdf))
        {
            Assert.Equal(HttpStatusCode.BadRequest, third.StatusCode);
            Assert.Contains("a report carries at most 2 files", await third.Content.ReadAsStringAsync());
        }

        var attachments = (await _a.ActivityPubAsync(report.Iri)).GetProperty("attachment").EnumerateArray().ToList();
        Assert.Equal(2, attachments.Count);
        Assert.Equal("Document", attachments[0].GetProperty("type").GetString());
        Assert.Equal("image/png", attachments[0].GetProperty("mediaType").GetString());
        Assert.Equal("An exit ticket: three questions, answered in pencil", attachments[0].GetProperty("name").GetString());
        var imageUrl = attachments[0].GetProperty("url").GetString()!;
        Assert.StartsWith($"{_a.BaseUrl}/attachments/", imageUrl);
        Assert.EndsWith("/exit-ticket--scan.png", imageUrl);
        Assert.Equal("application/pdf", attachments[1].GetProperty("mediaType").GetString());

        using (var served = await _a.Http.GetAsync(imageUrl))
        {
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            Assert.Equal("image/png", served.Content.Headers.ContentType!.MediaType);
            Assert.Equal(Png, await served.Content.ReadAsByteArrayAsync());
            Assert.Contains("sandbox", served.Headers.GetValues("Content-Security-Policy").Single());
            Assert.Equal("nosniff", served.Headers.GetValues("X-Content-Type-Options").Single());
        }
        using (var wrongName = await _a.Http.GetAsync(imageUrl[..imageUrl.LastIndexOf('/')] + "/other.png")) Assert.Equal(HttpStatusCode.NotFound, wrongName.StatusCode);
        var page = await _a.Http.GetStringAsync($"/library/{report.Id}");
        Assert.Contains($"<img src=\"{imageUrl[_a.BaseUrl.Length..]}\" alt=\"An exit ticket: three questions, answered in pencil\" />", page);

        // B holds the list and links to A's files, never showing them from there.
        var copy = await Eventually.GetAsync(async () => await _b.Get<ReportStore>().FindByIriAsync(report.Iri) is { } r && r.AttachmentList.Count == 2 ? r : null,
            "the Update with the files to reach B");
        var onB = await _b.Http.GetStringAsync($"/library/{copy.Id}");
        Assert.Contains($"<a href=\"{imageUrl}\" rel=\"nofollow noopener noreferrer\"", onB);
        Assert.DoesNotContain("<img src=\"http", onB);

        // Removing one sends an Update without it; withdrawing the report takes the rest with it.
        var pdfId = attachments[1].GetProperty("url").GetString()!.Split('/')[^2];
        using (var removed = await browser.SubmitAsync(files, $"{files}/{pdfId}/remove", new Dictionary<string, string>()))
            Assert.Equal($"{files}?done=removed", removed.Headers.Location!.OriginalString);
        Assert.Single((await _a.ActivityPubAsync(report.Iri)).GetProperty("attachment").EnumerateArray());
        await Eventually.TrueAsync(async () => (await _b.Get<ReportStore>().FindByIriAsync(report.Iri))!.AttachmentList.Count == 1, "the removal to reach B");
        using (var withdraw = await ana.Api.DeleteAsync($"/api/v1/reports/{report.LocalSlug}")) Assert.True(withdraw.IsSuccessStatusCode);
        using (var gone = await _a.Http.GetAsync(imageUrl)) Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
    }

    [Fact]
    public async Task A_drafts_file_and_version_stay_its_authors_until_it_is_published_and_then_travel_with_its_Create()
    {
        var ana = await _a.AddPractitionerAsync("ana", "Ana Rojas");
        await _a.AddPractitionerAsync("caio", "Caio Lima");
        var reader = await _b.AddPractitionerAsync("bea", "Bea Santos");
        using (var follow = await reader.Api.PostAsJsonAsync("/api/v1/follows", new { target = ana.Handle })) Assert.True(follow.IsSuccessStatusCode);
        await Eventually.TrueAsync(async () => (await _a.Get<FollowStore>().ListFollowersAsync(ana.Actor.Id)).Any(), "B's follow");
        using var browser = await _a.SignInAsync("ana");
        var draft = new Dictionary<string, string> { ["title"] = "Exit tickets in Year 4", ["language"] = "en", ["findings"] = "Sooner feedback." };

        // "Attach files" saves the draft first, then opens its files page.
        using var toFiles = await browser.SubmitAsync("/write", "/write", new Dictionary<string, string>(draft) { ["action"] = "files" });
        var files = toFiles.Headers.Location!.OriginalString;
        Assert.Matches("^/drafts/[0-9]+/files$", files);
        var draftPath = files[..^"/files".Length];
        using (var image = await browser.UploadAsync(files, files, new Dictionary<string, string> { ["description"] = "An exit ticket" }, "ticket.png", Png, "image/png"))
            Assert.Equal($"{files}?done=added", image.Headers.Location!.OriginalString);
        var fileHref = System.Text.RegularExpressions.Regex.Match(await browser.PageAsync(files), "href=\"(/attachments/[^\"]+)\"").Groups[1].Value;
        using (var own = await browser.GetAsync(fileHref)) Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        using (var visitor = await _a.Http.GetAsync(fileHref)) Assert.Equal(HttpStatusCode.NotFound, visitor.StatusCode); // not published yet
        using var caio = await _a.SignInAsync("caio");
        using (var other = await caio.GetAsync(fileHref)) Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        using (var notHis = await caio.GetAsync(files)) Assert.Equal(HttpStatusCode.NotFound, notHis.StatusCode);

        // "Write this version" saves the draft too; the version waits in the draft, and the form keeps it.
        var draftId = draftPath.Split('/')[^1];
        using (var toVersion = await browser.SubmitAsync(draftPath, "/write", new Dictionary<string, string>(draft) { ["action"] = "translate", ["translateTo"] = "es", ["draftId"] = draftId }))
            Assert.Equal($"{draftPath}/translations/es", toVersion.Headers.Location!.OriginalString);
        using (var version = await browser.SubmitAsync($"{draftPath}/translations/es", $"{draftPath}/translations/es",
                   new Dictionary<string, string> { ["title"] = "Boletos de salida", ["findings"] = "Retroalimentación antes." }))
            Assert.Equal($"{draftPath}?saved=1", version.Headers.Location!.OriginalString);
        using (var saved = await browser.SubmitAsync(draftPath, "/write", new Dictionary<string, string>(draft) { ["action"] = "save", ["draftId"] = draftId }))
            Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Contains(">Boletos de salida</a>", await browser.PageAsync(draftPath));
        using (var wrongLanguage = await browser.SubmitAsync($"{draftPath}/translations/en", $"{draftPath}/translations/en",
                   new Dictionary<string, string> { ["title"] = "Same language", ["findings"] = "x" }))
            Assert.Equal(HttpStatusCode.BadRequest, wrongLanguage.StatusCode);

        // Published: the Create carries the version and the file, the file is public, and the draft is gone.
        using (var published = await browser.SubmitAsync(draftPath, "/write", new Dictionary<string, string>(draft) { ["action"] = "publish", ["draftId"] = draftId }))
            Assert.StartsWith("/library/", published.Headers.Location!.OriginalString);
        var report = (await _a.Get<ReportStore>().ListAsync(ReportOrigin.Local, ana.Actor.Id, limit: 1)).Single();
        var article = await _a.ActivityPubAsync(report.Iri);
        Assert.Equal("Boletos de salida", article.GetProperty("nameMap").GetProperty("es").GetString());
        Assert.EndsWith(fileHref, Assert.Single(article.GetProperty("attachment").EnumerateArray()).GetProperty("url").GetString());
        using (var visitor = await _a.Http.GetAsync(fileHref)) Assert.Equal(HttpStatusCode.OK, visitor.StatusCode);
        using (var gone = await browser.GetAsync(draftPath)) Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        var copy = await Eventually.GetAsync(async () => await _b.Get<ReportStore>().FindByIriAsync(report.Iri), "the Create to reach B");
        Assert.Single(copy.AttachmentList);
        Assert.Equal("es", Assert.Single(copy.TranslationList).Language);
    }

    [Fact]
    public async Task A_file_whose_update_cannot_be_stored_is_not_left_half_attached()
    {
        var ana = await _a.AddPractitionerAsync("ana", "Ana Rojas");
        var report = await PublishAsync(ana, "Exit tickets");
        // The database refuses the Update (its outbox is out of reach for a moment): the attach fails, and leaves nothing.
        await using (var connection = await _a.Get<Database>().OpenAsync())
            await Dapper.SqlMapper.ExecuteAsync(connection, "ALTER TABLE outbox RENAME TO outbox_away");
        try
        {
            await Assert.ThrowsAnyAsync<Exception>(() => _a.Get<Camtree.Node.Library.ReportService>().AttachAsync(ana.Actor, report, "ticket.png", "A ticket", Png));
        }
        finally
        {
            await using var connection = await _a.Get<Database>().OpenAsync();
            await Dapper.SqlMapper.ExecuteAsync(connection, "ALTER TABLE outbox_away RENAME TO outbox");
        }
        Assert.Empty(await _a.Get<IAttachmentStore>().ForAsync(AttachmentHolder.Report(report.Id)));
        Assert.Null((await _a.Get<ReportStore>().FindAsync(report.Id))!.Attachments);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_a.DataDirectory, "attachments"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task An_upload_larger_than_the_limit_without_a_length_is_cut_off_and_refused()
    {
        var ana = await _a.AddPractitionerAsync("ana", "Ana Rojas");
        var report = await PublishAsync(ana, "Exit tickets");
        using var browser = await _a.SignInAsync("ana");
        var files = $"/reports/{report.LocalSlug}/files";
        var token = Browser.AntiforgeryToken(await browser.PageAsync(files));
        // Chunked (no Content-Length): the limit stops the read, whatever the sender meant to send.
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent("A big one"), "description" },
            { new StreamContent(new MemoryStream(new byte[300_000])), "file", "big.pdf" },
        };
        using var chunked = new HttpRequestMessage(HttpMethod.Post, files) { Content = new ChunkedContent(form) };
        using var refused = await browser.SendAsync(chunked);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("the form could not be read", await refused.Content.ReadAsStringAsync());
        Assert.Empty(await _a.Get<IAttachmentStore>().ForAsync(AttachmentHolder.Report(report.Id)));
    }

    /// <summary>A body sent without its length (Transfer-Encoding: chunked), as a client streaming a file does.</summary>
    private sealed class ChunkedContent : HttpContent
    {
        private readonly HttpContent inner;

        public ChunkedContent(HttpContent inner)
        {
            this.inner = inner;
            Headers.ContentType = inner.Headers.ContentType; // the multipart boundary
        }

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => await inner.CopyToAsync(stream);
        protected override bool TryComputeLength(out long length) { length = 0; return false; }
        protected override void Dispose(bool disposing) { if (disposing) inner.Dispose(); base.Dispose(disposing); }
    }

    [Fact]
    public async Task What_is_not_an_image_or_a_PDF_too_large_undescribed_forged_or_someone_elses_is_refused_and_nothing_is_stored()
    {
        var ana = await _a.AddPractitionerAsync("ana", "Ana Rojas");
        await _a.AddPractitionerAsync("caio", "Caio Lima");
        var report = await PublishAsync(ana, "Exit tickets");
        var files = $"/reports/{report.LocalSlug}/files";
        using var browser = await _a.SignInAsync("ana");
        var described = new Dictionary<string, string> { ["description"] = "A picture" };

        // An SVG (it can carry script) named and typed as a PNG.
        using (var svg = await browser.UploadAsync(files, files, described, "ticket.png", "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"u8.ToArray(), "image/png"))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, svg.StatusCode);
            Assert.Contains("<a href=\"#file\">a report carries images (PNG, JPEG, GIF, WebP) and PDFs", await svg.Content.ReadAsStringAsync());
        }
        using (var undescribed = await browser.UploadAsync(files, files, new Dictionary<string, string>(), "ticket.png", Png, "image/png"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, undescribed.StatusCode);
            Assert.Contains("<a href=\"#description\">say what the image shows", await undescribed.Content.ReadAsStringAsync());
        }
        var large = new byte[70_000];
        Pdf.CopyTo(large, 0);
        using (var tooLarge = await browser.UploadAsync(files, files, described, "big.pdf", large, "application/pdf"))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
            Assert.Contains("a file is at most", await tooLarge.Content.ReadAsStringAsync());
        }
        using (var empty = await browser.UploadAsync(files, files, described, "nothing.png", [], "image/png"))
            Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        using (var forged = await browser.UploadAsync(files, files, described, "ticket.png", Png, "image/png", token: "CfDJ8-forged"))
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        using (var noFile = await browser.SubmitAsync(files, files, described))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noFile.StatusCode);
            Assert.Contains("choose a file to attach", await noFile.Content.ReadAsStringAsync());
        }

        using var caio = await _a.SignInAsync("caio");
        using (var notHis = await caio.GetAsync(files)) Assert.Equal(HttpStatusCode.NotFound, notHis.StatusCode);
        using (var upload = await caio.UploadAsync("/settings", files, described, "ticket.png", Png, "image/png"))
            Assert.Equal(HttpStatusCode.NotFound, upload.StatusCode);

        Assert.Empty(await _a.Get<IAttachmentStore>().ForAsync(AttachmentHolder.Report(report.Id)));
        Assert.Null((await _a.Get<ReportStore>().FindAsync(report.Id))!.Attachments);
        Assert.False(Directory.Exists(Path.Combine(_a.DataDirectory, "attachments")) && Directory.EnumerateFiles(Path.Combine(_a.DataDirectory, "attachments"), "*", SearchOption.AllDirectories).Any());
    }
}
