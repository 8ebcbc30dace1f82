using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Camtree.Node.Accounts;
using Camtree.Node.Storage;
using Camtree.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Camtree.Tests.Node;

/// <summary>
/// Following and discussing across two real nodes from the browser (forms, no script): a teacher on B finds a teacher
/// on A by handle and follows her; A's next report reaches B; the teacher on B comments on it and likes it from B's
/// report page, and both reach A.
/// </summary>
public sealed class ConnectPagesTests : IAsyncLifetime
{
    private TestNode _a = null!;
    private TestNode _b = null!;

    public async Task InitializeAsync()
    {
        var nodes = await Task.WhenAll(TestNode.StartAsync("connect-a"), TestNode.StartAsync("connect-b"));
        (_a, _b) = (nodes[0], nodes[1]);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    private static async Task<Browser> SignedInAsync(TestNode node, string userName, string password)
    {
        await using (var scope = node.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<AccountService>().SetPasswordAsync(userName, password);
        var browser = new Browser(node.BaseUrl);
        using var signedIn = await browser.SubmitAsync("/sign-in", "/sign-in", new Dictionary<string, string> { ["userName"] = userName, ["password"] = password });
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return browser;
    }

    [Fact]
    public async Task A_teacher_finds_follows_comments_on_and_likes_a_report_from_another_node()
    {
        var ana = await _a.AddPractitionerAsync("ana", "Ana Souza");
        await _b.AddPractitionerAsync("bea", "Bea Santos");
        using var bea = await SignedInAsync(_b, "bea", "lesson study in year four");

        Assert.Contains("Follow practitioners and libraries", await bea.PageAsync("/home"));
        // Find by handle (WebFinger, then the actor), and follow.
        var found = await bea.PageAsync($"/find?who={Uri.EscapeDataString(ana.Handle)}");
        Assert.Contains("<h2 id=\"found-name\">Ana Souza</h2>", found);
        using (var follow = await bea.SubmitAsync($"/find?who={Uri.EscapeDataString(ana.Handle)}", "/follow", new Dictionary<string, string> { ["target"] = ana.Iri }))
            Assert.Equal(HttpStatusCode.Redirect, follow.StatusCode);
        await Eventually.TrueAsync(async () => (await bea.PageAsync($"/find?who={Uri.EscapeDataString(ana.Iri)}")).Contains("You follow Ana Souza"),
            "Ana's Accept to reach B");

        // Ana's next report reaches B; Bea comments on it and likes it from B's page.
        using (var published = await ana.Api.PostAsJsonAsync("/api/v1/reports", new { title = "Talk partners in Year 4", language = "en", findings = "Quieter pupils spoke more." }))
            Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        var report = await Eventually.GetAsync(async () => (await _b.Get<ReportStore>().ListAsync(ReportOrigin.Federated, limit: 10)).FirstOrDefault(),
            "Ana's report to reach B");
        var page = $"/library/{report.Id}";
        Assert.Contains("Talk partners in Year 4", await bea.PageAsync("/home")); // her home feed has it
        Assert.Contains("Sign in</a> to comment", await _b.Http.GetStringAsync(page)); // a visitor is asked to sign in

        using (var comment = await bea.SubmitAsync(page, $"{page}/comment", new Dictionary<string, string> { ["comment"] = "We tried this with *sentence stems* too." }))
        {
            Assert.Equal(HttpStatusCode.Redirect, comment.StatusCode);
            Assert.Equal($"{page}?done=comment#comments", comment.Headers.Location!.OriginalString);
        }
        var after = await bea.PageAsync($"{page}?done=comment");
        Assert.Contains("Comment sent.", after);
        Assert.Contains("<em>sentence stems</em>", after);
        using (var like = await bea.SubmitAsync(page, $"{page}/like", new Dictionary<string, string>()))
            Assert.Equal(HttpStatusCode.Redirect, like.StatusCode);
        Assert.Contains("aria-pressed=\"true\">Liked</button>", await bea.PageAsync(page));

        // Both reach A: the comment under Ana's report, and the like counted.
        var onA = (await _a.Get<ReportStore>().ListAsync(ReportOrigin.Local, limit: 10)).Single();
        await Eventually.TrueAsync(async () =>
        {
            var html = await _a.Http.GetStringAsync($"/library/{onA.Id}");
            return html.Contains("<em>sentence stems</em>") && html.Contains("1 likes");
        }, "Bea's comment and like to reach A");
    }

    [Fact]
    public async Task The_author_approves_a_follow_request_once_and_is_notified_of_comments_and_likes()
    {
        await _a.AddPractitionerAsync("ana", "Ana Souza", manuallyApprovesFollowers: true);
        var anaIri = $"{_a.BaseUrl}/users/ana";
        await _b.AddPractitionerAsync("bea", "Bea Santos");
        using var bea = await SignedInAsync(_b, "bea", "lesson study in year four");
        using var ana = await SignedInAsync(_a, "ana", "exit tickets every friday");
        Assert.Contains("Nothing yet", await ana.PageAsync("/notifications"));

        using (var follow = await bea.SubmitAsync($"/find?who={Uri.EscapeDataString(anaIri)}", "/follow", new Dictionary<string, string> { ["target"] = anaIri }))
            Assert.Equal(HttpStatusCode.Redirect, follow.StatusCode);
        Assert.Contains("Follow requested", await bea.PageAsync($"/find?who={Uri.EscapeDataString(anaIri)}"));
        var beaIri = $"{_b.BaseUrl}/users/bea";
        await Eventually.TrueAsync(async () => (await ana.PageAsync("/notifications")).Contains("asks to follow you"), "Bea's request to reach Ana");

        var answer = new Dictionary<string, string> { ["follower"] = beaIri, ["decision"] = "approve" };
        using (var approved = await ana.SubmitAsync("/notifications", "/notifications/followers", answer))
            Assert.Equal("/notifications?done=approve", approved.Headers.Location!.OriginalString);
        // The request is gone from the page; a second answer, posted anyway (with a token of hers), approves nothing.
        var token = Browser.AntiforgeryToken(await ana.PageAsync("/settings"));
        using (var twice = await ana.PostAsync("/notifications/followers", new Dictionary<string, string>(answer) { ["__RequestVerificationToken"] = token }))
            Assert.Equal(HttpStatusCode.NotFound, twice.StatusCode);
        Assert.Contains("<strong>Bea Santos</strong> follows you.", await ana.PageAsync("/notifications"));
        await Eventually.TrueAsync(async () => (await bea.PageAsync($"/find?who={Uri.EscapeDataString(anaIri)}")).Contains("You follow Ana Souza"),
            "the Accept to reach B");

        var anaApi = (await _a.Get<ActorStore>().FindByUsernameAsync("ana"))!;
        var report = await _a.Get<Camtree.Node.Library.ReportService>().PublishAsync(anaApi, new Camtree.Node.Library.ReportDraft
        {
            Title = "Exit tickets on Fridays", Language = "en", Findings = "Planning changed.",
        });
        var onB = await Eventually.GetAsync(async () => (await _b.Get<ReportStore>().ListAsync(ReportOrigin.Federated, limit: 10)).FirstOrDefault(),
            "the report to reach B");
        using (var comment = await bea.SubmitAsync($"/library/{onB.Id}", $"/library/{onB.Id}/comment", new Dictionary<string, string> { ["comment"] = "Which questions worked best?" }))
            Assert.Equal(HttpStatusCode.Redirect, comment.StatusCode);
        using (var like = await bea.SubmitAsync($"/library/{onB.Id}", $"/library/{onB.Id}/like", new Dictionary<string, string>()))
            Assert.Equal(HttpStatusCode.Redirect, like.StatusCode);
        await Eventually.TrueAsync(async () =>
        {
            var html = await ana.PageAsync("/notifications");
            return html.Contains($"commented on <a href=\"/library/{report.Id}#comments\">Exit tickets on Fridays</a>")
                && html.Contains("Which questions worked best?") && html.Contains($"liked <a href=\"/library/{report.Id}\">");
        }, "Ana to be notified of Bea's comment and like");
    }

    [Fact]
    public async Task Report_forms_need_a_signed_in_practitioner_a_live_report_and_the_pages_token()
    {
        var ana = await _a.AddPractitionerAsync("ana", "Ana Souza");
        using (var published = await ana.Api.PostAsJsonAsync("/api/v1/reports", new { title = "Exit tickets", language = "en", findings = "f" }))
            Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        var report = (await _a.Get<ReportStore>().ListAsync(ReportOrigin.Local, limit: 1)).Single();
        var page = $"/library/{report.Id}";
        using var teacher = await SignedInAsync(_a, "ana", "a long enough password");
        var token = Browser.AntiforgeryToken(await teacher.PageAsync(page));

        using (var visitor = new Browser(_a.BaseUrl))
        using (var anonymous = await visitor.PostAsync($"{page}/comment", new Dictionary<string, string> { ["comment"] = "hello", ["__RequestVerificationToken"] = token }))
        {
            Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
            Assert.StartsWith("/sign-in", anonymous.Headers.Location!.PathAndQuery);
        }
        using (var noToken = await teacher.PostAsync($"{page}/like", new Dictionary<string, string>()))
            Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        using (var empty = await teacher.PostAsync($"{page}/comment", new Dictionary<string, string> { ["comment"] = "  ", ["__RequestVerificationToken"] = token }))
            Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);

        using (var withdraw = await ana.Api.DeleteAsync($"/api/v1/reports/{report.LocalSlug}"))
            Assert.Equal(HttpStatusCode.NoContent, withdraw.StatusCode);
        using var gone = await teacher.PostAsync($"{page}/comment", new Dictionary<string, string> { ["comment"] = "hello", ["__RequestVerificationToken"] = token });
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Empty(await _a.Get<InteractionStore>().CommentsOnAsync(report.Iri));
    }

    [Fact]
    public async Task A_follow_started_on_another_site_lands_on_the_subscribe_page_webfinger_names()
    {
        var ana = await _a.AddPractitionerAsync("ana", "Ana Souza");
        await _b.AddPractitionerAsync("bea", "Bea Santos");
        var jrd = await _b.Http.GetFromJsonAsync<JsonElement>($"/.well-known/webfinger?resource=acct:bea@{_b.Authority}");
        var subscribe = jrd.GetProperty("links").EnumerateArray().Single(l => l.GetProperty("rel").GetString() == "http://ostatus.org/schema/1.0/subscribe");
        var template = subscribe.GetProperty("template").GetString()!;
        Assert.Equal($"{_b.BaseUrl}/authorize_interaction?uri={{uri}}", template);

        var target = template.Replace("{uri}", Uri.EscapeDataString($"acct:ana@{_a.Authority}"))[_b.BaseUrl.Length..];
        using (var visitor = new Browser(_b.BaseUrl))
        using (var anonymous = await visitor.GetAsync(target))
            Assert.StartsWith("/sign-in", anonymous.Headers.Location!.PathAndQuery); // sign in first, then back here
        using var bea = await SignedInAsync(_b, "bea", "lesson study in year four");
        using (var landed = await bea.GetAsync(target))
        {
            Assert.Equal(HttpStatusCode.Redirect, landed.StatusCode);
            Assert.Equal($"/find?who={Uri.EscapeDataString($"@ana@{_a.Authority}")}", landed.Headers.Location!.OriginalString);
        }
        Assert.Contains("<h2 id=\"found-name\">Ana Souza</h2>", await bea.PageAsync($"/find?who={Uri.EscapeDataString(ana.Iri)}"));
        using var nothing = await bea.GetAsync("/authorize_interaction");
        Assert.Equal(HttpStatusCode.BadRequest, nothing.StatusCode);
    }

    [Fact]
    public async Task A_profile_change_on_the_settings_page_reaches_the_followers_server()
    {
        var ana = await _a.AddPractitionerAsync("ana", "Ana Souza");
        await _b.AddPractitionerAsync("bea", "Bea Santos");
        using var bea = await SignedInAsync(_b, "bea", "lesson study in year four");
        using (var follow = await bea.SubmitAsync($"/find?who={Uri.EscapeDataString(ana.Iri)}", "/follow", new Dictionary<string, string> { ["target"] = ana.Iri }))
            Assert.Equal(HttpStatusCode.Redirect, follow.StatusCode);
        await Eventually.TrueAsync(async () => (await bea.PageAsync($"/find?who={Uri.EscapeDataString(ana.Iri)}")).Contains("You follow Ana Souza"), "the follow");

        using var anaBrowser = await SignedInAsync(_a, "ana", "exit tickets every friday");
        using (var empty = await anaBrowser.SubmitAsync("/settings", "/settings/profile", new Dictionary<string, string> { ["displayName"] = " ", ["summary"] = "kept" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
            Assert.Contains("<a href=\"#displayName\">say your name as readers should see it</a>", await empty.Content.ReadAsStringAsync());
        }
        using (var saved = await anaBrowser.SubmitAsync("/settings", "/settings/profile", new Dictionary<string, string>
               { ["displayName"] = "Ana Souza Lima", ["summary"] = "Anos iniciais, São Paulo.", ["manuallyApprovesFollowers"] = "true" }))
            Assert.Equal("/settings?done=profile", saved.Headers.Location!.OriginalString);
        using var asActivityPub = new HttpRequestMessage(HttpMethod.Get, ana.Iri);
        asActivityPub.Headers.Accept.ParseAdd("application/activity+json");
        using var document = await _a.Http.SendAsync(asActivityPub);
        var actor = await document.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Ana Souza Lima", actor.GetProperty("name").GetString());
        Assert.True(actor.GetProperty("manuallyApprovesFollowers").GetBoolean());
        Assert.Contains("Anos iniciais, São Paulo.", await _a.Http.GetStringAsync("/@ana"));
        // B hears it by the Update of the actor.
        await Eventually.TrueAsync(async () => (await _b.Get<RemoteActorStore>().FindAsync(ana.Iri))?.DisplayName == "Ana Souza Lima",
            "the Update of Ana's actor to reach B");
    }

    [Fact]
    public async Task Finding_nobody_says_why()
    {
        await _b.AddPractitionerAsync("bea", "Bea Santos");
        using var bea = await SignedInAsync(_b, "bea", "lesson study in year four");
        using var unknown = await bea.GetAsync($"/find?who={Uri.EscapeDataString($"@nobody@{_a.Authority}")}");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("Nobody was found", await unknown.Content.ReadAsStringAsync());
        // Following what cannot be found, or oneself, is refused with the reason.
        var token = Browser.AntiforgeryToken(await bea.PageAsync("/settings"));
        using (var gone = await bea.PostAsync("/follow", new Dictionary<string, string> { ["target"] = $"@nobody@{_a.Authority}", ["__RequestVerificationToken"] = token }))
            Assert.Equal(HttpStatusCode.UnprocessableEntity, gone.StatusCode);
        using (var self = await bea.PostAsync("/follow", new Dictionary<string, string> { ["target"] = $"{_b.BaseUrl}/users/bea", ["__RequestVerificationToken"] = token }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, self.StatusCode);
            Assert.Contains("cannot follow itself", await self.Content.ReadAsStringAsync());
        }
        using var nonsense = await bea.GetAsync("/find?who=not%20a%20handle");
        Assert.Equal(HttpStatusCode.BadRequest, nonsense.StatusCode);
        Assert.Contains("Type a handle", await nonsense.Content.ReadAsStringAsync());
    }
}
