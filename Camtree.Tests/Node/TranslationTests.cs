using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Camtree.Node.Accounts;
using Camtree.Node.Storage;
using Camtree.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Camtree.Tests.Node;

/// <summary>
/// A version of a report in another language, across two real nodes: written on A's translation page, it travels in the
/// Article's nameMap, summaryMap and contentMap with an Update; B stores it, searches its words, and shows it to a reader
/// whose language it is (the others see the report as written, with a link).
/// </summary>
public sealed class TranslationTests : IAsyncLifetime
{
    private TestNode _a = null!;
    private TestNode _b = null!;

    public async Task InitializeAsync()
    {
        var nodes = await Task.WhenAll(TestNode.StartAsync("translate-a"), TestNode.StartAsync("translate-b"));
        (_a, _b) = (nodes[0], nodes[1]);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    private static Dictionary<string, string> Spanish() => new()
    {
        ["title"] = "Boletos de salida en cuarto grado", ["researchContext"] = "Una escuela rural de Chile.", ["aims"] = "Saber qué entendieron.",
        ["findings"] = "La retroalimentación llegó antes.", ["whatWeDid"] = "Tres preguntas al final de cada clase de matemáticas.",
    };

    [Fact]
    public async Task A_Spanish_version_reaches_the_other_node_and_Spanish_readers_see_it()
    {
        var ana = await _a.AddPractitionerAsync("ana", "Ana Rojas");
        var reader = await _b.AddPractitionerAsync("bea", "Bea Santos");
        using (var follow = await reader.Api.PostAsJsonAsync("/api/v1/follows", new { target = ana.Handle })) Assert.True(follow.IsSuccessStatusCode);
        await Eventually.TrueAsync(async () => (await _a.Get<FollowStore>().ListFollowersAsync(ana.Actor.Id)).Any(), "B's follow");
        using (var published = await ana.Api.PostAsJsonAsync("/api/v1/reports", new { title = "Exit tickets in Year 4", language = "en", findings = "Feedback came sooner." }))
            Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        var report = (await _a.Get<ReportStore>().ListAsync(ReportOrigin.Local, limit: 1)).Single();
        var copy = await Eventually.GetAsync(async () => await _b.Get<ReportStore>().FindByIriAsync(report.Iri), "the report to reach B");

        using var browser = await _a.SignInAsync("ana");
        var page = await browser.PageAsync($"/library/{report.Id}");
        Assert.Contains($"action=\"/reports/{report.LocalSlug}/translate\"", page);
        using (var chosen = await browser.GetAsync($"/reports/{report.LocalSlug}/translate?language=es"))
            Assert.Equal($"/reports/{report.LocalSlug}/translations/es", chosen.Headers.Location!.OriginalString);
        var form = await browser.PageAsync($"/reports/{report.LocalSlug}/translations/es");
        Assert.Contains("(Qué hicimos)", form); // the template's headings in the version's language
        using (var saved = await browser.SubmitAsync($"/reports/{report.LocalSlug}/translations/es", $"/reports/{report.LocalSlug}/translations/es", Spanish()))
            Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        var article = await _a.ActivityPubAsync(report.Iri);
        Assert.Equal("Exit tickets in Year 4", article.GetProperty("nameMap").GetProperty("en").GetString());
        Assert.Equal("Boletos de salida en cuarto grado", article.GetProperty("nameMap").GetProperty("es").GetString());
        Assert.Contains("<strong>Hallazgos:</strong> La retroalimentación llegó antes.", article.GetProperty("summaryMap").GetProperty("es").GetString());
        Assert.Contains("<h2>Qué hicimos</h2>", article.GetProperty("contentMap").GetProperty("es").GetString());
        Assert.Equal("Exit tickets in Year 4", article.GetProperty("name").GetString()); // the plain value stays the report's own

        // B holds the version after the Update, finds it by its words, and shows it to a Spanish reader.
        var updated = await Eventually.GetAsync(async () => await _b.Get<ReportStore>().FindByIriAsync(report.Iri) is { } r
            && r.TranslationList.Any(t => t.Language == "es") ? r : null, "the Update with the Spanish version to reach B");
        Assert.Contains("<strong>Hallazgos:</strong>", updated.TranslationList.Single().SummaryHtml);
        var found = await _b.Http.GetFromJsonAsync<JsonElement>("/api/v1/search?q=retroalimentacion");
        Assert.Equal(1, found.GetProperty("total").GetInt32());

        using var spanish = new HttpRequestMessage(HttpMethod.Get, $"/library/{copy.Id}");
        spanish.Headers.TryAddWithoutValidation("Accept-Language", "es-CL,es;q=0.9");
        var spanishPage = await (await _b.Http.SendAsync(spanish)).Content.ReadAsStringAsync();
        Assert.Contains("<h1>Boletos de salida en cuarto grado</h1>", spanishPage);
        Assert.Contains("<article lang=\"es\">", spanishPage);
        Assert.Contains($"href=\"/library/{copy.Id}?lang=en\" lang=\"en\" hreflang=\"en\">English</a>", spanishPage);
        var englishPage = await _b.Http.GetStringAsync($"/library/{copy.Id}");
        Assert.Contains("<h1>Exit tickets in Year 4</h1>", englishPage);
        Assert.Contains("lang=\"es\" hreflang=\"es\">español</a>", englishPage);
        Assert.Contains("<h1>Boletos de salida en cuarto grado</h1>", await _b.Http.GetStringAsync($"/library/{copy.Id}?lang=es"));

        // Removing the version sends another Update: B drops it.
        using (var removed = await browser.SubmitAsync($"/reports/{report.LocalSlug}/translations/es", $"/reports/{report.LocalSlug}/translations/es",
                   new Dictionary<string, string> { ["action"] = "remove" }))
            Assert.Equal($"/library/{report.Id}?done=translation-removed", removed.Headers.Location!.OriginalString);
        Assert.False((await _a.ActivityPubAsync(report.Iri)).GetProperty("nameMap").TryGetProperty("es", out _));
        await Eventually.TrueAsync(async () => (await _b.Get<ReportStore>().FindByIriAsync(report.Iri))!.TranslationList.Count == 0, "the removal to reach B");
    }

    [Fact]
    public async Task A_version_in_the_reports_own_language_an_empty_one_and_anothers_report_are_refused()
    {
        var ana = await _a.AddPractitionerAsync("ana", "Ana Rojas");
        await _a.AddPractitionerAsync("caio", "Caio Lima");
        using (var published = await ana.Api.PostAsJsonAsync("/api/v1/reports", new { title = "Exit tickets", language = "en", findings = "Sooner." }))
            Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        var report = (await _a.Get<ReportStore>().ListAsync(ReportOrigin.Local, limit: 1)).Single();
        var path = $"/reports/{report.LocalSlug}/translations";
        using var browser = await _a.SignInAsync("ana");

        using (var same = await browser.SubmitAsync($"{path}/en", $"{path}/en", Spanish()))
        {
            Assert.Equal(HttpStatusCode.BadRequest, same.StatusCode);
            var html = await same.Content.ReadAsStringAsync();
            Assert.Contains("the report is already written in this language", html);
            Assert.Contains("value=\"Boletos de salida en cuarto grado\"", html); // what was typed is kept
        }
        using (var empty = await browser.SubmitAsync($"{path}/es", $"{path}/es", new Dictionary<string, string> { ["title"] = "" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
            Assert.Contains("<a href=\"#title\">a report needs a title</a>", await empty.Content.ReadAsStringAsync());
        }
        using (var badTag = await browser.GetAsync($"{path}/es%20ES")) Assert.Equal(HttpStatusCode.BadRequest, badTag.StatusCode);
        using (var noVersion = await browser.SubmitAsync($"{path}/fr", $"{path}/fr", new Dictionary<string, string> { ["action"] = "remove" }))
            Assert.Equal(HttpStatusCode.NotFound, noVersion.StatusCode);

        using var caio = await _a.SignInAsync("caio");
        using (var notHis = await caio.GetAsync($"{path}/es")) Assert.Equal(HttpStatusCode.NotFound, notHis.StatusCode);
        using (var post = await caio.SubmitAsync("/settings", $"{path}/es", Spanish())) Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        Assert.Empty((await _a.Get<ReportStore>().FindAsync(report.Id))!.TranslationList);
    }

    [Fact]
    public async Task The_JSON_API_publishes_a_report_with_its_versions_and_refuses_one_in_its_own_language()
    {
        var ana = await _a.AddPractitionerAsync("ana", "Ana Rojas");
        using (var same = await ana.Api.PostAsJsonAsync("/api/v1/reports", new
               {
                   title = "Exit tickets", language = "en", findings = "Sooner.",
                   translations = new[] { new { language = "en", title = "Exit tickets again", findings = "Sooner." } },
               }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, same.StatusCode);
            Assert.Contains("the version in en: the report is already written in this language", await same.Content.ReadAsStringAsync());
        }
        Assert.Empty(await _a.Get<ReportStore>().ListAsync(ReportOrigin.Local, limit: 1));
        using (var published = await ana.Api.PostAsJsonAsync("/api/v1/reports", new
               {
                   title = "Exit tickets", language = "en", findings = "Sooner.",
                   translations = new[] { new { language = "pt-BR", title = "Bilhetes de saída", findings = "Mais cedo." } },
               }))
            Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        var report = (await _a.Get<ReportStore>().ListAsync(ReportOrigin.Local, limit: 1)).Single();
        var article = await _a.ActivityPubAsync(report.Iri);
        Assert.Equal("Bilhetes de saída", article.GetProperty("nameMap").GetProperty("pt-BR").GetString());
        Assert.Contains("<strong>Resultados:</strong> Mais cedo.", article.GetProperty("summaryMap").GetProperty("pt-BR").GetString());
    }
}

/// <summary>The JSON columns of a report read back what was written, and read nothing (not an exception) from anything else.</summary>
public sealed class ReportColumnTests
{
    [Fact]
    public void Versions_and_files_round_trip_and_unreadable_columns_are_empty()
    {
        var versions = new[] { new ReportTranslation { Language = "es", Title = "Boletos", SummaryHtml = "<p>a</p>", ContentHtml = "<p>b</p>", Findings = "f" } };
        Assert.Equal(versions, ReportTranslation.FromColumn(ReportTranslation.ToColumn(versions)));
        var files = new[] { new Camtree.Protocol.Vocabulary.AttachmentDocument("https://a.example/f.png", "image/png", "A ticket") };
        Assert.Equal(files, AttachmentColumn.FromColumn(AttachmentColumn.ToColumn(files)));
        Assert.Null(ReportTranslation.ToColumn([]));
        Assert.Null(AttachmentColumn.ToColumn([]));
        foreach (var broken in new[] { null, "", "{not json", "{\"an\":\"object\"}", "null" })
        {
            Assert.Empty(ReportTranslation.FromColumn(broken));
            Assert.Empty(AttachmentColumn.FromColumn(broken));
        }
    }
}
