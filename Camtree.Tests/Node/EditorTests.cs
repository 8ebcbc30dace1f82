using System.Net.Http.Json;
using System.Net;
using Camtree.Node.Storage;
using Camtree.Tests.Support;

namespace Camtree.Tests.Node;

/// <summary>
/// The guided report editor, as a browser without script uses it on a real node: a draft saved, left and found again;
/// a preview; problems listed and linked with every value kept; publishing in Spanish with the template's headings in
/// Spanish; another practitioner's draft out of reach.
/// </summary>
public sealed class EditorTests : IAsyncLifetime
{
    private TestNode _node = null!;

    public async Task InitializeAsync() => _node = await TestNode.StartAsync("editor", seedDemo: true);

    public async Task DisposeAsync() => await _node.DisposeAsync();

    private async Task<Browser> SignedInAsync(string userName)
    {
        var browser = new Browser(_node.BaseUrl);
        using var signedIn = await browser.SubmitAsync("/sign-in", "/sign-in", new Dictionary<string, string> { ["userName"] = userName, ["password"] = "camtree-demo" });
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return browser;
    }

    private static Dictionary<string, string> Spanish(string action) => new()
    {
        ["action"] = action,
        ["title"] = "Boletos de salida en matemáticas de 5.º",
        ["language"] = "es",
        ["researchContext"] = "Una escuela rural de Valparaíso, dos cursos de 5.º básico.",
        ["aims"] = "Saber si los boletos de salida ayudan a ajustar la clase siguiente.",
        ["methods"] = "Investigación-acción en dos ciclos de cuatro semanas.",
        ["findings"] = "La evaluación formativa con boletos cambió cómo planificamos.",
        ["whyWeStarted"] = "Muchos estudiantes no preguntaban en clase.",
        ["whatWeDid"] = "Cada clase terminaba con **tres preguntas** en un boleto.",
        ["methodology"] = "action-research",
        ["educationalLevel"] = "primary",
        ["subjectArea"] = "mathematics",
        ["country"] = "CL",
        ["themes"] = "#evaluación-formativa, boletos-de-salida",
        ["license"] = "https://creativecommons.org/licenses/by/4.0/",
    };

    [Fact]
    public async Task The_scripts_autosave_saves_one_draft_again_and_again_and_never_anothers()
    {
        using var valentina = await SignedInAsync("valentina_rojas");
        // The first autosave makes the draft and says its id; the next ones, naming it, update that same draft.
        using var first = await valentina.SubmitAsync("/write", "/write", Spanish("autosave"));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("application/json", first.Content.Headers.ContentType!.MediaType);
        var answer = await first.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        var id = answer.GetProperty("draftId").GetInt64();
        Assert.Matches(@"^\d{1,2}:\d{2}", answer.GetProperty("savedAt").GetString()!);
        using (var again = await valentina.SubmitAsync("/write", "/write", new Dictionary<string, string>(Spanish("autosave"))
               { ["draftId"] = id.ToString(), ["title"] = "Boletos de salida, segunda versión" }))
            Assert.Equal(id, (await again.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("draftId").GetInt64());
        var owner = (await _node.Get<Camtree.Node.Storage.ActorStore>().FindByUsernameAsync("valentina_rojas"))!.Id;
        var drafts = await _node.Get<Camtree.Node.Storage.IDraftStore>().ListAsync(owner);
        Assert.Equal("Boletos de salida, segunda versión", Assert.Single(drafts).Fields.Title);

        // Someone else's draft is not found, and not written; without the form's token nothing is saved at all.
        var other = (await _node.Get<Camtree.Node.Storage.ActorStore>().ListAsync()).First(a => a.ActorType == "Person" && a.Username != "valentina_rojas");
        using var someoneElse = await SignedInAsync(other.Username);
        using (var notHers = await someoneElse.SubmitAsync("/write", "/write", new Dictionary<string, string>(Spanish("autosave")) { ["draftId"] = id.ToString(), ["title"] = "Mine now" }))
            Assert.Equal(HttpStatusCode.NotFound, notHers.StatusCode);
        using (var forged = await valentina.PostAsync("/write", new Dictionary<string, string>(Spanish("autosave")) { ["__RequestVerificationToken"] = "forged" }))
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal("Boletos de salida, segunda versión", Assert.Single(await _node.Get<Camtree.Node.Storage.IDraftStore>().ListAsync(owner)).Fields.Title);
    }

    [Fact]
    public async Task A_draft_is_saved_found_again_previewed_and_published_with_the_templates_headings_in_its_language()
    {
        using var valentina = await SignedInAsync("valentina_rojas");
        var editor = await valentina.PageAsync("/write");
        Assert.Contains("<label for=\"findings\">Findings</label>", editor);
        Assert.Contains("CC BY 4.0", editor);
        Assert.Contains("<option value=\"CL\"", editor);

        using var saved = await valentina.SubmitAsync("/write", "/write", Spanish("save"));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var draftPage = saved.Headers.Location!.OriginalString;
        Assert.Matches(@"^/drafts/\d+\?saved=1$", draftPage);

        // She leaves and comes back: the draft is listed, and every field is as she left it.
        using var again = await SignedInAsync("valentina_rojas");
        Assert.Contains("Boletos de salida en matemáticas de 5.º", await again.PageAsync("/drafts"));
        var reopened = await again.PageAsync(draftPage);
        Assert.Contains("Draft saved", reopened);
        Assert.Contains("value=\"Boletos de salida en matemáticas de 5.º\"", reopened);
        Assert.Contains("Muchos estudiantes no preguntaban en clase.</textarea>", reopened);
        Assert.Contains("<option value=\"CL\" selected", reopened);
        var draftId = draftPage.Split('/')[2].Split('?')[0];

        using (var preview = await again.SubmitAsync(draftPage, "/write", new Dictionary<string, string>(Spanish("preview")) { ["draftId"] = draftId }))
        {
            Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
            var html = await preview.Content.ReadAsStringAsync();
            Assert.Contains("<h2>Por qué empezamos</h2>", html);
            Assert.Contains("<strong>tres preguntas</strong>", html);
        }
        // Saving and previewing publish nothing.
        Assert.DoesNotContain(await _node.Get<ReportStore>().ListAsync(ReportOrigin.Local, limit: 100), r => r.Title.StartsWith("Boletos", StringComparison.Ordinal));

        using var published = await again.SubmitAsync(draftPage, "/write", new Dictionary<string, string>(Spanish("publish")) { ["draftId"] = draftId });
        Assert.Equal(HttpStatusCode.Redirect, published.StatusCode);
        var reportPage = published.Headers.Location!.OriginalString;
        Assert.Matches(@"^/library/\d+$", reportPage);
        var report = await _node.Http.GetStringAsync(reportPage);
        Assert.Contains("Boletos de salida en matemáticas de 5.º", report);
        Assert.Contains("<h2>Qué hicimos</h2>", report);
        Assert.Contains("@misc{munoz2026boletos,", report); // "cite this" (Valentina Rojas Muñoz: the key in ASCII)
        Assert.Contains("TY  - RPRT", report);
        var stored = (await _node.Get<ReportStore>().FindAsync(long.Parse(reportPage.Split('/')[2])))!;
        Assert.Equal("es", stored.Language);
        Assert.Equal(["evaluación-formativa", "boletos-de-salida"], stored.ThemeList);
        Assert.Equal("CL", stored.Country);
        Assert.NotNull(stored.SignedJson); // published as every report is: a signed Article
        // The draft is gone once published.
        Assert.DoesNotContain("Boletos de salida", await again.PageAsync("/drafts"));
    }

    [Fact]
    public async Task Problems_are_listed_at_the_top_linked_to_their_fields_and_nothing_typed_is_lost()
    {
        using var hannah = await SignedInAsync("hannah_whitfield");
        var fields = new Dictionary<string, string>
        {
            ["action"] = "publish", ["title"] = "", ["language"] = "en", ["findings"] = "", ["aims"] = "What I wanted to see.",
            ["country"] = "Narnia", ["themes"] = "oracy",
        };
        using var refused = await hannah.SubmitAsync("/write", "/write", fields);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var html = await refused.Content.ReadAsStringAsync();
        Assert.Contains("role=\"alert\"", html);
        Assert.Contains("<a href=\"#title\">a report needs a title</a>", html);
        Assert.Contains("href=\"#findings\"", html);
        Assert.Contains("href=\"#country\"", html);
        Assert.Contains("What I wanted to see.</textarea>", html);
        Assert.Contains("id=\"title\" name=\"title\" value=\"\" aria-describedby=\"title-help\" aria-invalid=\"true\"", html);
        Assert.Contains("value=\"oracy\"", html);
    }

    [Fact]
    public async Task Nobody_reaches_another_practitioners_draft_and_signed_out_visitors_are_sent_to_sign_in()
    {
        using var valentina = await SignedInAsync("valentina_rojas");
        using var saved = await valentina.SubmitAsync("/write", "/write", Spanish("save"));
        var draftPage = saved.Headers.Location!.OriginalString.Split('?')[0];
        var draftId = draftPage.Split('/')[2];

        using var hannah = await SignedInAsync("hannah_whitfield");
        using (var read = await hannah.GetAsync(draftPage)) Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        using (var write = await hannah.SubmitAsync("/write", "/write", new Dictionary<string, string>(Spanish("save")) { ["draftId"] = draftId, ["title"] = "Taken over" }))
            Assert.Equal(HttpStatusCode.NotFound, write.StatusCode);
        using (var publish = await hannah.SubmitAsync("/write", "/write", new Dictionary<string, string>(Spanish("publish")) { ["draftId"] = draftId }))
            Assert.Equal(HttpStatusCode.NotFound, publish.StatusCode);
        Assert.Contains("value=\"Boletos de salida en matemáticas de 5.º\"", await valentina.PageAsync(draftPage));

        using var visitor = new Browser(_node.BaseUrl);
        using var write2 = await visitor.GetAsync("/write");
        Assert.Equal(HttpStatusCode.Redirect, write2.StatusCode);
        Assert.StartsWith("/sign-in", write2.Headers.Location!.PathAndQuery);
        // A form posted without the page's token is refused before anything is saved.
        using var forged = await valentina.PostAsync("/write", Spanish("save"));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
    }

    [Fact]
    public async Task The_author_edits_and_withdraws_a_report_from_its_page_and_nobody_else_can()
    {
        using var valentina = await SignedInAsync("valentina_rojas");
        using var published = await valentina.SubmitAsync("/write", "/write", Spanish("publish"));
        var page = published.Headers.Location!.OriginalString;
        var report = (await _node.Get<ReportStore>().FindAsync(long.Parse(page.Split('/')[2])))!;
        var reportHtml = await valentina.PageAsync(page);
        Assert.Contains($"href=\"/reports/{report.LocalSlug}/edit\"", reportHtml);

        // The editor opens with the report's parts back in their fields.
        var edit = $"/reports/{report.LocalSlug}/edit";
        var editor = await valentina.PageAsync(edit);
        Assert.Contains("Muchos estudiantes no preguntaban en clase.</textarea>", editor);
        Assert.DoesNotContain("id=\"otherBody\"", editor);
        using (var changed = await valentina.SubmitAsync(edit, "/write", new Dictionary<string, string>(Spanish("publish"))
               { ["reportSlug"] = report.LocalSlug!, ["title"] = "Boletos de salida, segundo ciclo" }))
            Assert.Equal(page, changed.Headers.Location!.OriginalString);
        var edited = (await _node.Get<ReportStore>().FindAsync(report.Id))!;
        Assert.Equal("Boletos de salida, segundo ciclo", edited.Title);
        Assert.Equal(report.Iri, edited.Iri);
        Assert.NotNull(edited.UpdatedAt);

        // Someone else can neither open it in the editor, nor publish over it, nor withdraw it.
        using var hannah = await SignedInAsync("hannah_whitfield");
        Assert.DoesNotContain("/edit\"", await hannah.PageAsync(page));
        using (var open = await hannah.GetAsync(edit)) Assert.Equal(HttpStatusCode.NotFound, open.StatusCode);
        using (var over = await hannah.SubmitAsync("/write", "/write", new Dictionary<string, string>(Spanish("publish")) { ["reportSlug"] = report.LocalSlug!, ["title"] = "Mine now" }))
            Assert.Equal(HttpStatusCode.NotFound, over.StatusCode);
        using (var withdrawIt = await hannah.SubmitAsync(page, $"{page}/withdraw", new Dictionary<string, string>()))
            Assert.Equal(HttpStatusCode.NotFound, withdrawIt.StatusCode);
        Assert.Equal("Boletos de salida, segundo ciclo", (await _node.Get<ReportStore>().FindAsync(report.Id))!.Title);

        using (var withdrawn = await valentina.SubmitAsync(page, $"{page}/withdraw", new Dictionary<string, string>()))
            Assert.Equal(page, withdrawn.Headers.Location!.OriginalString);
        using (var gone = await valentina.GetAsync(page)) Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
        using var late = await valentina.GetAsync(edit);
        Assert.Equal(HttpStatusCode.NotFound, late.StatusCode);
    }

    [Fact]
    public async Task A_report_not_written_with_the_template_keeps_its_text_whole_in_the_editor()
    {
        using var hannah = await SignedInAsync("hannah_whitfield");
        var own = (await _node.Get<ReportStore>().ListAsync(ReportOrigin.Local, limit: 50))
            .First(r => r.AuthorName.StartsWith("Hannah", StringComparison.Ordinal));
        var editor = await hannah.PageAsync($"/reports/{own.LocalSlug}/edit");
        Assert.Contains("id=\"otherBody\"", editor);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(own.ContentMarkdown!.Split('\n')[0]), editor);
    }
}
