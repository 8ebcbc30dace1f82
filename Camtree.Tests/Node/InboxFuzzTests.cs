using System.Text.Json;
using System.Text.Json.Nodes;
using Camtree.Node.Storage;
using Camtree.Tests.Support;
using Dapper;
using Microsoft.Extensions.Hosting;

namespace Camtree.Tests.Node;

/// <summary>
/// A few thousand mutations of real captured payloads (Mastodon's and Fedify's), re-homed on a test peer and signed
/// there, thrown at a node's inbox: none is answered with a 5xx, the process stays up, and no activity's handling
/// fails with a defect's exception (a null reference, a bad cast) rather than a reason. The mutations are seeded,
/// so a failure names the seed and case that reproduce it.
/// </summary>
public sealed class InboxFuzzTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private const int Mutations = 3000;
    private const int Seed = 20261201;

    private TestNode _node = null!;
    private HostilePeer _peer = null!;

    public async Task InitializeAsync()
    {
        _peer = await HostilePeer.StartAsync();
        _node = await TestNode.StartAsync("fuzz", settings: new Dictionary<string, string?>
        {
            // Only the peer is ever contacted: the payloads name real servers, and tests reach nothing beyond loopback.
            ["Camtree:Federation:Mode"] = "Allowlist",
            ["Camtree:Federation:Domains:0"] = _peer.Authority,
            ["Camtree:Limits:InboxBurstPerHost"] = "100000",
            ["Camtree:Limits:FetchTimeoutSeconds"] = "2",
        });
        await _node.AddPractitionerAsync("target", "Target");
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _peer.DisposeAsync();
    }

    [Fact]
    public async Task Thousands_of_mutated_real_payloads_get_no_5xx_and_leave_the_node_running()
    {
        var seeds = LoadPayloads();
        // The node's practitioner follows every actor, so that reports and shares go deep into the handlers.
        var target = await _node.Get<ActorStore>().FindByUsernameAsync("target");
        foreach (var actor in seeds.Select(s => s.Actor).DistinctBy(a => a.Iri))
        {
            await _node.Get<Database>().InTransactionAsync(async work =>
            {
                await _node.Get<FollowStore>().AddFollowingAsync(work, target!.Id, actor.Iri, $"{_node.BaseUrl}/follows/{Guid.NewGuid():N}", DateTimeOffset.UtcNow);
                return 0;
            });
            await using var connection = await _node.Get<Database>().OpenAsync();
            await connection.ExecuteAsync("UPDATE following SET state = 'accepted' WHERE target_iri = @iri", new { iri = actor.Iri });
        }
        var random = new Random(Seed);
        var cases = Enumerable.Range(0, Mutations).Select(n =>
        {
            var (name, document, actor) = seeds[random.Next(seeds.Count)];
            return (N: n, Name: name, Actor: actor, Body: Mutate(document, actor, n, random));
        }).ToList();

        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (c, _) =>
        {
            using var key = c.Actor.SigningKey();
            var outcome = await SignedPost.SendAsync($"{_node.BaseUrl}/inbox", c.Body, key);
            var status = outcome.StatusCode ?? 0;
            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            if (status is 0 or >= 500) failures.Enqueue($"case {c.N} ({c.Name}, seed {Seed}): {status} {outcome.Error}\n{Truncate(c.Body)}");
        });
        var summary = string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"));
        output.WriteLine($"{Mutations} mutations (seed {Seed}) answered {summary}");
        Assert.True(failures.IsEmpty, $"answers {summary}\n" + string.Join("\n\n", failures.Take(5)));
        Assert.True(statuses.GetValueOrDefault(202) > Mutations / 4, $"most mutations should still be accepted to reach the handlers: {summary}");

        // The handlers work through what was accepted; none fails with a defect.
        await Eventually.TrueAsync(async () =>
        {
            await using var connection = await _node.Get<Database>().OpenAsync();
            return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM inbox WHERE processed_at IS NULL AND attempts = 0") == 0;
        }, "the inbox worker to go through every accepted activity", seconds: 120);
        await using (var connection = await _node.Get<Database>().OpenAsync())
        {
            var errors = (await connection.QueryAsync<string>("SELECT last_error FROM inbox WHERE last_error IS NOT NULL")).ToList();
            output.WriteLine($"{errors.Count} activities failed in their handler, with a reason; e.g. {string.Join(" | ", errors.Select(e => e.Length > 80 ? e[..80] : e).Distinct().Take(6))}");
            var defects = errors.Where(e => e.Split(':')[0] is "NullReferenceException" or "InvalidCastException" or "InvalidOperationException"
                or "KeyNotFoundException" or "FormatException" or "IndexOutOfRangeException" or "ArgumentOutOfRangeException" or "ArgumentNullException"
                or "JsonException" or "OverflowException" or "SqliteException" or "UriFormatException").ToList();
            Assert.True(defects.Count == 0, $"{defects.Count} activities failed with a defect, e.g.:\n{string.Join("\n", defects.Distinct().Take(5))}");
        }
        Assert.False(_node.Get<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);
        using var alive = await _node.Http.GetAsync("/nodeinfo/2.1");
        Assert.True(alive.IsSuccessStatusCode);
    }

    /// <summary>Each captured activity, its actor's origin replaced by the peer's, and that actor published there.</summary>
    private List<(string Name, JsonObject Document, PeerActor Actor)> LoadPayloads()
    {
        var payloads = new List<(string, JsonObject, PeerActor)>();
        var actors = new Dictionary<string, PeerActor>();
        foreach (var folder in new[] { "Mastodon", "Fedify" })
        {
            foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures", folder), "*.json"))
            {
                if (file.EndsWith(".request.json") || file.EndsWith("actor-person.json")) continue;
                var text = File.ReadAllText(file);
                var actorIri = JsonNode.Parse(text)!["actor"]!.GetValue<string>();
                var origin = new Uri(actorIri).GetLeftPart(UriPartial.Authority);
                var rehomed = JsonNode.Parse(text.Replace(origin, _peer.BaseUrl))!.AsObject();
                // What a Follow or a Like names on the original's server is aimed at this node's practitioner instead.
                if (rehomed["type"]?.GetValue<string>() == "Follow") rehomed["object"] = $"{_node.BaseUrl}/users/target";
                var path = new Uri(rehomed["actor"]!.GetValue<string>()).AbsolutePath;
                if (!actors.TryGetValue(path, out var actor)) actors[path] = actor = _peer.AddActorAt(path);
                payloads.Add(($"{folder}/{Path.GetFileName(file)}", rehomed, actor));
            }
        }
        return payloads;
    }

    private static readonly JsonNode?[] OddValues =
    [
        null, JsonValue.Create(0), JsonValue.Create(-1), JsonValue.Create(1e308), JsonValue.Create(true), JsonValue.Create(""),
        JsonValue.Create(new string('x', 100_000)), JsonValue.Create("javascript:alert(1)"), JsonValue.Create("http://127.0.0.1:1/"),
        JsonValue.Create("not a url at all"), JsonValue.Create("\ud800"), JsonValue.Create("2099-01-01T00:00:00Z"), JsonValue.Create("yesterday"),
        JsonValue.Create("https://www.w3.org/ns/activitystreams#Public"), JsonValue.Create("as:Public"), new JsonObject(), new JsonArray(),
        new JsonObject { ["type"] = "Link", ["href"] = "http://127.0.0.1:1/" }, new JsonObject { ["id"] = 42 },
    ];

    private static readonly string[] Types =
        ["Create", "Update", "Delete", "Follow", "Undo", "Accept", "Reject", "Like", "Announce", "Article", "Note", "Person", "Tombstone", "Flag", "Move", "Block", "", "💥"];

    private string Mutate(JsonObject original, PeerActor actor, int n, Random random)
    {
        var document = original.DeepClone().AsObject();
        var steps = 1 + random.Next(4);
        for (var i = 0; i < steps; i++)
        {
            var nodes = Flatten(document).ToList();
            var (parent, key, _) = nodes[random.Next(nodes.Count)];
            switch (random.Next(7))
            {
                case 0: Remove(parent, key); break;
                case 1: Set(parent, key, OddValues[random.Next(OddValues.Length)]?.DeepClone()); break;
                case 2: Set(parent, key, new JsonArray(Get(parent, key)?.DeepClone(), Get(parent, key)?.DeepClone())); break;
                case 3: Set(parent, key, Get(parent, key) is JsonObject o && o["id"] is { } id ? id.DeepClone() : JsonValue.Create("http://127.0.0.1:1/x")); break;
                case 4: document["type"] = Types[random.Next(Types.Length)]; break;
                case 5:
                    if (document["object"] is JsonObject inner) inner["type"] = Types[random.Next(Types.Length)];
                    else document["object"] = new JsonObject { ["id"] = $"{_peer.BaseUrl}/objects/{n}", ["type"] = Types[random.Next(Types.Length)], ["attributedTo"] = actor.Iri };
                    break;
                case 6:
                    JsonNode deep = new JsonArray();
                    for (var d = 0; d < 40; d++) deep = new JsonArray(deep);
                    Set(parent, key, deep);
                    break;
            }
        }
        // Most stay new activities of their signer, so that they get past the signature check to the handlers.
        if (random.NextDouble() < 0.9) document["id"] = $"{_peer.BaseUrl}/fuzz/{n}";
        if (random.NextDouble() < 0.85) document["actor"] = actor.Iri;
        var text = document.ToJsonString();
        // And some are not JSON any more.
        return random.NextDouble() < 0.05 ? text[..random.Next(text.Length)] : text;
    }

    private static IEnumerable<(JsonNode Parent, object Key, JsonNode? Value)> Flatten(JsonNode node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o.ToList())
                {
                    yield return (o, key, value);
                    if (value is not null) foreach (var child in Flatten(value)) yield return child;
                }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    yield return (a, i, a[i]);
                    if (a[i] is { } value) foreach (var child in Flatten(value)) yield return child;
                }
                break;
        }
    }

    private static JsonNode? Get(JsonNode parent, object key) => parent is JsonObject o ? o[(string)key] : ((JsonArray)parent)[(int)key];

    private static void Set(JsonNode parent, object key, JsonNode? value)
    {
        if (parent is JsonObject o) o[(string)key] = value;
        else ((JsonArray)parent)[(int)key] = value;
    }

    private static void Remove(JsonNode parent, object key)
    {
        if (parent is JsonObject o) o.Remove((string)key);
        else ((JsonArray)parent).RemoveAt((int)key);
    }

    private static string Truncate(string text) => text.Length <= 600 ? text : text[..600] + "…";
}
