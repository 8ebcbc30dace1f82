using Camtree.Node.Accounts;
using Camtree.Tests.Support;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Microsoft.Extensions.DependencyInjection;

namespace Camtree.Tests.Journeys;

/// <summary>
/// The practitioner app in a real browser (Debian's Chromium driven by Playwright), across two real nodes: a teacher on
/// A joins by invitation and writes her first report in Spanish with the guided editor (saves a draft, leaves, comes
/// back, the draft saving itself as she types, adds a photograph and an English version, publishes); a teacher on B, in
/// English, finds her, follows her, finds the report in search, reads its English version and comments; the author sees
/// the follower and the comment. Every page visited passes axe-core; each step leaves a screenshot in
/// <c>browser-artifacts/</c> beside the test assembly.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PractitionerJourneyTests(ChromiumFixture chromium) : IAsyncLifetime
{
    private TestNode _a = null!;
    private TestNode _b = null!;
    private readonly List<string> _violations = [];
    private int _step;

    public async Task InitializeAsync()
    {
        var nodes = await Task.WhenAll(TestNode.StartAsync("journey-a"), TestNode.StartAsync("journey-b"));
        (_a, _b) = (nodes[0], nodes[1]);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    /// <summary>Checks the page with axe-core (every violation is kept with the page it was on) and writes its screenshot.</summary>
    private async Task CheckAsync(IPage page, string what)
    {
        var result = await page.RunAxe();
        Assert.True(result.Passes.Length > 10, $"axe-core checked little on {what}: {result.Passes.Length} rules passed"); // it ran, on a real page
        foreach (var violation in result.Violations)
            _violations.Add($"{what} ({page.Url}): {violation.Id} ({violation.Impact}): {violation.Help} at {string.Join(" | ", violation.Nodes.Select(n => n.Html))}");
        Directory.CreateDirectory(ChromiumFixture.Artifacts);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ChromiumFixture.Artifacts, $"journey-{++_step:00}-{what}.png"), FullPage = true });
    }

    [Fact]
    public async Task A_teacher_joins_writes_in_Spanish_and_a_teacher_on_another_node_follows_finds_and_comments()
    {
        var invitation = await _a.Get<InvitationStore>().CreateAsync("lucia@escuela.example", createdBy: null);
        await _b.AddPractitionerAsync("tom", "Tom Baker");
        await using (var scope = _b.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<AccountService>().SetPasswordAsync("tom", "questioning in year six");

        // Lucía, in Spanish: the invitation, joining, her first report.
        await using var lucia = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "es-CL", BaseURL = _a.BaseUrl });
        var page = await lucia.NewPageAsync();
        await page.GotoAsync($"/sign-up?invitation={invitation}");
        await CheckAsync(page, "sign-up");
        Assert.Equal("Unirse a esta biblioteca", await page.Locator("h1").InnerTextAsync());
        await page.GetByLabel("Nombre de usuario").FillAsync("lucia");
        await page.GetByLabel("Tu nombre").FillAsync("Lucía Pérez");
        await page.GetByLabel("Contraseña").FillAsync("boletos de salida cada viernes");
        await page.GetByRole(AriaRole.Button, new() { Name = "Unirme" }).ClickAsync();
        await page.WaitForURLAsync("**/settings");
        await CheckAsync(page, "settings");

        // Tom, in English on B, finds her and follows her before she publishes.
        await using var tom = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB", BaseURL = _b.BaseUrl });
        var tomPage = await tom.NewPageAsync();
        await tomPage.GotoAsync("/sign-in");
        await CheckAsync(tomPage, "sign-in");
        await tomPage.GetByLabel("Username").FillAsync("tom");
        await tomPage.GetByLabel("Password").FillAsync("questioning in year six");
        await tomPage.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await tomPage.WaitForURLAsync("**/settings");
        await tomPage.GotoAsync("/find");
        await tomPage.GetByLabel("Their handle or address").FillAsync($"@lucia@{_a.Authority}");
        await tomPage.GetByRole(AriaRole.Button, new() { Name = "Find" }).ClickAsync();
        await CheckAsync(tomPage, "find");
        var follow = tomPage.GetByRole(AriaRole.Button, new() { Name = "Follow" });
        await follow.ClickAsync();
        // The answer is this same page, with the follow's state in place of the button: wait for the button to go, not for
        // the URL (the page is at it already, and a URL wait could settle on the old page or wait for a load it missed).
        await follow.WaitForAsync(new() { State = WaitForSelectorState.Detached });
        Assert.Contains("/find?who=", tomPage.Url);
        var followed = tomPage.Url;
        await Eventually.TrueAsync(async () =>
        {
            await tomPage.GotoAsync(followed);
            return (await tomPage.ContentAsync()).Contains("You follow Lucía Pérez");
        }, "Lucía's server to accept Tom's follow");

        // The editor speaks Spanish; a draft is saved, left, found again and published.
        await page.GotoAsync("/write");
        Assert.Equal("Hallazgos", await page.Locator("label[for=findings]").InnerTextAsync());
        await CheckAsync(page, "editor");
        await page.GetByLabel("Título").FillAsync("Boletos de salida en matemáticas de 5.º");
        await page.GetByLabel("Hallazgos").FillAsync("La evaluación formativa con boletos cambió cómo planificamos.");
        await page.GetByLabel("Por qué empezamos").FillAsync("Muchos estudiantes no preguntaban en clase.");
        await page.GetByLabel("Idioma del informe").SelectOptionAsync("es");
        await page.GetByLabel("País").SelectOptionAsync("CL");
        await page.GetByLabel("Metodología").SelectOptionAsync("action-research");
        await page.GetByRole(AriaRole.Button, new() { Name = "Guardar borrador" }).ClickAsync();
        await page.WaitForURLAsync("**/drafts/*");
        await page.GotoAsync("/");
        await page.GotoAsync("/drafts");
        await CheckAsync(page, "drafts");
        await page.GetByRole(AriaRole.Link, new() { Name = "Boletos de salida en matemáticas de 5.º" }).ClickAsync();
        Assert.Equal("Muchos estudiantes no preguntaban en clase.", await page.GetByLabel("Por qué empezamos").InputValueAsync());

        // With script, the draft saves itself a few seconds after a change, and when she leaves the page at once.
        var draftUrl = page.Url;
        await page.GetByLabel("Qué hicimos").FillAsync("Tres preguntas al final de cada clase.");
        await page.Locator("#autosave-status").Filter(new() { HasText = "Borrador guardado" }).WaitForAsync(new() { Timeout = 15_000 });
        await page.GetByLabel("Qué pasó").FillAsync("Las respuestas mostraron dudas que no veíamos.");
        await page.GetByRole(AriaRole.Link, new() { Name = "Biblioteca" }).First.ClickAsync(); // left before the next autosave
        await page.WaitForURLAsync(_a.BaseUrl + "/");
        await Eventually.TrueAsync(async () =>
        {
            await page.GotoAsync(draftUrl);
            return await page.GetByLabel("Qué pasó").InputValueAsync() == "Las respuestas mostraron dudas que no veíamos.";
        }, "the draft saved as the page was left");
        Assert.Equal("Tres preguntas al final de cada clase.", await page.GetByLabel("Qué hicimos").InputValueAsync());

        // Before publishing: a file with the report, a photograph of an exit ticket described for readers who cannot see it…
        await page.GetByRole(AriaRole.Button, new() { Name = "Adjuntar archivos (imágenes, PDF)" }).ClickAsync();
        await page.WaitForURLAsync("**/drafts/*/files");
        await CheckAsync(page, "files");
        await page.GetByLabel("Imagen o PDF").SetInputFilesAsync(new FilePayload { Name = "boleto.png", MimeType = "image/png", Buffer = Node.AttachmentTests.Png });
        await page.GetByLabel("Qué es").FillAsync("Un boleto de salida con tres preguntas, respondido a lápiz");
        await page.GetByRole(AriaRole.Button, new() { Name = "Adjuntar", Exact = true }).ClickAsync();
        await page.WaitForURLAsync("**done=added");
        Assert.Equal(1, await page.Locator("img.thumbnail[alt='Un boleto de salida con tres preguntas, respondido a lápiz']").CountAsync());

        // …and a version in English, for colleagues who read English.
        await page.GotoAsync(draftUrl);
        await page.GetByLabel("Añadir o cambiar una versión en").SelectOptionAsync("en");
        await page.GetByRole(AriaRole.Button, new() { Name = "Escribir esta versión" }).ClickAsync();
        await page.WaitForURLAsync("**/translations/en");
        await CheckAsync(page, "version");
        await page.GetByLabel("Título").FillAsync("Exit tickets in Year 5 mathematics");
        await page.GetByLabel("Hallazgos").FillAsync("Formative assessment with exit tickets changed how we plan.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Publicar esta versión" }).ClickAsync();
        await page.WaitForURLAsync("**/drafts/*?saved=1");
        Assert.Equal(1, await page.GetByRole(AriaRole.Link, new() { Name = "Exit tickets in Year 5 mathematics" }).CountAsync());

        await page.GetByRole(AriaRole.Button, new() { Name = "Publicar", Exact = true }).ClickAsync();
        await page.WaitForURLAsync("**/library/*");
        await CheckAsync(page, "report");
        Assert.Contains("Por qué empezamos", await page.ContentAsync());
        Assert.Equal(1, await page.Locator("figure img[alt='Un boleto de salida con tres preguntas, respondido a lápiz']").CountAsync());

        // On B, Tom finds it in search (diacritics folded), opens it, and comments.
        await Eventually.TrueAsync(async () =>
        {
            await tomPage.GotoAsync("/search?q=evaluacion");
            return (await tomPage.ContentAsync()).Contains("Boletos de salida");
        }, "the report to reach B's search");
        await CheckAsync(tomPage, "search");
        await tomPage.GetByRole(AriaRole.Link, new() { Name = "Boletos de salida en matemáticas de 5.º" }).First.ClickAsync();
        // Tom reads English: B shows him the English version, with a link to the Spanish one, and the file as a link to A.
        await Eventually.TrueAsync(async () =>
        {
            await tomPage.ReloadAsync();
            return await tomPage.Locator("h1").InnerTextAsync() == "Exit tickets in Year 5 mathematics"
                && await tomPage.GetByRole(AriaRole.Link, new() { Name = "Un boleto de salida con tres preguntas, respondido a lápiz" }).CountAsync() == 1;
        }, "the report with its English version and its file to reach B");
        await CheckAsync(tomPage, "report-on-b");
        Assert.Equal(1, await tomPage.Locator("nav.versions a[hreflang=es]").CountAsync());
        await tomPage.GetByLabel("Your comment").FillAsync("We tried exit tickets in Year 6 too: *three questions* worked best.");
        await tomPage.GetByRole(AriaRole.Button, new() { Name = "Send comment" }).ClickAsync();
        await tomPage.WaitForURLAsync("**done=comment**");
        await CheckAsync(tomPage, "commented");

        // Lucía sees her new follower and the comment.
        await Eventually.TrueAsync(async () =>
        {
            await page.GotoAsync("/notifications");
            var html = await page.ContentAsync();
            return html.Contains("Tom Baker</strong> te sigue.") && html.Contains("<em>three questions</em>");
        }, "Tom's follow and comment to reach Lucía's notifications");
        await CheckAsync(page, "notifications");

        Assert.True(_violations.Count == 0, "axe-core found:\n" + string.Join("\n", _violations));
    }
}
