using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Camtree.Node.Jobs;
using Camtree.Node.Storage;
using Camtree.Tests.Support;

namespace Camtree.Tests.Node;

/// <summary>
/// The cross-node library across three real nodes: a subscription brings in everything a library published before it
/// (backfill through the library collection, every proof verified), then edits and withdrawals converge (push, and the
/// repair pass over partition digests); a library collection holds only its own node's reports.
/// </summary>
public sealed class LibrarySubscriptionTests : IAsyncLifetime
{
    private TestNode _a = null!;
    private TestNode _b = null!;
    private TestNode _c = null!;

    public async Task InitializeAsync()
    {
        var nodes = await Task.WhenAll(TestNode.StartAsync("lib-a"), TestNode.StartAsync("lib-b"), TestNode.StartAsync("lib-c"));
        (_a, _b, _c) = (nodes[0], nodes[1], nodes[2]);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _c.DisposeAsync();
    }

    private static async Task<string> PublishAsync(Practitioner author, string title, string methodology = "lesson-study")
    {
        using var response = await author.Api.PostAsJsonAsync("/api/v1/reports", new
        {
            title, language = "en", findings = $"Findings of {title}.", methodology, themes = new[] { "oracy" },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("iri").GetString()!;
    }

    private static async Task<JsonElement> SubscribeAsync(Practitioner operatorOf, TestNode library)
    {
        using var response = await operatorOf.Api.PostAsJsonAsync("/api/v1/admin/libraries", new { library = $"@library@{library.Authority}" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static Task<JsonElement> WaitSyncedAsync(Practitioner operatorOf, TestNode library, int records) =>
        Eventually.GetAsync<object>(async () =>
        {
            var list = await operatorOf.Api.GetFromJsonAsync<JsonElement>("/api/v1/admin/libraries");
            return list.EnumerateArray().Where(s => s.GetProperty("node").GetString() == library.Authority
                && s.GetProperty("state").GetString() == SubscriptionStates.Synced && s.GetProperty("records").GetInt32() == records)
                .Select(s => (object?)s).FirstOrDefault();
        }, $"the subscription to {library.Authority} to be synced with {records} records", seconds: 30).ContinueWith(t => (JsonElement)t.Result);

    [Fact]
    public async Task A_subscription_backfills_everything_published_before_it_and_follows_edits_and_withdrawals()
    {
        var ana = await _a.AddPractitionerAsync("ana", "Ana");
        var reports = new List<string>();
        for (var i = 0; i < 20; i++) reports.Add(await PublishAsync(ana, $"Report {i:00}", i % 2 == 0 ? "lesson-study" : "action-research"));
        var operatorB = await _b.AddPractitionerAsync("opb", "Operator B", isOperator: true);

        var subscription = await SubscribeAsync(operatorB, _a);
        Assert.Equal($"{_a.BaseUrl}/users/library", subscription.GetProperty("library").GetString());
        await WaitSyncedAsync(operatorB, _a, 20);

        var store = _b.Get<ReportStore>();
        foreach (var iri in reports)
        {
            var held = await store.FindByIriAsync(iri);
            Assert.NotNull(held);
            Assert.True(held.ProofVerified, $"{iri} should be verified through its proof");
            Assert.StartsWith(ana.Iri + "#", held.VerifiedKeyId);
        }
        Assert.Equal("action-research", (await store.FindByIriAsync(reports[1]))!.Methodology);

        // An edit and a withdrawal of reports published before the subscription reach B by push (B follows the library).
        var slug = reports[3].Split('/')[^1];
        using (var edit = await ana.Api.PutAsJsonAsync($"/api/v1/reports/{slug}", new { title = "Report 03, corrected", language = "en", findings = "Corrected." }))
            Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        using (var withdraw = await ana.Api.DeleteAsync($"/api/v1/reports/{reports[4].Split('/')[^1]}"))
            Assert.Equal(HttpStatusCode.NoContent, withdraw.StatusCode);
        await Eventually.TrueAsync(async () => (await store.FindByIriAsync(reports[3]))?.Title == "Report 03, corrected", "the edit to reach B");
        await Eventually.TrueAsync(async () => (await store.FindByIriAsync(reports[4]))?.DeletedAt is not null, "the withdrawal to reach B");
    }

    [Fact]
    public async Task Missed_pushes_converge_through_the_repair_pass()
    {
        var ana = await _a.AddPractitionerAsync("ana", "Ana");
        var first = await PublishAsync(ana, "First");
        var second = await PublishAsync(ana, "Second");
        var operatorB = await _b.AddPractitionerAsync("opb", "Operator B", isOperator: true);
        await SubscribeAsync(operatorB, _a);
        await WaitSyncedAsync(operatorB, _a, 2);

        // B is down while A edits one report, withdraws another and publishes a third: every push is lost.
        await _b.StopAsync();
        var slug = first.Split('/')[^1];
        using (var edit = await ana.Api.PutAsJsonAsync($"/api/v1/reports/{slug}", new { title = "First, edited while B was down", language = "en", findings = "f" }))
            Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        using (var withdraw = await ana.Api.DeleteAsync($"/api/v1/reports/{second.Split('/')[^1]}"))
            Assert.Equal(HttpStatusCode.NoContent, withdraw.StatusCode);
        var third = await PublishAsync(ana, "Third");
        var deliveries = _a.Get<DeliveryStore>();
        foreach (var row in await DeliveryRowsToAsync(_a, _b)) await deliveries.DropAsync(row, null); // given up for good
        await _b.StartAgainAsync();

        // The next scheduled run compares digests and repairs; the operator can also ask for it at once.
        using (var resync = await operatorB.Api.PostAsJsonAsync("/api/v1/admin/libraries/resync", new { library = $"@library@{_a.Authority}" }))
            Assert.Equal(HttpStatusCode.Accepted, resync.StatusCode);
        var store = _b.Get<ReportStore>();
        await Eventually.TrueAsync(async () =>
            (await store.FindByIriAsync(first))?.Title == "First, edited while B was down"
            && (await store.FindByIriAsync(second))?.DeletedAt is not null
            && await store.FindByIriAsync(third) is { DeletedAt: null }, "B to converge");
        await WaitSyncedAsync(operatorB, _a, 2);
    }

    [Fact]
    public async Task A_library_collection_holds_its_own_nodes_reports_only()
    {
        var ana = await _a.AddPractitionerAsync("ana", "Ana");
        var fromA = await PublishAsync(ana, "From A");
        var bea = await _b.AddPractitionerAsync("bea", "Bea");
        var fromB = await PublishAsync(bea, "From B");
        var operatorB = await _b.AddPractitionerAsync("opb", "Operator B", isOperator: true);
        var operatorC = await _c.AddPractitionerAsync("opc", "Operator C", isOperator: true);

        await SubscribeAsync(operatorB, _a);
        await WaitSyncedAsync(operatorB, _a, 1);
        await SubscribeAsync(operatorC, _b);
        await WaitSyncedAsync(operatorC, _b, 1);
        Assert.NotNull(await _c.Get<ReportStore>().FindByIriAsync(fromB));
        Assert.Null(await _c.Get<ReportStore>().FindByIriAsync(fromA));

        // Subscribed to A as well, C has both.
        await SubscribeAsync(operatorC, _a);
        await WaitSyncedAsync(operatorC, _a, 1);
        Assert.NotNull(await _c.Get<ReportStore>().FindByIriAsync(fromA));

        // Unsubscribed, A's reports leave C's library.
        using (var unsubscribe = await operatorC.Api.DeleteAsync($"/api/v1/admin/libraries?library=@library@{_a.Authority}"))
            Assert.Equal(HttpStatusCode.NoContent, unsubscribe.StatusCode);
        Assert.Null(await _c.Get<ReportStore>().FindByIriAsync(fromA));
        Assert.NotNull(await _c.Get<ReportStore>().FindByIriAsync(fromB));
    }

    [Fact]
    public async Task Subscribing_to_something_that_is_not_a_library_is_a_clear_error()
    {
        var operatorB = await _b.AddPractitionerAsync("opb", "Operator B", isOperator: true);
        var ana = await _a.AddPractitionerAsync("ana", "Ana");
        using var person = await operatorB.Api.PostAsJsonAsync("/api/v1/admin/libraries", new { library = ana.Handle });
        Assert.Equal(HttpStatusCode.BadRequest, person.StatusCode);
        Assert.Contains("not a Camtree library", (await person.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        using var own = await operatorB.Api.PostAsJsonAsync("/api/v1/admin/libraries", new { library = $"@library@{_b.Authority}" });
        Assert.Equal(HttpStatusCode.BadRequest, own.StatusCode);
        using var nothing = await operatorB.Api.PostAsJsonAsync("/api/v1/admin/libraries", new { library = "not a handle" });
        Assert.Equal(HttpStatusCode.BadRequest, nothing.StatusCode);
        using var notOperator = await ana.Api.GetAsync("/api/v1/admin/libraries");
        Assert.Equal(HttpStatusCode.Forbidden, notOperator.StatusCode);
    }

    [Fact]
    public async Task Following_a_practitioner_brings_in_their_earlier_reports()
    {
        var ana = await _a.AddPractitionerAsync("ana", "Ana");
        var earlier = await PublishAsync(ana, "Published before anyone followed");
        var reader = await _b.AddPractitionerAsync("reader", "Reader");
        using (var follow = await reader.Api.PostAsJsonAsync("/api/v1/follows", new { target = ana.Handle }))
            Assert.Equal(HttpStatusCode.Accepted, follow.StatusCode);
        var held = await Eventually.GetAsync(() => _b.Get<ReportStore>().FindByIriAsync(earlier), "the earlier report to be brought in");
        Assert.True(held.ProofVerified);
    }

    [Fact]
    public async Task Search_finds_subscribed_reports_only_from_authors_who_consent_and_drops_them_when_they_opt_out()
    {
        var ana = await _a.AddPractitionerAsync("ana", "Ana");
        var bo = await _a.AddPractitionerAsync("bo", "Bo");
        using (var optOut = await bo.Api.PutAsJsonAsync("/api/v1/me/consent", new { indexable = false, discoverable = false }))
            Assert.Equal(HttpStatusCode.OK, optOut.StatusCode);
        await PublishAsync(ana, "Evaluación formativa con boletos de salida", "action-research");
        await PublishAsync(ana, "Questioning in Year 5");
        await PublishAsync(bo, "Evaluación by someone who does not want to be indexed");
        // Each practitioner's choice is said on their profile page.
        Assert.Contains("Bo has asked not to be indexed", await _a.Http.GetStringAsync("/@bo"));
        Assert.Contains("Ana&#x27;s reports can be found in search", await _a.Http.GetStringAsync("/@ana"));
        var operatorB = await _b.AddPractitionerAsync("opb", "Operator B", isOperator: true);
        await SubscribeAsync(operatorB, _a);
        await WaitSyncedAsync(operatorB, _a, 3);

        var found = await _b.Http.GetFromJsonAsync<JsonElement>("/api/v1/search?q=evaluacion");
        Assert.Equal(1, found.GetProperty("total").GetInt32());
        var hit = found.GetProperty("results")[0];
        Assert.Equal("Evaluación formativa con boletos de salida", hit.GetProperty("title").GetString());
        Assert.Contains("<mark>Evaluación</mark>", hit.GetProperty("snippet").GetString());
        Assert.Equal(_a.Authority, hit.GetProperty("node").GetString());
        Assert.True(hit.GetProperty("verified").GetBoolean());
        Assert.Equal($"@ana@{_a.Authority}", hit.GetProperty("author").GetProperty("handle").GetString());
        var methodology = found.GetProperty("facets").GetProperty("methodology")[0];
        Assert.Equal("action-research", methodology.GetProperty("value").GetString());
        Assert.Equal("Action research", methodology.GetProperty("label").GetString());
        Assert.Equal(1, methodology.GetProperty("count").GetInt32());
        Assert.Equal(2, (await _b.Http.GetFromJsonAsync<JsonElement>($"/api/v1/search?node={_a.Authority}")).GetProperty("total").GetInt32());

        // Ana opts out: the Update of her actor reaches B through the library's followers, and her reports leave B's search.
        using (var optOut = await ana.Api.PutAsJsonAsync("/api/v1/me/consent", new { indexable = false, discoverable = true }))
            Assert.Equal(HttpStatusCode.OK, optOut.StatusCode);
        await Eventually.TrueAsync(async () =>
            (await _b.Http.GetFromJsonAsync<JsonElement>($"/api/v1/search?node={_a.Authority}")).GetProperty("total").GetInt32() == 0,
            "Ana's reports to leave B's search");
        // They stay in B's library: consent is about search, not about sharing.
        Assert.Equal(3, await _b.Get<ReportStore>().CountFromOriginAsync(_a.BaseUrl));
        using var bad = await _b.Http.GetAsync("/api/v1/search?q=-only");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task A_report_whose_proof_fails_is_kept_flagged_out_of_search_and_listed_for_the_operator()
    {
        var ana = await _a.AddPractitionerAsync("ana", "Ana");
        var good = await PublishAsync(ana, "Exit tickets in Year 9");
        var tampered = await PublishAsync(ana, "Exit tickets in Year 10");
        // What A's library serves for the second report is changed after it was signed, as a compromised store would.
        await using (var connection = await _a.Get<Database>().OpenAsync())
            await Dapper.SqlMapper.ExecuteAsync(connection, _a.Get<Database>().Dialect == SqlDialect.Postgres
                ? "UPDATE reports SET signed_json = jsonb_set(signed_json::jsonb, '{name}', '\"Exit tickets, altered\"')::text WHERE iri = @tampered"
                : "UPDATE reports SET signed_json = json_set(signed_json, '$.name', 'Exit tickets, altered') WHERE iri = @tampered", new { tampered });
        var operatorB = await _b.AddPractitionerAsync("opb", "Operator B", isOperator: true);
        await SubscribeAsync(operatorB, _a);
        var subscription = await WaitSyncedAsync(operatorB, _a, 2);
        Assert.Equal(1, subscription.GetProperty("flagged").GetInt32());

        var store = _b.Get<ReportStore>();
        var verified = (await store.FindByIriAsync(good))!;
        Assert.True(verified is { ProofVerified: true, Flagged: false, ProofFailure: null });
        Assert.NotNull(verified.ProofCheckedAt);
        var flagged = (await store.FindByIriAsync(tampered))!;
        Assert.True(flagged is { ProofVerified: false, Flagged: true, VerifiedKeyId: null });
        Assert.Contains("does not verify", flagged.ProofFailure);

        // Out of search: the altered title finds nothing, the genuine report is found.
        Assert.Equal(0, (await _b.Http.GetFromJsonAsync<JsonElement>("/api/v1/search?q=altered")).GetProperty("total").GetInt32());
        Assert.Equal(1, (await _b.Http.GetFromJsonAsync<JsonElement>("/api/v1/search?q=tickets")).GetProperty("total").GetInt32());

        // Listed for the operator, with the reason; not for anyone else.
        var listed = await operatorB.Api.GetFromJsonAsync<JsonElement>("/api/v1/admin/libraries/flagged");
        var item = Assert.Single(listed.EnumerateArray());
        Assert.Equal(tampered, item.GetProperty("id").GetString());
        Assert.Equal(_a.Authority, item.GetProperty("node").GetString());
        Assert.Contains("does not verify", item.GetProperty("reason").GetString());
        var practitioner = await _b.AddPractitionerAsync("teacher", "Teacher");
        using var refused = await practitioner.Api.GetAsync("/api/v1/admin/libraries/flagged");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    private static async Task<IReadOnlyList<long>> DeliveryRowsToAsync(TestNode from, TestNode to)
    {
        await using var connection = await from.Get<Database>().OpenAsync();
        return (await Dapper.SqlMapper.QueryAsync<long>(connection, "SELECT id FROM deliveries WHERE host = @host AND state <> 'delivered'",
            new { host = to.Authority })).ToList();
    }
}

/// <summary>
/// A backfill against a library served by a test peer: it stops at a failing page, keeps its cursor across a
/// restart, and resumes there without reading the earlier pages again.
/// </summary>
public sealed class LibraryBackfillResumeTests : IAsyncLifetime
{
    private TestNode _node = null!;
    private HostilePeer _peer = null!;

    public async Task InitializeAsync()
    {
        _node = await TestNode.StartAsync("resume");
        _peer = await HostilePeer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _peer.DisposeAsync();
    }

    [Fact]
    public async Task A_backfill_cut_off_mid_way_resumes_from_its_cursor_after_a_restart()
    {
        var author = _peer.AddActor("author");
        var library = _peer.AddActorAt("/users/library");
        var libraryDocument = System.Text.Json.Nodes.JsonNode.Parse(JsonSerializer.Serialize(new
        {
            id = library.Iri, type = "Service", preferredUsername = "library", inbox = $"{library.Iri}/inbox",
            reports = $"{library.Iri}/reports",
            publicKey = new { id = library.KeyId, owner = library.Iri, publicKeyPem = library.Keys.PublicKeyPem },
        }))!.AsObject();
        _peer.Serve("/users/library", libraryDocument);
        var collection = $"{library.Iri}/reports";
        _peer.Serve("/users/library/reports", Json(new { id = collection, type = "OrderedCollection", totalItems = 300, first = $"{collection}?p=1" }));
        for (var p = 1; p <= 3; p++)
        {
            var items = Enumerable.Range((p - 1) * 100, 100).Select(i => new
            {
                id = $"{_peer.BaseUrl}/reports/{i}", type = "Article", attributedTo = author.Iri,
                to = new[] { "https://www.w3.org/ns/activitystreams#Public" }, name = $"Report {i}", summary = "s", content = "c",
                published = "2026-11-01T10:00:00Z",
            }).ToArray();
            _peer.Serve($"/users/library/reports?p={p}", Json(new
            {
                id = $"{collection}?p={p}", type = "OrderedCollectionPage", orderedItems = items, next = p < 3 ? $"{collection}?p={p + 1}" : null,
            }));
        }
        _peer.Fault("/users/library/reports?p=2", PeerFault.ServerError);

        var op = await _node.AddPractitionerAsync("op", "Operator", isOperator: true);
        using (var subscribe = await op.Api.PostAsJsonAsync("/api/v1/admin/libraries", new { library = library.Iri }))
            Assert.Equal(HttpStatusCode.Accepted, subscribe.StatusCode);
        var failed = await Eventually.GetAsync(async () => await _node.Get<ISubscriptionStore>().FindAsync(library.Iri) is { State: SubscriptionStates.Failed } s ? s : null,
            "the backfill to stop at the failing page");
        Assert.Contains("500", failed.LastError);
        Assert.Equal($"{collection}?p=2", failed.Cursor);
        Assert.Equal(100, failed.Records);

        // The node restarts; the peer recovers; the operator resyncs.
        await _node.StopAsync();
        await _node.StartAgainAsync();
        _peer.ClearFaults();
        using (var resync = await op.Api.PostAsJsonAsync("/api/v1/admin/libraries/resync", new { library = library.Iri }))
            Assert.Equal(HttpStatusCode.Accepted, resync.StatusCode);
        var synced = await Eventually.GetAsync(async () => await _node.Get<ISubscriptionStore>().FindAsync(library.Iri) is { State: SubscriptionStates.Synced } s ? s : null,
            "the backfill to finish");
        Assert.Equal(300, synced.Records);
        Assert.Equal(1, _peer.Hits("/users/library/reports?p=1"));
        Assert.Equal(2, _peer.Hits("/users/library/reports?p=2"));
        Assert.Equal(300, await _node.Get<ReportStore>().CountFromOriginAsync(_peer.BaseUrl));
    }

    private static System.Text.Json.Nodes.JsonObject Json(object value) =>
        System.Text.Json.Nodes.JsonNode.Parse(JsonSerializer.Serialize(value, new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull }))!.AsObject();
}
