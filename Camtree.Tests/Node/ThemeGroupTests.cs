using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Camtree.Node.Cli;
using Camtree.Node.Library.Themes;
using Camtree.Node.Storage;
using Camtree.Protocol.Signatures.Proofs;
using Camtree.Protocol.Vocabulary;
using Camtree.Tests.Support;

namespace Camtree.Tests.Node;

/// <summary>The handle a theme's group gets: a username Mastodon accepts, the same on every node.</summary>
public sealed class ThemeHandleTests
{
    [Theory]
    [InlineData("oracy", "oracy")]
    [InlineData("evaluación", "evaluacion")]
    [InlineData("formative-assessment", "formative_assessment")]
    [InlineData("--a..b--", "a_b")]
    [InlineData("educação_infantil", "educacao_infantil")]
    [InlineData("a-very-long-theme-name-that-goes-on-and-on", "a_very_long_theme_name_that_go")]
    [InlineData("thirty-characters-exactly-here_", "thirty_characters_exactly_here")]
    public void A_theme_folds_to_a_username(string theme, string handle)
    {
        Assert.Equal(handle, ThemeHandles.Preferred(theme));
        Assert.Matches("^[a-z0-9_]{1,30}$", handle);
    }

    [Fact]
    public void A_theme_with_nothing_left_gets_a_stable_fallback()
    {
        Assert.Equal("", ThemeHandles.Preferred("読解力"));
        Assert.Matches("^theme_[0-9a-f]{8}$", ThemeHandles.Fallback("読解力"));
        Assert.Equal(ThemeHandles.Fallback("読解力"), ThemeHandles.Fallback("読解力"));
        Assert.NotEqual(ThemeHandles.Fallback("読解力"), ThemeHandles.Fallback("oracy"));
    }
}

/// <summary>What a group's Announce shares, in either of its forms.</summary>
public sealed class GroupAnnounceTests
{
    [Fact]
    public void The_FEP_1b12_form_shares_the_object_of_the_Create_it_relays()
    {
        var relayed = Camtree.Protocol.JsonLd.IncomingObject.Parse(Encoding.UTF8.GetBytes("""
            {"id":"https://a.example/activities/2","type":"Announce","actor":"https://a.example/users/oracy","audience":"https://a.example/users/oracy",
             "object":{"id":"https://a.example/activities/1","type":"Create","actor":"https://a.example/users/ana",
                       "object":{"id":"https://a.example/reports/r1","type":"Article","attributedTo":"https://a.example/users/ana"}}}
            """));
        Assert.Equal("https://a.example/reports/r1", Camtree.Node.Federation.Handlers.AnnounceHandler.SharedObject(relayed));
        var boost = Camtree.Protocol.JsonLd.IncomingObject.Parse(Encoding.UTF8.GetBytes("""
            {"id":"https://a.example/activities/3","type":"Announce","actor":"https://a.example/users/oracy","object":"https://a.example/reports/r1"}
            """));
        Assert.Equal("https://a.example/reports/r1", Camtree.Node.Federation.Handlers.AnnounceHandler.SharedObject(boost));
        // An Announce of some other embedded activity (a Like) shares that activity, as before.
        var like = Camtree.Protocol.JsonLd.IncomingObject.Parse(Encoding.UTF8.GetBytes("""
            {"id":"https://a.example/activities/4","type":"Announce","actor":"https://a.example/users/oracy",
             "object":{"id":"https://a.example/activities/5","type":"Like","actor":"https://a.example/users/ana","object":"https://a.example/reports/r1"}}
            """));
        Assert.Equal("https://a.example/activities/5", Camtree.Node.Federation.Handlers.AnnounceHandler.SharedObject(like));
    }
}

/// <summary>
/// Theme groups (FEP-1b12) across two real nodes: a theme of a report published on A is a Group on A that a practitioner
/// on B follows (accepted at once); A's next report on the theme reaches B as the group's two Announces (the signed
/// Create embedded, and the Article), counted as one share; a share on A is announced by the group once; comments never.
/// </summary>
public sealed class ThemeGroupTests : IAsyncLifetime
{
    private TestNode _a = null!;
    private TestNode _b = null!;
    private HttpClient _noRedirects = null!;

    public async Task InitializeAsync()
    {
        var nodes = await Task.WhenAll(TestNode.StartAsync("themes-a"), TestNode.StartAsync("themes-b"));
        (_a, _b) = (nodes[0], nodes[1]);
        _noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(_a.BaseUrl) };
    }

    public async Task DisposeAsync()
    {
        _noRedirects.Dispose();
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    internal static async Task<string> PublishAsync(Practitioner author, string title, params string[] themes)
    {
        using var response = await author.Api.PostAsJsonAsync("/api/v1/reports", new { title, language = "en", findings = "More pupils spoke.", themes });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("iri").GetString()!;
    }

    private async Task<IReadOnlyList<OutboxEntry>> GroupOutboxAsync(TestNode node, string username)
    {
        var actor = (await node.Get<ActorStore>().FindByUsernameAsync(username))!;
        return await node.Get<OutboxStore>().PagePublicAsync(actor.Id, null, 100);
    }

    [Fact]
    public async Task A_theme_is_a_Group_actor_found_by_WebFinger_and_listed_in_NodeInfo()
    {
        var ana = await _a.AddPractitionerAsync("ana", "Ana Souza");
        await PublishAsync(ana, "Talk partners", "oracy", "evaluación");

        var finger = await _a.Http.GetFromJsonAsync<JsonElement>($"/.well-known/webfinger?resource=acct:oracy@{_a.Authority}");
        var self = finger.GetProperty("links").EnumerateArray().First(l => l.GetProperty("rel").GetString() == "self").GetProperty("href").GetString()!;
        var group = await _a.ActivityPubAsync(self);
        Assert.Equal("Group", group.GetProperty("type").GetString());
        Assert.Equal("#oracy", group.GetProperty("name").GetString());
        Assert.Equal($"{_a.BaseUrl}/themes/oracy", group.GetProperty("url").GetString());
        Assert.False(group.GetProperty("manuallyApprovesFollowers").GetBoolean());
        Assert.Contains("BEGIN PUBLIC KEY", group.GetProperty("publicKey").GetProperty("publicKeyPem").GetString());
        Assert.Equal("Multikey", group.GetProperty("assertionMethod")[0].GetProperty("type").GetString());
        // A theme with a diacritic has a folded handle.
        Assert.NotNull(await _a.Get<ActorStore>().FindByUsernameAsync("evaluacion"));

        var nodeInfo = await _a.Http.GetFromJsonAsync<JsonElement>("/nodeinfo/2.1");
        var oracy = nodeInfo.GetProperty("metadata").GetProperty("camtree").GetProperty("themes").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "oracy");
        Assert.Equal(self, oracy.GetProperty("actor").GetString());
        Assert.Equal($"@oracy@{_a.Authority}", oracy.GetProperty("handle").GetString());

        // Its profile address is its theme's page; an unknown theme is 404 with a reason.
        using var profile = await _noRedirects.GetAsync("/@oracy");
        Assert.Equal(HttpStatusCode.Redirect, profile.StatusCode);
        Assert.Equal("/themes/oracy", profile.Headers.Location!.OriginalString);
        using var unknown = await _a.Http.GetAsync("/themes/no-such-theme");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("no theme #no-such-theme", await unknown.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Following_a_theme_from_another_node_brings_its_reports_announced_both_ways_and_counted_once()
    {
        var ana = await _a.AddPractitionerAsync("ana", "Ana Souza");
        await PublishAsync(ana, "Talk partners", "oracy");
        var bea = await _b.AddPractitionerAsync("bea", "Bea Santos");
        var groupIri = $"{_a.BaseUrl}/users/oracy";
        using (var follow = await bea.Api.PostAsJsonAsync("/api/v1/follows", new { target = $"@oracy@{_a.Authority}" }))
            Assert.Equal(HttpStatusCode.Accepted, follow.StatusCode);
        await Eventually.TrueAsync(async () => (await _b.Get<FollowStore>().FindFollowingAsync(bea.Actor.Id, groupIri))?.State == FollowStates.Accepted,
            "the group's Accept (it approves every follow)");
        Assert.Contains("1 followers", await _a.Http.GetStringAsync("/themes/oracy"));

        var iri = await PublishAsync(ana, "Sentence stems in Year 4", "oracy");
        var held = await Eventually.GetAsync(() => _b.Get<ReportStore>().FindByIriAsync(iri), "the report to reach B through the group");
        Assert.Equal("Sentence stems in Year 4", held.Title);
        // B got both Announces; they are one share by the group.
        await Eventually.TrueAsync(async () => (await _b.Get<IInboxStore>().CountAsync()) >= 3, "both Announces at B's inbox");
        Assert.Equal([groupIri], await _b.Get<InteractionStore>().ActorsAsync(InteractionKinds.Share, iri));

        // On A: the FEP-1b12 Announce embeds the Create exactly as ana signed it (its proof verifies), audience the group;
        // the other announces the Article's IRI, as Mastodon boosts.
        var sent = await GroupOutboxAsync(_a, "oracy");
        var create = (await _a.Get<OutboxStore>().FindCreateOfAsync(iri))!;
        var relayed = sent.Select(e => JsonNode.Parse(e.Json)!.AsObject()).Single(a => a["object"] is JsonObject o && o["id"]!.GetValue<string>() == create.Iri);
        Assert.Equal(groupIri, relayed["audience"]![0]!.GetValue<string>());
        Assert.Equal(JsonNode.Parse(create.Json)!.ToJsonString(), relayed["object"]!.ToJsonString());
        var proof = await _b.Get<ProofVerifier>().VerifyProofAsync(relayed["object"]!.AsObject());
        Assert.True(proof.IsValid, proof.Reason);
        Assert.Equal(ana.Iri, proof.Controller);
        Assert.Contains(sent, e => e.ObjectIri == iri && JsonNode.Parse(e.Json)!["object"]!.GetValue<string>() == iri);
    }

    [Fact]
    public async Task A_share_here_is_announced_by_the_theme_once_and_a_comment_never()
    {
        var dan = await _b.AddPractitionerAsync("dan", "Dan Okafor");
        var ana = await _a.AddPractitionerAsync("ana", "Ana Souza");
        var cleo = await _a.AddPractitionerAsync("cleo", "Cleo Reyes");
        using (await ana.Api.PostAsJsonAsync("/api/v1/follows", new { target = dan.Iri })) { }
        await Eventually.TrueAsync(async () => (await _a.Get<FollowStore>().FindFollowingAsync(ana.Actor.Id, dan.Iri))?.State == FollowStates.Accepted, "dan's Accept");
        var iri = await PublishAsync(dan, "Feedback that feeds forward", "feedback");
        var held = await Eventually.GetAsync(() => _a.Get<ReportStore>().FindByIriAsync(iri), "dan's report at A");
        Assert.Null(await _a.Get<ActorStore>().FindByUsernameAsync("feedback")); // received, not shared: no group yet

        foreach (var sharer in new[] { ana, cleo })
            using (var shared = await sharer.Api.PostAsJsonAsync("/api/v1/shares", new { @object = iri }))
                Assert.True(shared.IsSuccessStatusCode, $"share answered {(int)shared.StatusCode}");
        using (var reply = await cleo.Api.PostAsJsonAsync("/api/v1/replies", new { inReplyTo = iri, content = "We tried this with Year 8." }))
            Assert.True(reply.IsSuccessStatusCode, $"reply answered {(int)reply.StatusCode}");

        var sent = await GroupOutboxAsync(_a, "feedback");
        var announce = Assert.Single(sent);
        Assert.Equal(AsTypes.Announce, announce.ActivityType);
        Assert.Equal(iri, announce.ObjectIri);
    }

    [Fact]
    public async Task Merging_a_theme_keeps_both_handles_and_files_its_reports_under_the_other()
    {
        var ana = await _a.AddPractitionerAsync("ana", "Ana Souza");
        var first = await PublishAsync(ana, "Exit tickets", "formative-assessment");
        await PublishAsync(ana, "Hinge questions", "assessment");
        var bea = await _b.AddPractitionerAsync("bea", "Bea Santos");
        using (await bea.Api.PostAsJsonAsync("/api/v1/follows", new { target = $"@formative_assessment@{_a.Authority}" })) { }
        await Eventually.TrueAsync(async () => (await _b.Get<FollowStore>().FindFollowingAsync(bea.Actor.Id, $"{_a.BaseUrl}/users/formative_assessment"))?.State
            == FollowStates.Accepted, "the follow of the theme about to be merged");

        var themes = _a.Get<ThemeGroups>();
        await Assert.ThrowsAsync<ArgumentException>(() => themes.MergeAsync("no-such-theme", "assessment"));
        await Assert.ThrowsAsync<ArgumentException>(() => themes.MergeAsync("assessment", "#Assessment"));
        await themes.MergeAsync("#formative-assessment", "assessment");
        await Assert.ThrowsAsync<ArgumentException>(() => themes.MergeAsync("formative-assessment", "assessment"));

        // Both handles still answer; the merged theme's page is the other's, which lists both reports.
        foreach (var handle in new[] { "formative_assessment", "assessment" })
            using (var finger = await _a.Http.GetAsync($"/.well-known/webfinger?resource=acct:{handle}@{_a.Authority}"))
                Assert.Equal(HttpStatusCode.OK, finger.StatusCode);
        using (var merged = await _noRedirects.GetAsync("/themes/formative-assessment"))
        {
            Assert.Equal(HttpStatusCode.Redirect, merged.StatusCode);
            Assert.Equal("/themes/assessment", merged.Headers.Location!.OriginalString);
        }
        var page = await _a.Http.GetStringAsync("/themes/assessment");
        Assert.Contains("Exit tickets", page);
        Assert.Contains("Hinge questions", page);
        Assert.DoesNotContain("formative-assessment", await _a.Http.GetStringAsync("/themes"));

        // A new report with the old theme is filed under the new one, and the follower of the old one still receives it.
        var later = await PublishAsync(ana, "Traffic lights", "formative-assessment");
        var report = (await _a.Get<ReportStore>().FindByIriAsync(later))!;
        Assert.Contains(report.Id, (await _a.Get<ReportStore>().ListByThemeAsync("assessment", 10, null)).Select(r => r.Id));
        await Eventually.GetAsync(() => _b.Get<ReportStore>().FindByIriAsync(later), "the report to reach the old theme's follower");
        Assert.NotEqual(first, later);
        Assert.Contains(await GroupOutboxAsync(_a, "assessment"), e => e.ObjectIri == later);
    }

    [Fact]
    public async Task The_directory_lists_themes_with_their_followers_and_a_signed_in_practitioner_follows_from_it()
    {
        var ana = await _a.AddPractitionerAsync("ana", "Ana Souza");
        await PublishAsync(ana, "Talk partners", "oracy");
        var directory = await _a.Http.GetStringAsync("/themes");
        Assert.Contains($"@oracy@{_a.Authority}", directory);
        Assert.DoesNotContain("action=\"/follow\"", directory); // a visitor is not offered the form

        await _a.AddPractitionerAsync("cleo", "Cleo Reyes");
        using var cleo = await _a.SignInAsync("cleo");
        using (var follow = await cleo.SubmitAsync("/themes", "/follow", new Dictionary<string, string> { ["target"] = $"{_a.BaseUrl}/users/oracy", ["back"] = "/themes" }))
            Assert.Equal("/themes", follow.Headers.Location!.OriginalString);
        await Eventually.TrueAsync(async () => (await cleo.PageAsync("/themes/oracy")).Contains("You follow #oracy."), "the group's Accept");
        Assert.Contains("<td>1</td>", await _a.Http.GetStringAsync("/themes"));
    }
}

/// <summary>What a theme group refuses: a follow from a blocked server, an oversized body; nothing is stored.</summary>
public sealed class ThemeGroupRefusalTests
{
    [Fact]
    public async Task A_follow_of_a_theme_from_a_blocked_server_is_refused_and_nothing_is_stored()
    {
        await using var outside = await TestNode.StartAsync("themes-outside");
        await using var library = await TestNode.StartAsync("themes-closed", settings: new Dictionary<string, string?>
        {
            ["Camtree:Federation:Mode"] = "Blocklist", ["Camtree:Federation:Domains:0"] = outside.Authority,
        });
        var ana = await library.AddPractitionerAsync("ana", "Ana Souza");
        await ThemeGroupTests.PublishAsync(ana, "Talk partners", "oracy");
        var outsider = await outside.AddPractitionerAsync("outsider", "Outsider");
        var groupIri = $"{library.BaseUrl}/users/oracy";
        using (await outsider.Api.PostAsJsonAsync("/api/v1/follows", new { target = groupIri })) { }
        var follow = (await outside.Get<FollowStore>().FindFollowingAsync(outsider.Actor.Id, groupIri))!;
        await Eventually.TrueAsync(async () =>
            (await outside.Get<DeliveryStore>().ForActivityAsync(follow.FollowActivityIri)).Single().State == DeliveryStates.Failed, "the Follow to be refused");
        Assert.Equal(403, (await outside.Get<DeliveryStore>().ForActivityAsync(follow.FollowActivityIri)).Single().LastStatus);
        var group = (await library.Get<ActorStore>().FindByUsernameAsync("oracy"))!;
        Assert.Empty(await library.Get<FollowStore>().ListFollowersAsync(group.Id, state: null));
        Assert.Equal(0, await library.Get<IInboxStore>().CountAsync());
    }

    [Fact]
    public async Task An_oversized_announce_to_a_theme_s_inbox_is_refused_with_413()
    {
        await using var node = await TestNode.StartAsync("themes-big");
        var ana = await node.AddPractitionerAsync("ana", "Ana Souza");
        await ThemeGroupTests.PublishAsync(ana, "Talk partners", "oracy");
        var padding = new string('x', 1024 * 1024);
        using var content = new StringContent($$"""{"type":"Announce","actor":"http://127.0.0.1:9/users/x","object":"{{padding}}"}""", Encoding.UTF8,
            ActivityStreams.MediaType);
        using var response = await node.Http.PostAsync("/users/oracy/inbox", content);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, await node.Get<IInboxStore>().CountAsync());
    }

    [Fact]
    public async Task The_operator_lists_and_merges_themes_from_the_command_line()
    {
        await using var node = await TestNode.StartAsync("themes-cli");
        var ana = await node.AddPractitionerAsync("ana", "Ana Souza");
        await ThemeGroupTests.PublishAsync(ana, "Talk partners", "talk");
        await ThemeGroupTests.PublishAsync(ana, "Sentence stems", "oracy");
        await node.StopAsync();

        var list = new StringWriter();
        Assert.Equal(0, await NodeCommandLine.RunAsync(["theme", "list", "--data-dir", node.DataDirectory, .. node.StorageArguments], list));
        Assert.Contains("oracy\t@oracy@", list.ToString());
        var refused = new StringWriter();
        Assert.Equal(1, await NodeCommandLine.RunAsync(["theme", "merge", "nothing", "oracy", "--data-dir", node.DataDirectory, .. node.StorageArguments], refused));
        Assert.Contains("there is no theme 'nothing'", refused.ToString());
        var merged = new StringWriter();
        Assert.Equal(0, await NodeCommandLine.RunAsync(["theme", "merge", "talk", "oracy", "--data-dir", node.DataDirectory, .. node.StorageArguments], merged));
        Assert.Contains("merged #talk into #oracy", merged.ToString());

        await node.StartAgainAsync();
        Assert.Equal("oracy", (await node.Get<ThemeGroupStore>().FindAsync("talk"))!.MergedInto);
    }
}
