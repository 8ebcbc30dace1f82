using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Camtree.Node;
using Camtree.Node.Library;
using Camtree.Node.Storage;
using Camtree.Protocol.Discovery;
using Camtree.Protocol.Signatures;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Camtree.Benchmarks;

/// <summary>
/// One fan-out setting: an author whose followers sit behind <c>Inboxes</c> shared inboxes, spread over
/// <c>Hosts</c> ports of the peer (inbox <c>n</c> is on port <c>n mod Hosts</c>).
/// </summary>
public sealed record FanOutLayout(int Index, int Hosts, IReadOnlyList<string> InboxUrls)
{
    public string Username => $"fanout_{Index}";
    public string Label => $"{InboxUrls.Count:N0} inboxes on {Hosts:N0} host{(Hosts == 1 ? "" : "s")}";

    public static FanOutLayout Create(int index, int hosts, int inboxes, IReadOnlyList<string> peerBaseUrls) =>
        new(index, hosts, [.. Enumerable.Range(0, inboxes).Select(n => $"{peerBaseUrls[n % hosts]}/inbox/{n}")]);
}

/// <summary>An author prepared in the node's data directory, with the API token to publish as them.</summary>
public sealed record PreparedAuthor(FanOutLayout Layout, string Token, int Followers);

/// <summary>What one fan-out did, seen from the receivers and from the node's own delivery table.</summary>
public sealed record FanOutResult(
    FanOutLayout Layout, int Followers, TimeSpan PublishResponse, TimeSpan? AllArrived, TimeSpan FirstArrival, TimeSpan HalfArrived,
    int Received, int Repeats, CpuShare Cpu, IReadOnlyDictionary<string, int> NodeStates, TimeSpan? NodeSpan, string? Error)
{
    public int Inboxes => Layout.InboxUrls.Count;
    public double? DeliveriesPerSecond => AllArrived is { } t ? Inboxes / t.TotalSeconds : null;
    public double? FollowersPerSecond => AllArrived is { } t ? Followers / t.TotalSeconds : null;
}

public static class FanOut
{
    /// <summary>
    /// Prepares a node's data directory in-process, as the crash test does: the schema, and per layout an author
    /// with a token and its number of remote followers (accepted), follower <c>i</c> with its own
    /// inbox and the shared inbox <c>i mod inboxes</c>, so that the node dedupes them to one delivery per inbox.
    /// </summary>
    public static async Task<IReadOnlyList<PreparedAuthor>> PrepareAsync(
        string nodeUrl, string dataDirectory, IReadOnlyList<(FanOutLayout Layout, int Followers)> layouts)
    {
        var app = NodeApp.Build([], new Dictionary<string, string?>
        {
            ["Camtree:PublicUrl"] = nodeUrl,
            ["Camtree:DataDirectory"] = dataDirectory,
            ["Camtree:SeedDemo"] = "false",
            ["Camtree:AllowPrivateNetworks"] = "true",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        try
        {
            await NodeApp.InitializeAsync(app.Services);
            var practitioners = app.Services.GetRequiredService<PractitionerService>();
            var tokens = app.Services.GetRequiredService<TokenStore>();
            var actors = app.Services.GetRequiredService<RemoteActorStore>();
            var follows = app.Services.GetRequiredService<FollowStore>();
            var database = app.Services.GetRequiredService<Database>();
            var prepared = new List<PreparedAuthor>();
            foreach (var (layout, followers) in layouts)
            {
                var author = await practitioners.CreatePractitionerAsync(layout.Username, $"Fan-out author {layout.Index}");
                var token = await tokens.IssueAsync(author.Id, "benchmark");
                var inboxes = layout.InboxUrls.Count;
                var followerIris = new List<string>(followers);
                for (var i = 0; i < followers; i++)
                {
                    var shared = layout.InboxUrls[i % inboxes];
                    var origin = shared[..shared.IndexOf("/inbox/", StringComparison.Ordinal)];
                    var iri = $"{origin}/users/l{layout.Index}-f{i}";
                    await actors.SaveAsync(new RemoteActor(iri, "Person", $"l{layout.Index}f{i}", null, iri + "/inbox", shared,
                        null, null, null, false, []));
                    followerIris.Add(iri);
                }
                // The follows in one transaction (the store's own overload): only the rows matter here.
                await database.InTransactionAsync(async work =>
                {
                    foreach (var iri in followerIris)
                        await follows.AddFollowerAsync(work, author.Id, iri, iri + "/follows/1", FollowStates.Accepted, DateTimeOffset.UtcNow);
                    return 0;
                });
                prepared.Add(new PreparedAuthor(layout, token, followers));
            }
            return prepared;
        }
        finally
        {
            await app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }

    /// <summary>
    /// Publishes a report through the node's JSON API and times it until every inbox has received the Create:
    /// from just before the POST to the last first arrival. Then waits (bounded) for the node to mark every
    /// delivery row, and reads the rows.
    /// </summary>
    public static async Task<FanOutResult> RunAsync(
        string nodeUrl, Database database, PreparedAuthor author, Sink sink, ServerProcess node, TimeSpan timeout)
    {
        var layout = author.Layout;
        using var api = new HttpClient { BaseAddress = new Uri(nodeUrl), Timeout = TimeSpan.FromSeconds(60) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", author.Token);
        var draft = new
        {
            title = $"Talk partners in Year 8 ({layout.Label})",
            language = "en",
            researchContext = "Two Year 8 classes in a comprehensive school.",
            aims = "To see whether talk partners raise participation.",
            methods = "Action research: two cycles, observation and pupil voice.",
            findings = "Participation rose in both classes; quieter pupils spoke more.",
            body = "## What we tried\nTalk partners in every lesson for a term, with sentence stems on the board.",
            themes = new[] { "oracy", "dialogic-teaching" },
        };

        var cpu = CpuShare.Start(node.Process);
        sink.Reset(layout.InboxUrls.Count);
        var clock = Stopwatch.StartNew();
        using var published = await api.PostAsJsonAsync("/api/v1/reports", draft);
        var publishResponse = clock.Elapsed;
        if (published.StatusCode != HttpStatusCode.Created)
        {
            return new FanOutResult(layout, author.Followers, publishResponse, null, TimeSpan.Zero, TimeSpan.Zero, 0, 0, cpu(),
                new Dictionary<string, int>(), null, $"publish answered {(int)published.StatusCode}: {await published.Content.ReadAsStringAsync()}");
        }

        var finished = await Task.WhenAny(sink.AllArrived, Task.Delay(timeout));
        var share = cpu();
        TimeSpan? allArrived = finished == sink.AllArrived ? await sink.AllArrived : null;
        var error = allArrived is null ? $"only {sink.Distinct:N0} of {layout.InboxUrls.Count:N0} inboxes received it within {timeout.TotalSeconds:0} s" : null;

        // The node marks each row after its POST: wait for the bookkeeping to settle, then read it.
        var activity = sink.ActivityId;
        var states = new Dictionary<string, int>();
        TimeSpan? nodeSpan = null;
        if (activity is not null)
        {
            var settle = Stopwatch.StartNew();
            while (true)
            {
                await using var connection = await database.OpenAsync();
                states = (await connection.QueryAsync<(string State, int Count)>(
                    "SELECT state, count(*) FROM deliveries WHERE activity_iri = @activity GROUP BY state", new { activity }))
                    .ToDictionary(r => r.State, r => r.Count);
                if (!states.ContainsKey(DeliveryStates.Pending) || settle.Elapsed > TimeSpan.FromSeconds(30))
                {
                    var span = await connection.QuerySingleAsync<(string? First, string? Last)>(
                        "SELECT min(created_at), max(delivered_at) FROM deliveries WHERE activity_iri = @activity", new { activity });
                    if (span.First is not null && span.Last is not null)
                        nodeSpan = DateTimeOffset.Parse(span.Last, System.Globalization.CultureInfo.InvariantCulture)
                            - DateTimeOffset.Parse(span.First, System.Globalization.CultureInfo.InvariantCulture);
                    break;
                }
                await Task.Delay(100);
            }
        }
        return new FanOutResult(layout, author.Followers, publishResponse, allArrived, sink.ArrivalPercentile(0), sink.ArrivalPercentile(0.5),
            sink.Distinct, sink.Repeats, share, states, nodeSpan, error);
    }

    /// <summary>
    /// The reference for a fan-out: the driver itself signs (RSA-2048, Camtree.Protocol's signer) and POSTs the same
    /// number of deliveries to the same inboxes with <paramref name="parallelism"/> workers, no queue, no database.
    /// What the node's fan-out would take if signing and HTTP were all there was to it, on this machine.
    /// </summary>
    public static async Task<LoadResult> ReferenceAsync(FanOutLayout layout, SenderActor sender, Sink sink, int parallelism)
    {
        var posts = layout.InboxUrls.Select(url => new InboxPosts(sender, new Uri(url), "ref")).ToArray();
        using var keys = new ThreadLocal<SigningKey>(sender.NewSigningKey, trackAllValues: true);
        using var client = LoadGenerator.NewClient(parallelism);
        sink.Reset(posts.Length);
        var result = await LoadGenerator.RunAsync(client, parallelism, TimeSpan.FromMinutes(2), posts.Length,
            i => posts[i].ToRequest(posts[i].Sign((int)i, keys.Value!, DateTimeOffset.UtcNow)), HttpStatusCode.Accepted, server: null);
        foreach (var key in keys.Values) key.Dispose();
        return result;
    }

    /// <summary>Reads a JSON property from the node's runtimeconfig, e.g. whether it runs server GC.</summary>
    public static bool? NodeUsesServerGc(string nodeDll)
    {
        var config = Path.ChangeExtension(nodeDll, ".runtimeconfig.json");
        if (!File.Exists(config)) return null;
        using var document = JsonDocument.Parse(File.ReadAllText(config));
        return document.RootElement.TryGetProperty("runtimeOptions", out var runtime)
            && runtime.TryGetProperty("configProperties", out var properties)
            && properties.TryGetProperty("System.GC.Server", out var server) ? server.GetBoolean() : false;
    }
}
