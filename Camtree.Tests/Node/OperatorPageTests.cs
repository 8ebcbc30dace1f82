using System.Net;
using Camtree.Node.Storage;
using Camtree.Tests.Support;

namespace Camtree.Tests.Node;

/// <summary>The operator's page: invitations, suspending and restoring accounts, and who may open it.</summary>
public sealed class OperatorPageTests : IAsyncLifetime
{
    private TestNode _node = null!;

    public async Task InitializeAsync() => _node = await TestNode.StartAsync("operator", seedDemo: true);

    public async Task DisposeAsync() => await _node.DisposeAsync();

    private async Task<Browser> SignedInAsync(string userName)
    {
        var browser = new Browser(_node.BaseUrl);
        using var signedIn = await browser.SubmitAsync("/sign-in", "/sign-in", new Dictionary<string, string> { ["userName"] = userName, ["password"] = "camtree-demo" });
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return browser;
    }

    [Fact]
    public async Task The_operator_invites_and_suspends_and_restores_a_practitioner()
    {
        using var hannah = await SignedInAsync("hannah_whitfield"); // the demo's operator
        Assert.Contains("href=\"/operator\"", await hannah.PageAsync("/settings"));
        var page = await hannah.PageAsync("/operator");
        Assert.Contains("valentina_rojas", page);
        Assert.Contains("Mode: <strong>Open</strong>", page);

        using (var invited = await hannah.SubmitAsync("/operator", "/operator/invitations", new Dictionary<string, string> { ["email"] = "lucia@escuela.example" }))
        {
            var html = await invited.Content.ReadAsStringAsync();
            var link = System.Text.RegularExpressions.Regex.Match(html, @"<code>([^<]+/sign-up\?invitation=[A-Za-z0-9_-]+)</code>").Groups[1].Value;
            Assert.NotEmpty(link);
            using var newcomer = new Browser(_node.BaseUrl);
            Assert.Contains("name=\"invitation\"", await newcomer.PageAsync(link[_node.BaseUrl.Length..]));
        }

        using var valentina = await SignedInAsync("valentina_rojas");
        var id = (await _node.Get<ActorStore>().FindByUsernameAsync("valentina_rojas"))!.Id;
        using (var suspended = await hannah.SubmitAsync("/operator", $"/operator/practitioners/{id}/suspend", new Dictionary<string, string>()))
            Assert.Equal("/operator?done=suspend", suspended.Headers.Location!.OriginalString);
        using (var out1 = await valentina.GetAsync("/settings")) Assert.Equal(HttpStatusCode.Redirect, out1.StatusCode); // her cookie stopped working
        using (var refused = await new Browser(_node.BaseUrl).SubmitAsync("/sign-in", "/sign-in",
                   new Dictionary<string, string> { ["userName"] = "valentina_rojas", ["password"] = "camtree-demo" }))
            Assert.Contains("suspended", await refused.Content.ReadAsStringAsync());
        Assert.Contains("Lift the suspension of valentina_rojas", await hannah.PageAsync("/operator"));

        using (var restored = await hannah.SubmitAsync("/operator", $"/operator/practitioners/{id}/restore", new Dictionary<string, string>()))
            Assert.Equal("/operator?done=restore", restored.Headers.Location!.OriginalString);
        using var back = await SignedInAsync("valentina_rojas");
    }

    [Fact]
    public async Task Only_operators_open_it_and_an_operator_cannot_suspend_themselves()
    {
        using var valentina = await SignedInAsync("valentina_rojas");
        using (var denied = await valentina.GetAsync("/operator"))
        {
            Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
            Assert.StartsWith("/forbidden", denied.Headers.Location!.PathAndQuery);
        }
        using (var forbidden = await valentina.GetAsync("/forbidden")) Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        using (var visitor = await new Browser(_node.BaseUrl).GetAsync("/operator")) Assert.StartsWith("/sign-in", visitor.Headers.Location!.PathAndQuery);

        using var hannah = await SignedInAsync("hannah_whitfield");
        var self = (await _node.Get<ActorStore>().FindByUsernameAsync("hannah_whitfield"))!.Id;
        var token = Browser.AntiforgeryToken(await hannah.PageAsync("/operator"));
        using (var own = await hannah.PostAsync($"/operator/practitioners/{self}/suspend", new Dictionary<string, string> { ["__RequestVerificationToken"] = token }))
            Assert.Equal(HttpStatusCode.BadRequest, own.StatusCode);
        using (var noToken = await hannah.PostAsync($"/operator/practitioners/{self + 1}/suspend", new Dictionary<string, string>()))
            Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        await hannah.PageAsync("/operator"); // still an operator, still signed in
    }

    [Fact]
    public async Task The_operator_merges_two_themes_from_the_page_and_both_handles_lead_to_one()
    {
        using var hannah = await SignedInAsync("hannah_whitfield");
        var page = await hannah.PageAsync("/operator");
        Assert.Contains("action=\"/operator/themes/merge\"", page);
        Assert.Contains("<option value=\"student-voice\">", page);

        using (var merged = await hannah.SubmitAsync("/operator", "/operator/themes/merge", new Dictionary<string, string> { ["from"] = "student-voice", ["into"] = "oracy" }))
            Assert.Equal("/operator?done=merge", merged.Headers.Location!.OriginalString);
        Assert.Contains("both handles lead there", await hannah.PageAsync("/operator?done=merge"));
        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(_node.BaseUrl) };
        using (var old = await noRedirects.GetAsync("/themes/student-voice"))
            Assert.EndsWith("/themes/oracy", old.Headers.Location!.OriginalString);

        // Merging it again, an unknown theme, an empty choice or a form without its token: 400 with the reason.
        foreach (var (from, into, reason) in new[] { ("student-voice", "oracy", "already"), ("gardening", "oracy", "there is no theme"), ("", "oracy", "choose the theme") })
        {
            using var refused = await hannah.SubmitAsync("/operator", "/operator/themes/merge", new Dictionary<string, string> { ["from"] = from, ["into"] = into });
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains(reason, await refused.Content.ReadAsStringAsync());
        }
        using (var noToken = await hannah.PostAsync("/operator/themes/merge", new Dictionary<string, string> { ["from"] = "oracy", ["into"] = "mentoring" }))
            Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        using var valentina = await SignedInAsync("valentina_rojas");
        using (var denied = await valentina.PostAsync("/operator/themes/merge", new Dictionary<string, string> { ["from"] = "oracy", ["into"] = "mentoring" }))
        {
            Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
            Assert.StartsWith("/forbidden", denied.Headers.Location!.PathAndQuery);
        }
        Assert.Equal("oracy", (await _node.Get<Camtree.Node.Storage.ThemeGroupStore>().FindAsync("oracy"))!.Current);
    }
}
