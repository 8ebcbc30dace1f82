using Camtree.Node.Accounts;
using Camtree.Node.Storage;
using Camtree.Tests.Support;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Microsoft.Extensions.DependencyInjection;

namespace Camtree.Tests.Journeys;

/// <summary>
/// In Chromium: a teacher who uses only the keyboard signs in and saves a draft, seeing where she is at every step;
/// and the rules hold in a browser as over HTTP: another's draft, a withdrawn report, a suspended account and a forged
/// form token each get their page with the reason, and change nothing.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class KeyboardAndRulesTests(ChromiumFixture chromium) : IAsyncLifetime
{
    private TestNode _node = null!;

    public async Task InitializeAsync() => _node = await TestNode.StartAsync("keyboard", seedDemo: true);

    public async Task DisposeAsync() => await _node.DisposeAsync();

    private static async Task ScreenshotAsync(IPage page, string what)
    {
        Directory.CreateDirectory(ChromiumFixture.Artifacts);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ChromiumFixture.Artifacts, $"rules-{what}.png"), FullPage = true });
    }

    /// <summary>Presses Tab until the element matching <paramref name="selector"/> has the focus (at most 60 presses), checking each stop shows it.</summary>
    private static async Task TabToAsync(IPage page, string selector)
    {
        for (var i = 0; i < 60; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            // Passing the document's end is no stop a reader sees.
            if (await page.EvaluateAsync<bool>("() => document.activeElement === document.body")) continue;
            var outline = await page.EvaluateAsync<string>("() => { const s = getComputedStyle(document.activeElement); return s.outlineStyle + ' ' + s.outlineWidth; }");
            Assert.True(outline.StartsWith("solid ") && double.Parse(outline.Split(' ')[1].Replace("px", ""), System.Globalization.CultureInfo.InvariantCulture) >= 2,
                $"the focused element shows no clear outline: {outline} on {await page.EvaluateAsync<string>("() => document.activeElement.outerHTML.slice(0, 120)")}");
            if (await page.EvaluateAsync<bool>($"() => document.activeElement.matches({System.Text.Json.JsonSerializer.Serialize(selector)})")) return;
        }
        throw new Xunit.Sdk.XunitException($"Tab never reached {selector} on {page.Url}: at {await page.EvaluateAsync<string>("() => document.activeElement.outerHTML.slice(0, 80)")}");
    }

    [Fact]
    public async Task With_the_keyboard_only_a_teacher_signs_in_and_saves_a_draft()
    {
        await using var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "pt-BR", BaseURL = _node.BaseUrl });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/sign-in");
        // The first Tab reaches the skip link, and it leads to the content.
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Ir para o conteúdo", (await page.EvaluateAsync<string>("() => document.activeElement.textContent")).Trim());
        await page.Keyboard.PressAsync("Enter");
        Assert.EndsWith("#main", page.Url);

        await TabToAsync(page, "#username");
        await page.Keyboard.TypeAsync("hannah_whitfield");
        await TabToAsync(page, "#password");
        await page.Keyboard.TypeAsync("camtree-demo");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/settings");

        await page.GotoAsync("/write");
        await TabToAsync(page, "#title");
        await page.Keyboard.TypeAsync("Perguntas abertas no 6.º ano");
        await TabToAsync(page, "#findings");
        await page.Keyboard.TypeAsync("Os alunos falaram mais.");
        await TabToAsync(page, "button[value=save]");
        await ScreenshotAsync(page, "keyboard-save");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/drafts/*?saved=1");
        var owner = (await _node.Get<ActorStore>().FindByUsernameAsync("hannah_whitfield"))!.Id;
        Assert.Contains(await _node.Get<IDraftStore>().ListAsync(owner), d => d.Fields.Title == "Perguntas abertas no 6.º ano");
        var axe = await page.RunAxe();
        Assert.True(axe.Violations.Length == 0, string.Join("\n", axe.Violations.Select(v => $"{v.Id}: {v.Help}")));
    }

    [Fact]
    public async Task The_network_page_passes_axe_in_Filipino()
    {
        await using var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "fil-PH", BaseURL = _node.BaseUrl });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/network");
        Assert.Equal("Ang network", await page.Locator("h1").InnerTextAsync());
        await ScreenshotAsync(page, "network");
        var axe = await page.RunAxe();
        Assert.True(axe.Passes.Length > 10, "axe-core checked little");
        Assert.True(axe.Violations.Length == 0, string.Join("\n", axe.Violations.Select(v => $"{v.Id}: {v.Help}")));
    }

    [Fact]
    public async Task The_themes_directory_and_a_theme_page_pass_axe_in_Spanish_and_a_theme_is_followed_from_them()
    {
        await using var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _node.BaseUrl });
        var page = await SignedInAsync(context, "valentina_rojas");
        await page.GotoAsync("/language?to=es");
        await page.GotoAsync("/themes");
        Assert.Equal("Temas", await page.Locator("h1").InnerTextAsync());
        await ScreenshotAsync(page, "themes");
        var directory = await page.RunAxe();
        Assert.True(directory.Violations.Length == 0, string.Join("\n", directory.Violations.Select(v => $"{v.Id}: {v.Help}")));

        await page.GotoAsync("/themes/oracy");
        var follow = page.GetByRole(AriaRole.Button, new() { Name = "Seguir a #oracy" });
        await follow.ClickAsync();
        // The answer is this same page, followed: wait for its button to go, not for the URL (the page is at it
        // already, and a URL wait could settle on the old page or wait for a load it missed, on a busy machine).
        await follow.WaitForAsync(new() { State = WaitForSelectorState.Detached });
        Assert.EndsWith("/themes/oracy", page.Url);
        var theme = await page.RunAxe();
        Assert.True(theme.Violations.Length == 0, string.Join("\n", theme.Violations.Select(v => $"{v.Id}: {v.Help}")));
        var group = (await _node.Get<ActorStore>().FindByUsernameAsync("oracy"))!;
        await Eventually.TrueAsync(async () => (await _node.Get<FollowStore>().ListFollowersAsync(group.Id)).Count == 1, "the group to accept the follow");
    }

    private async Task<IPage> SignedInAsync(IBrowserContext context, string userName)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/sign-in");
        await page.GetByLabel("Username").FillAsync(userName);
        await page.GetByLabel("Password").FillAsync("camtree-demo");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync("**/settings");
        return page;
    }

    [Fact]
    public async Task Anothers_draft_a_withdrawn_report_a_suspended_account_and_a_forged_token_are_refused_with_a_reason()
    {
        // The author of one of the demo's reports, and a colleague.
        var report = (await _node.Get<ReportStore>().ListAsync(ReportOrigin.Local, limit: 1)).Single();
        var people = (await _node.Get<ActorStore>().ListAsync()).Where(a => a.ActorType == "Person").ToList();
        var owner = people.Single(a => a.Id == report.LocalAuthorId).Username;
        var other = people.First(a => a.Id != report.LocalAuthorId).Username;
        await using var ownerContext = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB", BaseURL = _node.BaseUrl });
        var ownerPage = await SignedInAsync(ownerContext, owner);
        await ownerPage.GotoAsync("/write");
        await ownerPage.GetByLabel("Title").FillAsync("My private draft");
        await ownerPage.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
        await ownerPage.WaitForURLAsync("**/drafts/*?saved=1");
        var draftPath = new Uri(ownerPage.Url).AbsolutePath;

        // Someone else's draft: not found, in their browser.
        await using var otherContext = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB", BaseURL = _node.BaseUrl });
        var otherPage = await SignedInAsync(otherContext, other);
        var notTheirs = await otherPage.GotoAsync(draftPath);
        Assert.Equal(404, notTheirs!.Status);
        Assert.Contains("you have no such draft", await otherPage.ContentAsync());
        await ScreenshotAsync(otherPage, "another-draft");

        // A forged token: the form is refused and the draft stays as it was.
        await ownerPage.GotoAsync(draftPath);
        await ownerPage.GetByLabel("Title").FillAsync("Changed through a forged form");
        await ownerPage.EvaluateAsync("() => document.querySelector('form.editor input[name=__RequestVerificationToken]').value = 'forged'");
        var forged = await ownerPage.RunAndWaitForResponseAsync(
            () => ownerPage.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync(), r => r.Request.Method == "POST");
        Assert.Equal(400, forged.Status);
        Assert.Contains("security token is missing or out of date", await ownerPage.ContentAsync());
        await ScreenshotAsync(ownerPage, "forged-token");
        var ownerId = (await _node.Get<ActorStore>().FindByUsernameAsync(owner))!.Id;
        Assert.Contains(await _node.Get<IDraftStore>().ListAsync(ownerId), d => d.Fields.Title == "My private draft");

        // A withdrawn report: its page says so (410), and its Edit is gone.
        await ownerPage.GotoAsync($"/library/{report.Id}");
        await ownerPage.GetByRole(AriaRole.Button, new() { Name = "Withdraw this report" }).ClickAsync();
        var withdrawn = await ownerPage.GotoAsync($"/library/{report.Id}");
        Assert.Equal(410, withdrawn!.Status);
        Assert.Contains("This report was deleted", await ownerPage.ContentAsync());
        var edit = await ownerPage.GotoAsync($"/reports/{report.LocalSlug}/edit");
        Assert.Equal(404, edit!.Status);
        await ScreenshotAsync(ownerPage, "withdrawn");

        // A suspended account: its open browser is signed out at once, and it cannot sign in again.
        await using (var scope = _node.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<AccountService>().SetSuspendedAsync((await _node.Get<ActorStore>().FindByUsernameAsync(other))!.Id, true);
        await otherPage.GotoAsync("/settings");
        Assert.Contains("/sign-in", otherPage.Url);
        await otherPage.GetByLabel("Username").FillAsync(other);
        await otherPage.GetByLabel("Password").FillAsync("camtree-demo");
        await otherPage.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        Assert.Contains("/sign-in", otherPage.Url);
        Assert.Equal(1, await otherPage.Locator("[role=alert]").CountAsync());
        await ScreenshotAsync(otherPage, "suspended");
    }
}
