using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Camtree.Node;
using Camtree.Node.Library;
using Camtree.Node.Storage;
using Camtree.Protocol.Delivery;
using Camtree.Protocol.Discovery;
using Camtree.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Camtree.Tests.Node;

/// <summary>
/// Delivery that loses nothing: a peer that is down gets what was published meanwhile once it is back; a node
/// killed in the middle of a fan-out finishes it after a restart; a dead host is paused without holding up the
/// others; operators see and steer the queue.
/// </summary>
public sealed class DeliveryResilienceTests
{
    private static async Task FollowAndWaitAsync(Practitioner reader, Practitioner author, TestNode readerNode)
    {
        using var response = await reader.Api.PostAsJsonAsync("/api/v1/follows", new { target = author.Handle });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await Eventually.TrueAsync(async () =>
            (await readerNode.Get<FollowStore>().FindFollowingAsync(reader.Actor.Id, author.Iri))?.State == FollowStates.Accepted,
            $"{reader.Handle} to follow {author.Handle}");
    }

    private static Task<ReportRow> PublishAsync(TestNode node, Practitioner author, string title) =>
        node.Get<ReportService>().PublishAsync(author.Actor, new ReportDraft { Title = title, Findings = "We noticed.", Language = "en" });

    private static Task<ReportRow> ArrivalAsync(TestNode node, string iri, int seconds = 20) =>
        Eventually.GetAsync(() => node.Get<ReportStore>().FindByIriAsync(iri), $"{iri} at {node.BaseUrl}", seconds);

    private static async Task<DeliveryRow> DeliveryToAsync(TestNode sender, string activityIri, string inbox) =>
        (await sender.Get<DeliveryStore>().ForActivityAsync(activityIri)).Single(d => d.InboxUrl == inbox);

    private static async Task<string> CreateActivityOfAsync(TestNode node, string reportIri)
    {
        await using var connection = await node.Get<Database>().OpenAsync();
        return await Dapper.SqlMapper.ExecuteScalarAsync<string>(connection, "SELECT iri FROM outbox WHERE object_iri = @reportIri AND activity_type = 'Create'", new { reportIri }) ?? "";
    }

    [Fact]
    public async Task A_node_that_was_down_receives_what_was_published_meanwhile()
    {
        await using var university = await TestNode.StartAsync("university");
        await using var schools = await TestNode.StartAsync("schools");
        await using var country = await TestNode.StartAsync("country");
        var author = await university.AddPractitionerAsync("author", "Author");
        var schoolReader = await schools.AddPractitionerAsync("school_reader", "School Reader");
        var countryReader = await country.AddPractitionerAsync("country_reader", "Country Reader");
        await FollowAndWaitAsync(schoolReader, author, schools);
        await FollowAndWaitAsync(countryReader, author, country);

        await country.StopAsync();
        var report = await PublishAsync(university, author, "Published while the country node was down");
        await ArrivalAsync(schools, report.Iri);
        var create = await CreateActivityOfAsync(university, report.Iri);
        await Eventually.TrueAsync(async () => (await DeliveryToAsync(university, create, $"{country.BaseUrl}/inbox")).Attempts >= 1,
            "a failed attempt to the stopped node");
        var waiting = await DeliveryToAsync(university, create, $"{country.BaseUrl}/inbox");
        Assert.Equal(DeliveryStates.Pending, waiting.State);
        Assert.Null(waiting.LastStatus); // no answer: connection refused

        await country.StartAgainAsync();
        university.Clock.Advance(TimeSpan.FromMinutes(2)); // the first retry comes due after 15–25 s

        var arrived = await ArrivalAsync(country, report.Iri);
        Assert.Equal("Published while the country node was down", arrived.Title);
        await Eventually.TrueAsync(async () => (await DeliveryToAsync(university, create, $"{country.BaseUrl}/inbox")).State == DeliveryStates.Delivered,
            "the delivery to be marked delivered");
    }

    [Fact]
    public async Task A_dead_host_is_paused_and_healthy_hosts_are_not_held_up()
    {
        await using var university = await TestNode.StartAsync("university");
        await using var schools = await TestNode.StartAsync("schools");
        var author = await university.AddPractitionerAsync("author", "Author");
        var reader = await schools.AddPractitionerAsync("reader", "Reader");
        await FollowAndWaitAsync(reader, author, schools);

        // A follower whose server has gone: nothing listens on its port.
        var deadHost = $"127.0.0.1:{TestNode.FreePort()}";
        var ghost = new RemoteActor($"http://{deadHost}/users/ghost", "Person", "ghost", "Ghost", $"http://{deadHost}/users/ghost/inbox",
            null, null, null, null, false, []);
        await university.Get<RemoteActorStore>().SaveAsync(ghost);
        await university.Get<FollowStore>().AddFollowerAsync(author.Actor.Id, ghost.Id, $"http://{deadHost}/follows/1", FollowStates.Accepted, DateTimeOffset.UtcNow);

        // Each new report is a new delivery to the dead host, tried at once: three failures open its circuit.
        for (var i = 1; i <= HostCircuit.FailuresToOpen; i++)
        {
            var report = await PublishAsync(university, author, $"Report {i}");
            await ArrivalAsync(schools, report.Iri);
            var expected = i;
            await Eventually.TrueAsync(async () => (await university.Get<HostHealthStore>().GetAsync(deadHost)).ConsecutiveFailures >= expected,
                $"failure {i} to be counted against the dead host");
        }
        var health = await university.Get<HostHealthStore>().GetAsync(deadHost);
        Assert.True(health.IsOpen(university.Clock.GetUtcNow()), "the dead host's circuit is open");

        // While it is open, deliveries to it wait untried, and the healthy host still gets everything at once.
        var last = await PublishAsync(university, author, "Report after the circuit opened");
        await ArrivalAsync(schools, last.Iri);
        var toDead = await DeliveryToAsync(university, await CreateActivityOfAsync(university, last.Iri), ghost.Inbox);
        Assert.Equal(0, toDead.Attempts);
        Assert.Equal(DeliveryStates.Pending, toDead.State);

        // Operators see the dead host at the top of the list (once the last delivery's bookkeeping is written).
        await Eventually.TrueAsync(async () =>
            (await university.Get<DeliveryStore>().SummariseHostsAsync()).Single(h => h.Host == schools.Authority).Pending == 0, "the healthy host's queue to empty");
        var hosts = await university.Get<DeliveryStore>().SummariseHostsAsync();
        Assert.Equal(deadHost, hosts[0].Host);
        Assert.Equal(HostCircuit.FailuresToOpen + 1, hosts[0].Pending);
        // The healthy host: the Accept of the follow and every report, nothing waiting.
        Assert.Contains(hosts, h => h.Host == schools.Authority && h.Delivered == HostCircuit.FailuresToOpen + 2 && h.Pending == 0);
    }

    [Fact]
    public async Task A_signed_request_from_an_unavailable_host_clears_it()
    {
        await using var university = await TestNode.StartAsync("university");
        await using var schools = await TestNode.StartAsync("schools");
        var author = await university.AddPractitionerAsync("author", "Author");
        var reader = await schools.AddPractitionerAsync("reader", "Reader");
        var now = DateTimeOffset.UtcNow;
        await university.Get<HostHealthStore>().SaveAsync(new HostHealth(schools.Authority, 40, now.AddDays(-3), now, now.AddHours(12), now.AddDays(-1)));

        await FollowAndWaitAsync(reader, author, schools); // the Follow is a signed request from the schools node

        var health = await university.Get<HostHealthStore>().GetAsync(schools.Authority);
        Assert.Equal(0, health.ConsecutiveFailures);
        Assert.Null(health.UnavailableSince);
        Assert.False(health.IsOpen(DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task A_delivery_a_failing_host_takes_clears_its_record_with_the_delivery()
    {
        await using var university = await TestNode.StartAsync("university");
        await using var schools = await TestNode.StartAsync("schools");
        var author = await university.AddPractitionerAsync("author", "Author");
        var reader = await schools.AddPractitionerAsync("reader", "Reader");
        await FollowAndWaitAsync(reader, author, schools);
        // Failing lately, but its pause is over: the next delivery is tried (and the schools node sends nothing back).
        var now = DateTimeOffset.UtcNow;
        await university.Get<HostHealthStore>().SaveAsync(new HostHealth(schools.Authority, 3, now.AddHours(-1), now.AddMinutes(-5), now.AddMinutes(-1), null));

        var report = await PublishAsync(university, author, "Back again");
        await ArrivalAsync(schools, report.Iri);

        var health = await Eventually.GetAsync(async () => await university.Get<HostHealthStore>().GetAsync(schools.Authority) is { ConsecutiveFailures: 0 } h ? h : null,
            "the delivery to clear the host's failures");
        Assert.NotNull(health.LastSuccessAt);
        Assert.Null(health.OpenUntil);
    }

    [Fact]
    public async Task Operators_see_the_queue_and_retry_or_drop_deliveries()
    {
        await using var university = await TestNode.StartAsync("university");
        var author = await university.AddPractitionerAsync("author", "Author");
        var operatorUser = await university.AddPractitionerAsync("operator", "Operator", isOperator: true);
        var deadHost = $"127.0.0.1:{TestNode.FreePort()}";
        var ghost = new RemoteActor($"http://{deadHost}/users/ghost", "Person", "ghost", null, $"http://{deadHost}/inbox", null, null, null, null, false, []);
        await university.Get<RemoteActorStore>().SaveAsync(ghost);
        await university.Get<FollowStore>().AddFollowerAsync(author.Actor.Id, ghost.Id, $"http://{deadHost}/follows/1", FollowStates.Accepted, DateTimeOffset.UtcNow);
        await PublishAsync(university, author, "Nobody will receive this");
        await Eventually.TrueAsync(async () => (await university.Get<HostHealthStore>().GetAsync(deadHost)).ConsecutiveFailures >= 1, "a failed attempt");

        Assert.Equal(HttpStatusCode.Forbidden, (await author.Api.GetAsync("/api/v1/admin/deliveries")).StatusCode);
        var queue = await operatorUser.Api.GetFromJsonAsync<JsonElement>("/api/v1/admin/deliveries");
        Assert.Equal(1, queue.GetProperty("states").GetProperty("pending").GetInt32());
        var host = queue.GetProperty("hosts")[0];
        Assert.Equal(deadHost, host.GetProperty("host").GetString());
        Assert.Equal(1, host.GetProperty("consecutiveFailures").GetInt32());

        using var retry = await operatorUser.Api.PostAsJsonAsync("/api/v1/admin/deliveries/retry", new { host = deadHost });
        Assert.Equal(1, (await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requeued").GetInt32());
        using var drop = await operatorUser.Api.PostAsJsonAsync("/api/v1/admin/deliveries/drop", new { host = deadHost });
        Assert.Equal(1, (await drop.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("dropped").GetInt32());
        Assert.Equal(0, (await university.Get<DeliveryStore>().CountByStateAsync()).GetValueOrDefault(DeliveryStates.Pending));

        using var nothing = await operatorUser.Api.PostAsJsonAsync("/api/v1/admin/deliveries/drop", new { });
        Assert.Equal(HttpStatusCode.BadRequest, nothing.StatusCode);
    }

    [Fact]
    public async Task A_restarted_node_applies_the_inbox_activities_a_killed_one_had_claimed_at_once()
    {
        var baseUrl = $"http://127.0.0.1:{TestNode.FreePort()}";
        var dataDirectory = Path.Combine(Path.GetTempPath(), "camtree-tests", $"claims-{Guid.NewGuid():N}");
        const string activityId = "https://peer.example/activities/claimed";
        {
            var app = NodeApp.Build([], new Dictionary<string, string?>
            {
                ["Camtree:PublicUrl"] = baseUrl, ["Camtree:DataDirectory"] = dataDirectory, ["Camtree:SeedDemo"] = "false",
            });
            await NodeApp.InitializeAsync(app.Services);
            // What a worker killed mid-pass leaves: an activity recorded and claimed (for the lease), not processed. (A
            // Create of a report nobody here asked for: applied by ignoring it, without a request to another server.)
            var inbox = app.Services.GetRequiredService<InboxStore>();
            await inbox.RecordAsync(new InboxEntry
            {
                ActivityIri = activityId, ActivityType = "Create", ActorIri = "https://peer.example/users/ana",
                SignerKeyId = "https://peer.example/users/ana#main-key", ReceivedAt = DateTimeOffset.UtcNow,
                Json = """{"id":"https://peer.example/activities/claimed","type":"Create","actor":"https://peer.example/users/ana","object":{"id":"https://peer.example/reports/1","type":"Article","attributedTo":"https://peer.example/users/ana","name":"A report"}}""",
            });
            Assert.Single(await inbox.ClaimDueAsync(DateTimeOffset.UtcNow, 10));
            await app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }

        var node = await NodeProcess.StartAsync(baseUrl, dataDirectory);
        try
        {
            // Not ten minutes later, when the claim would lapse: the restarted worker releases it and goes on.
            var database = new SqliteDatabase(Path.Combine(dataDirectory, "camtree.db"));
            await Eventually.TrueAsync(async () => (await new InboxStore(database).FindAsync(activityId))?.ProcessedAt is not null,
                "the claimed activity to be applied after the restart");
        }
        finally
        {
            await node.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dataDirectory, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task A_node_killed_in_the_middle_of_a_fan_out_completes_it_after_a_restart()
    {
        const int followers = 300;
        await using var sink = await InboxSink.StartAsync(delayPerRequest: TimeSpan.FromMilliseconds(40));
        var baseUrl = $"http://127.0.0.1:{TestNode.FreePort()}";
        var dataDirectory = Path.Combine(Path.GetTempPath(), "camtree-tests", $"crash-{Guid.NewGuid():N}");

        // Prepare the node's data: an author with 300 followers, each on its own inbox.
        string token;
        {
            var app = NodeApp.Build([], new Dictionary<string, string?>
            {
                ["Camtree:PublicUrl"] = baseUrl, ["Camtree:DataDirectory"] = dataDirectory, ["Camtree:SeedDemo"] = "false",
            });
            await NodeApp.InitializeAsync(app.Services);
            var author = await app.Services.GetRequiredService<PractitionerService>().CreatePractitionerAsync("author", "Author");
            token = await app.Services.GetRequiredService<TokenStore>().IssueAsync(author.Id, "test");
            var actors = app.Services.GetRequiredService<RemoteActorStore>();
            var follows = app.Services.GetRequiredService<FollowStore>();
            for (var i = 0; i < followers; i++)
            {
                var iri = $"{sink.BaseUrl}/users/{i}";
                await actors.SaveAsync(new RemoteActor(iri, "Person", $"f{i}", null, sink.Inbox(i), null, null, null, null, false, []));
                await follows.AddFollowerAsync(author.Id, iri, $"{iri}/follow", FollowStates.Accepted, DateTimeOffset.UtcNow);
            }
            await app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }

        var node = await NodeProcess.StartAsync(baseUrl, dataDirectory);
        string activityId;
        try
        {
            using var api = new HttpClient { BaseAddress = new Uri(baseUrl) };
            api.DefaultRequestHeaders.Authorization = new("Bearer", token);
            using var published = await api.PostAsJsonAsync("/api/v1/reports", new { title = "A report for 300 followers", findings = "f", language = "en" });
            Assert.Equal(HttpStatusCode.Created, published.StatusCode);

            await Eventually.TrueAsync(() => Task.FromResult(sink.Received.Count >= followers / 5), "a fifth of the fan-out");
            await node.KillAsync();
            var beforeRestart = sink.Received.Count;
            Assert.InRange(beforeRestart, followers / 5, followers - 1); // killed in the middle

            await node.DisposeAsync();
            node = await NodeProcess.StartAsync(baseUrl, dataDirectory);
            await Eventually.TrueAsync(() => Task.FromResult(sink.Received.Select(r => r.Inbox).Distinct().Count() == followers),
                "every inbox to receive the report after the restart", seconds: 60);
            activityId = sink.Received.First().ActivityId;

            // And the restarted node's queue says so.
            var database = new SqliteDatabase(Path.Combine(dataDirectory, "camtree.db"));
            await Eventually.TrueAsync(async () =>
            {
                await using var connection = await database.OpenAsync();
                return await Dapper.SqlMapper.ExecuteScalarAsync<int>(connection, "SELECT count(*) FROM deliveries WHERE state = 'delivered'") == followers;
            }, "every delivery row to be marked delivered");
        }
        finally
        {
            await node.DisposeAsync();
        }

        // Every inbox got the one activity; a few may have got it twice (cut off between POST and bookkeeping),
        // which receivers absorb by deduplicating on the activity id.
        Assert.All(sink.Received, r => Assert.Equal(activityId, r.ActivityId));
        var duplicates = sink.Received.Count - followers;
        Assert.InRange(duplicates, 0, 16);
        try { Directory.Delete(dataDirectory, recursive: true); }
        catch (IOException) { }
    }
}
