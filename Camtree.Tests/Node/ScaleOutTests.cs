using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Camtree.Node;
using Camtree.Node.Jobs;
using Camtree.Node.Library;
using Camtree.Node.Storage;
using Camtree.Node.Storage.Postgres;
using Camtree.Protocol.Discovery;
using Camtree.Tests.Support;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Camtree.Tests.Node;

/// <summary>
/// One node as two operating-system processes on one PostgreSQL database, behind one public URL (a
/// <see cref="LoadBalancer"/>), as a large network runs it: a fan-out is shared by both processes and reaches each
/// inbox once; a process killed mid fan-out loses nothing (the other finishes its deliveries once their claims lapse);
/// an inbox flood spread over both is recorded, and acted on, once per activity.
/// </summary>
public sealed class ScaleOutTests(ScaleOutTests.Node node) : IClassFixture<ScaleOutTests.Node>
{
    public const int Followers = 2_000;

    [Fact]
    public async Task A_fan_out_from_two_processes_reaches_each_of_2000_inboxes_exactly_once()
    {
        var activity = await node.PublishAsync("Exit tickets across a trust");
        var received = await node.WaitForAllAsync(activity);
        Assert.All(received, inbox => Assert.Single(inbox));
        Assert.Equal(Followers, received.Count);
        Assert.Equal(new Dictionary<string, long> { [DeliveryStates.Delivered] = Followers }, await node.StatesAsync(activity));
    }

    [Fact]
    public async Task Killing_one_process_mid_fan_out_loses_nothing_and_the_other_finishes()
    {
        var activity = await node.PublishAsync("Retrieval practice in science");
        await Eventually.TrueAsync(() => Task.FromResult(node.Sink.Received.Count(r => r.ActivityId == activity) >= 200), "the fan-out to be under way");
        await node.KillAsync(0);
        try
        {
            var received = await node.WaitForAllAsync(activity);
            Assert.Equal(Followers, received.Count); // every inbox has it
            // Sent twice only where the killed process had POSTed and not yet recorded it: at most what it had in flight.
            Assert.InRange(received.Sum(inbox => inbox.Count()) - Followers, 0, DeliveryWorker.Parallelism);
            Assert.Equal(new Dictionary<string, long> { [DeliveryStates.Delivered] = Followers }, await node.StatesAsync(activity));
        }
        finally { await node.RestartAsync(0); }
    }

    [Fact]
    public async Task An_inbox_flood_spread_over_both_processes_is_recorded_and_answered_once_per_activity()
    {
        const int follows = 300;
        var flooder = node.Peer.AddActor($"flooder-{Guid.NewGuid():N}");
        using var key = flooder.SigningKey();
        var ids = Enumerable.Range(0, follows).Select(_ => $"{flooder.Iri}/follows/{Guid.NewGuid():N}").ToList();
        var answered = node.Balancer.Answered.ToArray();
        // Each Follow is posted twice; the balancer sends the two to different processes.
        await Parallel.ForEachAsync(ids.SelectMany(id => new[] { id, id }), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (id, _) =>
        {
            var follow = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["@context"] = "https://www.w3.org/ns/activitystreams", ["id"] = id, ["type"] = "Follow",
                ["actor"] = flooder.Iri, ["object"] = $"{node.PublicUrl}/users/author",
            });
            var outcome = await SignedPost.SendAsync($"{node.PublicUrl}/users/author/inbox", follow, key);
            Assert.Equal(202, outcome.StatusCode);
        });
        Assert.All(node.Balancer.Answered.Zip(answered), p => Assert.True(p.First - p.Second >= follows / 2, "each process took its share"));

        int AcceptsOf(string id) => node.Peer.Received.Count(r => r.Body.Contains("\"Accept\"") && r.Body.Contains(id));
        await Eventually.TrueAsync(() => Task.FromResult(ids.All(id => AcceptsOf(id) >= 1)), "every Follow to be accepted", seconds: 60);
        await Task.Delay(1_000); // a second answer would come now
        Assert.All(ids, id => Assert.Equal(1, AcceptsOf(id)));
        await using var connection = await node.Database.OpenAsync();
        Assert.Equal(follows, await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM inbox WHERE activity_iri = ANY(@ids) AND processed_at IS NOT NULL", new { ids = ids.ToArray() }));
    }

    /// <summary>The node: its database, its two processes, the URL in front of them, and where its deliveries go.</summary>
    public sealed class Node : IAsyncLifetime
    {
        private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "camtree-tests", $"scale-out-{Guid.NewGuid():N}");
        private readonly string[] _backends = [$"http://127.0.0.1:{TestNode.FreePort()}", $"http://127.0.0.1:{TestNode.FreePort()}"];
        private readonly NodeProcess?[] _processes = new NodeProcess?[2];
        private Dictionary<string, string> _settings = [];
        private HttpClient _api = null!;

        public string PublicUrl { get; } = $"http://127.0.0.1:{TestNode.FreePort()}";
        public InboxSink Sink { get; private set; } = null!;
        public HostilePeer Peer { get; private set; } = null!;
        public LoadBalancer Balancer { get; private set; } = null!;
        public PostgresDatabase Database { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
            Database = new PostgresDatabase(connectionString);
            _settings = new Dictionary<string, string>
            {
                ["Camtree:PublicUrl"] = PublicUrl,
                ["Camtree:Storage:Provider"] = "Postgres",
                ["Camtree:Storage:ConnectionString"] = connectionString,
                // A killed process's claims lapse in seconds here, not minutes.
                ["Camtree:Limits:DeliveryTimeoutSeconds"] = "3",
                ["Camtree:Storage:DeliveryLeaseSeconds"] = "8",
            };
            Sink = await InboxSink.StartAsync(delayPerRequest: TimeSpan.FromMilliseconds(5));
            Peer = await HostilePeer.StartAsync();
            var token = await PrepareAsync();
            for (var i = 0; i < _processes.Length; i++) await RestartAsync(i);
            Balancer = await LoadBalancer.StartAsync(PublicUrl, _backends);
            _api = new HttpClient { BaseAddress = new Uri(PublicUrl) };
            _api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        /// <summary>Migrates the database and stores the author and 2,000 followers, each with an inbox of its own; returns the author's API token.</summary>
        private async Task<string> PrepareAsync()
        {
            var app = NodeApp.Build([], new Dictionary<string, string?>(_settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)))
            {
                ["Camtree:DataDirectory"] = _dataDirectory, ["Camtree:SeedDemo"] = "false", ["Logging:LogLevel:Default"] = "Warning",
            });
            try
            {
                await NodeApp.InitializeAsync(app.Services);
                var author = await app.Services.GetRequiredService<PractitionerService>().CreatePractitionerAsync("author", "Author");
                var actors = app.Services.GetRequiredService<RemoteActorStore>();
                var followers = new List<string>();
                for (var i = 0; i < Followers; i++)
                {
                    var iri = $"{Sink.BaseUrl}/users/f{i}";
                    await actors.SaveAsync(new RemoteActor(iri, "Person", $"f{i}", null, Sink.Inbox(i), null, null, null, null, false, []));
                    followers.Add(iri);
                }
                var follows = app.Services.GetRequiredService<FollowStore>();
                await app.Services.GetRequiredService<Database>().InTransactionAsync(async work =>
                {
                    foreach (var iri in followers)
                        await follows.AddFollowerAsync(work, author.Id, iri, iri + "/follows/1", FollowStates.Accepted, DateTimeOffset.UtcNow);
                });
                return await app.Services.GetRequiredService<TokenStore>().IssueAsync(author.Id, "scale-out");
            }
            finally { await app.DisposeAsync(); }
        }

        public async Task RestartAsync(int process) =>
            _processes[process] = await NodeProcess.StartAsync(_backends[process], _dataDirectory, _settings);

        public async Task KillAsync(int process)
        {
            await _processes[process]!.KillAsync();
            _processes[process] = null;
        }

        /// <summary>Publishes a report through the public URL and returns the id of the Create that carries it.</summary>
        public async Task<string> PublishAsync(string title)
        {
            using var response = await _api.PostAsJsonAsync("/api/v1/reports", new
            {
                title, language = "en", researchContext = "Eight schools of one trust.", aims = "To see what sticks.",
                methods = "Action research.", findings = "It stuck.", body = "What we tried.", methodology = "action-research",
            });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            var report = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("iri").GetString()!;
            await using var connection = await Database.OpenAsync();
            return await connection.ExecuteScalarAsync<string>(
                "SELECT iri FROM outbox WHERE object_iri = @report AND activity_type = 'Create'", new { report }) ?? throw new InvalidOperationException("no Create");
        }

        /// <summary>Waits until every follower's inbox has the activity, then a moment more for any second copy; the receipts by inbox.</summary>
        public async Task<IReadOnlyList<IGrouping<int, (int Inbox, string ActivityId)>>> WaitForAllAsync(string activity)
        {
            await Eventually.TrueAsync(() => Task.FromResult(Sink.Received.Where(r => r.ActivityId == activity).Select(r => r.Inbox).Distinct().Count() == Followers),
                $"{activity} to reach all {Followers} inboxes", seconds: 90);
            await Task.Delay(1_000);
            return Sink.Received.Where(r => r.ActivityId == activity).GroupBy(r => r.Inbox).ToList();
        }

        public async Task<Dictionary<string, long>> StatesAsync(string activity)
        {
            await using var connection = await Database.OpenAsync();
            // The last outcomes are recorded just after the POSTs they follow.
            await Eventually.TrueAsync(async () => await connection.ExecuteScalarAsync<long>(
                "SELECT count(*) FROM deliveries WHERE activity_iri = @activity AND state <> 'delivered'", new { activity }) == 0, "every outcome to be recorded");
            return (await connection.QueryAsync<(string State, long Count)>(
                "SELECT state, count(*) FROM deliveries WHERE activity_iri = @activity GROUP BY state", new { activity })).ToDictionary(r => r.State, r => r.Count);
        }

        public async Task DisposeAsync()
        {
            foreach (var process in _processes) if (process is not null) await process.DisposeAsync();
            _api?.Dispose();
            if (Balancer is not null) await Balancer.DisposeAsync();
            if (Sink is not null) await Sink.DisposeAsync();
            if (Peer is not null) await Peer.DisposeAsync();
            if (Database is not null) await Database.DisposeAsync();
            try { Directory.Delete(_dataDirectory, recursive: true); } catch (IOException) { }
        }
    }
}
