using Camtree.Node.Accounts;
using Camtree.Tests.Support;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Microsoft.Extensions.DependencyInjection;

namespace Camtree.Tests.Journeys;

/// <summary>
/// The practitioner app in a real browser (Debian's Chromium driven by Playwright), across two real nodes: a teacher on
/// A joins by invitation and writes her first report in Spanish with the guided editor (saves a draft, leaves, comes
/// back, publishes); a teacher on B, in English, finds her, follows her, finds the report in search and comments; the
/// author sees the follower and the comment. Every page visited passes axe-core; each step leaves a screenshot in
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
        await tomPage.GetByRole(AriaRole.Button, new() { Name = "Follow" }).ClickAsync();
        await tomPage.WaitForURLAsync("**/find?who=*");
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
        await page.GetByRole(AriaRole.Button, new() { Name = "Publicar" }).ClickAsync();
        await page.WaitForURLAsync("**/library/*");
        await CheckAsync(page, "report");
        Assert.Contains("Por qué empezamos", await page.ContentAsync());

        // On B, Tom finds it in search (diacritics folded), opens it, and comments.
        await Eventually.TrueAsync(async () =>
        {
            await tomPage.GotoAsync("/search?q=evaluacion");
            return (await tomPage.ContentAsync()).Contains("Boletos de salida");
        }, "the report to reach B's search");
        await CheckAsync(tomPage, "search");
        await tomPage.GetByRole(AriaRole.Link, new() { Name = "Boletos de salida en matemáticas de 5.º" }).First.ClickAsync();
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
