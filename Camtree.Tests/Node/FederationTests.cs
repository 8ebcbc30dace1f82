using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Camtree.Node.Storage;
using Camtree.Tests.Support;

namespace Camtree.Tests.Node;

/// <summary>
/// Real nodes federating over HTTP on loopback: a practitioner on one node follows one on another by handle,
/// the follow is accepted, a report published on the first arrives, verified, in the second's library.
/// </summary>
public sealed class FederationTests : IAsyncLifetime
{
    private TestNode _university = null!;
    private TestNode _schools = null!;
    private TestNode _country = null!;

    public async Task InitializeAsync()
    {
        var nodes = await Task.WhenAll(TestNode.StartAsync("university"), TestNode.StartAsync("schools"), TestNode.StartAsync("country"));
        (_university, _schools, _country) = (nodes[0], nodes[1], nodes[2]);
    }

    public async Task DisposeAsync()
    {
        await _university.DisposeAsync();
        await _schools.DisposeAsync();
        await _country.DisposeAsync();
    }

    private static async Task<JsonElement> FollowAsync(Practitioner follower, string target)
    {
        using var response = await follower.Api.PostAsJsonAsync("/api/v1/follows", new { target });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static Task WaitUntilFollowIsAsync(Practitioner follower, string targetIri, string state) =>
        Eventually.TrueAsync(async () =>
        {
            var follows = await follower.Api.GetFromJsonAsync<JsonElement>("/api/v1/follows");
            return follows.EnumerateArray().Any(f => f.GetProperty("target").GetString() == targetIri && f.GetProperty("state").GetString() == state);
        }, $"the follow of {targetIri} to be {state}");

    private static async Task<string> PublishAsync(Practitioner author, string title, string language = "en")
    {
        using var response = await author.Api.PostAsJsonAsync("/api/v1/reports", new
        {
            title, language,
            researchContext = "Two Year 8 classes in a comprehensive school.",
            aims = "To see whether talk partners raise participation.",
            methods = "Action research: two cycles, observation and pupil voice.",
            findings = "Participation rose in both classes; quieter pupils spoke more.",
            body = "## What we tried\nTalk partners before every whole-class question.",
            methodology = "action-research", educationalLevel = "secondary", country = "CL", themes = new[] { "oracy" },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("iri").GetString()!;
    }

    private static Task<JsonElement> WaitForReportAsync(TestNode node, string iri) =>
        Eventually.GetAsync<object>(async () =>
        {
            var reports = await node.Http.GetFromJsonAsync<JsonElement>("/api/v1/reports?origin=federated");
            return reports.EnumerateArray().Where(r => r.GetProperty("iri").GetString() == iri).Select(r => (object?)r).FirstOrDefault();
        }, $"{iri} to reach {node.BaseUrl}").ContinueWith(t => (JsonElement)t.Result);

    [Fact]
    public async Task A_report_published_on_one_node_reaches_a_follower_on_another_verified()
    {
        var valentina = await _university.AddPractitionerAsync("valentina", "Valentina Rojas");
        var hannah = await _schools.AddPractitionerAsync("hannah", "Hannah Whitfield");

        var follow = await FollowAsync(hannah, "@" + valentina.Handle);
        Assert.Equal(valentina.Iri, follow.GetProperty("target").GetString());
        await WaitUntilFollowIsAsync(hannah, valentina.Iri, FollowStates.Accepted);

        var followers = await valentina.Api.GetFromJsonAsync<JsonElement>("/api/v1/followers");
        Assert.Equal(hannah.Iri, Assert.Single(followers.EnumerateArray()).GetProperty("follower").GetString());

        var iri = await PublishAsync(valentina, "Compañeros de conversación en octavo básico", "es");
        var received = await WaitForReportAsync(_schools, iri);

        Assert.Equal("Compañeros de conversación en octavo básico", received.GetProperty("title").GetString());
        Assert.Equal(valentina.Iri, received.GetProperty("authorIri").GetString());
        Assert.Equal("Valentina Rojas", received.GetProperty("authorName").GetString());
        Assert.Equal("es", received.GetProperty("language").GetString());
        Assert.Equal("action-research", received.GetProperty("methodology").GetString());
        Assert.Equal(["oracy"], received.GetProperty("themes").EnumerateArray().Select(t => t.GetString()));
        // Provenance: the report's own proof (FEP-8b32) by the author's Ed25519 key, not only the HTTP signature.
        Assert.Equal($"{valentina.Iri}#ed25519-key", received.GetProperty("verifiedKeyId").GetString());

        // The schools node shows it in its library, marked as coming from the university node.
        var library = await _schools.Http.GetStringAsync("/");
        Assert.Contains("Compañeros de conversación en octavo básico", library);
        Assert.Contains($"from {_university.Authority}", library);
        var page = await _schools.Http.GetStringAsync($"/library/{received.GetProperty("id").GetInt64()}");
        Assert.Contains("Talk partners before every whole-class question.", page);
    }

    [Fact]
    public async Task Followers_on_one_node_share_one_delivery_to_its_shared_inbox()
    {
        var author = await _university.AddPractitionerAsync("shared_author", "Shared Author");
        var first = await _country.AddPractitionerAsync("reader_one", "Reader One");
        var second = await _country.AddPractitionerAsync("reader_two", "Reader Two");
        await FollowAsync(first, author.Handle);
        await FollowAsync(second, author.Iri);
        await WaitUntilFollowIsAsync(first, author.Iri, FollowStates.Accepted);
        await WaitUntilFollowIsAsync(second, author.Iri, FollowStates.Accepted);

        var iri = await PublishAsync(author, "One delivery per server");
        await WaitForReportAsync(_country, iri);

        var create = (await _university.Get<OutboxStore>().PagePublicAsync(author.Actor.Id, null, 1)).Single();
        var delivery = Assert.Single(await _university.Get<DeliveryStore>().ForActivityAsync(create.Iri));
        Assert.Equal($"{_country.BaseUrl}/inbox", delivery.InboxUrl);
        await Eventually.TrueAsync(async () =>
            (await _university.Get<DeliveryStore>().ForActivityAsync(create.Iri)).Single().State == DeliveryStates.Delivered, "delivered state");
    }

    [Fact]
    public async Task Unfollowing_sends_Undo_and_the_follower_is_removed()
    {
        var author = await _country.AddPractitionerAsync("undo_author", "Undo Author");
        var reader = await _schools.AddPractitionerAsync("undo_reader", "Undo Reader");
        await FollowAsync(reader, author.Handle);
        await WaitUntilFollowIsAsync(reader, author.Iri, FollowStates.Accepted);

        using var response = await reader.Api.DeleteAsync($"/api/v1/follows?target={Uri.EscapeDataString(author.Handle)}");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

        await Eventually.TrueAsync(async () =>
            (await author.Api.GetFromJsonAsync<JsonElement>("/api/v1/followers")).GetArrayLength() == 0, "the follower to be removed");
        var reports = await PublishAsync(author, "Not for former followers");
        var create = (await _country.Get<OutboxStore>().PagePublicAsync(author.Actor.Id, null, 1)).Single();
        Assert.Empty(await _country.Get<DeliveryStore>().ForActivityAsync(create.Iri));
    }

    [Fact]
    public async Task A_practitioner_who_approves_followers_leaves_the_follow_pending()
    {
        var careful = await _university.AddPractitionerAsync("careful", "Careful Researcher", manuallyApprovesFollowers: true);
        var reader = await _country.AddPractitionerAsync("hopeful", "Hopeful Reader");
        await FollowAsync(reader, careful.Handle);

        await Eventually.TrueAsync(async () =>
            (await careful.Api.GetFromJsonAsync<JsonElement>("/api/v1/followers")).EnumerateArray()
                .Any(f => f.GetProperty("state").GetString() == FollowStates.Pending), "a pending follower on the university node");
        var follows = await reader.Api.GetFromJsonAsync<JsonElement>("/api/v1/follows");
        Assert.Equal(FollowStates.Pending, Assert.Single(follows.EnumerateArray()).GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_pending_follower_can_be_approved_or_rejected()
    {
        var careful = await _university.AddPractitionerAsync("gatekeeper", "Gatekeeper", manuallyApprovesFollowers: true);
        var welcome = await _schools.AddPractitionerAsync("welcome", "Welcome Reader");
        var unwelcome = await _country.AddPractitionerAsync("unwelcome", "Unwelcome Reader");
        await FollowAsync(welcome, careful.Handle);
        await FollowAsync(unwelcome, careful.Handle);
        await Eventually.TrueAsync(async () =>
            (await careful.Api.GetFromJsonAsync<JsonElement>("/api/v1/followers")).GetArrayLength() == 2, "two pending followers");

        using var approve = await careful.Api.PostAsJsonAsync("/api/v1/followers/approve", new { follower = welcome.Iri });
        Assert.Equal(HttpStatusCode.NoContent, approve.StatusCode);
        using var reject = await careful.Api.PostAsJsonAsync("/api/v1/followers/reject", new { follower = unwelcome.Iri });
        Assert.Equal(HttpStatusCode.NoContent, reject.StatusCode);
        using var again = await careful.Api.PostAsJsonAsync("/api/v1/followers/reject", new { follower = unwelcome.Iri });
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);

        await WaitUntilFollowIsAsync(welcome, careful.Iri, FollowStates.Accepted);
        await Eventually.TrueAsync(async () =>
            (await unwelcome.Api.GetFromJsonAsync<JsonElement>("/api/v1/follows")).GetArrayLength() == 0, "the rejected follow to be removed");
        var followers = await careful.Api.GetFromJsonAsync<JsonElement>("/api/v1/followers");
        Assert.Equal(welcome.Iri, Assert.Single(followers.EnumerateArray()).GetProperty("follower").GetString());
    }

    [Fact]
    public async Task Theme_tags_link_to_a_theme_page_on_each_node()
    {
        var author = await _university.AddPractitionerAsync("themed", "Themed Author");
        var reader = await _schools.AddPractitionerAsync("theme_reader", "Theme Reader");
        await FollowAsync(reader, author.Handle);
        await WaitUntilFollowIsAsync(reader, author.Iri, FollowStates.Accepted);
        var iri = await PublishAsync(author, "Oracy across the curriculum");
        await WaitForReportAsync(_schools, iri);

        foreach (var node in new[] { _university, _schools })
        {
            using var page = await node.Http.GetAsync("/themes/oracy");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("Oracy across the curriculum", await page.Content.ReadAsStringAsync());
        }
        // A theme no report here is filed under and no group stands for is not a page: 404 with the reason.
        using var unknown = await _schools.Http.GetAsync("/themes/metacognition");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.DoesNotContain("Oracy across the curriculum", await unknown.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_edited_report_is_updated_and_a_deleted_one_leaves_every_library()
    {
        var author = await _university.AddPractitionerAsync("editor", "Editor");
        var reader = await _schools.AddPractitionerAsync("edit_reader", "Edit Reader");
        await FollowAsync(reader, author.Handle);
        await WaitUntilFollowIsAsync(reader, author.Iri, FollowStates.Accepted);
        var iri = await PublishAsync(author, "First title");
        await WaitForReportAsync(_schools, iri);
        var slug = iri[(iri.LastIndexOf('/') + 1)..];

        using (var edit = await author.Api.PutAsJsonAsync($"/api/v1/reports/{slug}", new { title = "Corrected title", findings = "Revised findings.", language = "en" }))
            Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        await Eventually.TrueAsync(async () => (await _schools.Get<ReportStore>().FindByIriAsync(iri))?.Title == "Corrected title", "the Update at the reader's node");
        Assert.Equal("Revised findings.", (await _schools.Get<ReportStore>().FindByIriAsync(iri))!.Findings);

        using (var delete = await author.Api.DeleteAsync($"/api/v1/reports/{slug}"))
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        await Eventually.TrueAsync(async () => (await _schools.Get<ReportStore>().FindByIriAsync(iri))?.DeletedAt is not null, "the Delete at the reader's node");
        Assert.DoesNotContain("Corrected title", await _schools.Http.GetStringAsync("/"));

        using var request = new HttpRequestMessage(HttpMethod.Get, iri);
        request.Headers.Accept.ParseAdd("application/activity+json");
        using var gone = await _university.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
        var tombstone = await gone.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Tombstone", tombstone.Text("type"));
        Assert.Equal("Article", tombstone.Text("formerType"));
        Assert.Equal(HttpStatusCode.Gone, (await _university.Http.GetAsync(iri)).StatusCode);
        using var again = await author.Api.DeleteAsync($"/api/v1/reports/{slug}");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task A_report_shared_by_someone_followed_is_fetched_from_its_origin_into_the_library()
    {
        var writer = await _country.AddPractitionerAsync("writer", "Writer");
        var curator = await _university.AddPractitionerAsync("curator", "Curator");
        var reader = await _schools.AddPractitionerAsync("curious", "Curious Reader");
        await FollowAsync(reader, curator.Handle);
        await WaitUntilFollowIsAsync(reader, curator.Iri, FollowStates.Accepted);
        var iri = await PublishAsync(writer, "Worth sharing across networks");

        using (var share = await curator.Api.PostAsJsonAsync("/api/v1/shares", new { @object = iri }))
            Assert.Equal(HttpStatusCode.NoContent, share.StatusCode);

        var shared = await WaitForReportAsync(_schools, iri);
        Assert.Equal("Worth sharing across networks", shared.Text("title"));
        Assert.Equal(writer.Iri, shared.Text("authorIri"));
        // The writer's node counts the share too.
        await Eventually.TrueAsync(async () =>
            (await _country.Get<InteractionStore>().ActorsAsync(InteractionKinds.Share, iri)).Contains(curator.Iri), "the share at the writer's node");
    }

    [Fact]
    public async Task Following_a_node_s_library_brings_in_every_report_published_there()
    {
        var author = await _university.AddPractitionerAsync("prolific", "Prolific Author");
        var librarian = await _country.AddPractitionerAsync("librarian", "Librarian");
        await FollowAsync(librarian, $"library@{_university.Authority}");
        await WaitUntilFollowIsAsync(librarian, $"{_university.BaseUrl}/users/library", FollowStates.Accepted);

        var iri = await PublishAsync(author, "Found through the library");

        var arrived = await WaitForReportAsync(_country, iri);
        Assert.Equal(author.Iri, arrived.Text("authorIri"));
        Assert.Equal("Found through the library", arrived.Text("title"));
    }

    /// <summary>
    /// Every copy follows its origin: the schools node follows the university's library, a teacher there shares the
    /// report to the country node. An edit on the university reaches both (the country node through the schools
    /// node's forwarding of the author's signed Update), and so does the withdrawal.
    /// </summary>
    [Fact]
    public async Task Edits_and_withdrawals_reach_every_copy_including_those_shared_on_by_another_node()
    {
        var author = await _university.AddPractitionerAsync("origin_author", "Origin Author");
        var teacher = await _schools.AddPractitionerAsync("sharing_teacher", "Sharing Teacher");
        var reader = await _country.AddPractitionerAsync("far_reader", "Far Reader");
        await FollowAsync(teacher, $"library@{_university.Authority}");
        await WaitUntilFollowIsAsync(teacher, $"{_university.BaseUrl}/users/library", FollowStates.Accepted);
        await FollowAsync(reader, teacher.Handle);
        await WaitUntilFollowIsAsync(reader, teacher.Iri, FollowStates.Accepted);

        var iri = await PublishAsync(author, "Original title");
        await WaitForReportAsync(_schools, iri);
        using (var share = await teacher.Api.PostAsJsonAsync("/api/v1/shares", new { @object = iri }))
            Assert.True(share.IsSuccessStatusCode, await share.Content.ReadAsStringAsync());
        await WaitForReportAsync(_country, iri);

        // An edit on the origin shows on both copies within seconds.
        var slug = iri.Split('/')[^1];
        using (var edit = await author.Api.PutAsJsonAsync($"/api/v1/reports/{slug}", new { title = "Corrected title", language = "en", findings = "Corrected." }))
            Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        foreach (var node in new[] { _schools, _country })
            await Eventually.TrueAsync(async () => (await node.Get<ReportStore>().FindByIriAsync(iri))?.Title == "Corrected title",
                $"the edit to reach {node.BaseUrl}", seconds: 10);
        // The country node believed the forwarded Update through the author's proof, and says so.
        var forwarded = await _country.Get<ReportStore>().FindByIriAsync(iri);
        Assert.True(forwarded!.ProofVerified);
        Assert.StartsWith(author.Iri + "#", forwarded.VerifiedKeyId);

        // A withdrawal removes it from both.
        using (var withdraw = await author.Api.DeleteAsync($"/api/v1/reports/{slug}"))
            Assert.Equal(HttpStatusCode.NoContent, withdraw.StatusCode);
        foreach (var node in new[] { _schools, _country })
        {
            await Eventually.TrueAsync(async () => (await node.Get<ReportStore>().FindByIriAsync(iri))?.DeletedAt is not null,
                $"the withdrawal to reach {node.BaseUrl}", seconds: 10);
            var listed = await node.Http.GetFromJsonAsync<JsonElement>("/api/v1/reports?origin=federated");
            Assert.DoesNotContain(listed.EnumerateArray(), r => r.GetProperty("iri").GetString() == iri);
        }
        // The teacher's share of it has left her public outbox.
        var outbox = await _schools.Http.GetFromJsonAsync<JsonElement>($"{teacher.Iri}/outbox");
        Assert.Equal(0, outbox.GetProperty("totalItems").GetInt32());
    }

    [Fact]
    public async Task Following_an_unknown_handle_is_a_clear_error()
    {
        var reader = await _schools.AddPractitionerAsync("lost", "Lost Reader");
        using var response = await reader.Api.PostAsJsonAsync("/api/v1/follows", new { target = $"nobody@{_university.Authority}" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("404", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        using var bad = await reader.Api.PostAsJsonAsync("/api/v1/follows", new { target = "not a handle" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
