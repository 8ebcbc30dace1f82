using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Camtree.Node.Jobs;
using Camtree.Node.Storage;
using Camtree.Tests.Support;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Camtree.Tests.Node;

/// <summary>Tests that measure the process's memory run alone, so no other test's allocations count against them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeasuredAlone
{
    public const string Name = "measured alone";
}

/// <summary>
/// Every activity handler, and delivery, against a peer that misbehaves in each of the ways real servers do: 404,
/// 410, 500, 429 with Retry-After, no answer, a trickle, a redirect loop, malformed JSON, an oversized body, a
/// gzip bomb, a body cut off mid-way and a body that claims gzip but is not. Real HTTP on 127.0.0.1 both ways. For each: the node stays up and answers, the activity ends
/// processed or scheduled for a retry with its reason (never half-written), the delivery ends retried or failed
/// with its reason, and the node's allocations stay far below what the fault would cost if read whole.
/// </summary>
[Collection(MeasuredAlone.Name)]
public sealed class HostilePeerFaultTests(HostilePeerFaultTests.Fixture fixture) : IClassFixture<HostilePeerFaultTests.Fixture>
{
    /// <summary>Far above what one case needs (a few MB), far below a gzip bomb read whole (100 MB).</summary>
    private const long AllocationBound = 40L * 1024 * 1024;

    /// <summary>One node and one peer for all cases (each case uses actors of its own).</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public TestNode Node { get; private set; } = null!;
        public HostilePeer Peer { get; private set; } = null!;
        public Practitioner Reader { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Node = await TestNode.StartAsync("faults", settings: new Dictionary<string, string?>
            {
                ["Camtree:Limits:FetchTimeoutSeconds"] = "1",
                ["Camtree:Limits:DeliveryTimeoutSeconds"] = "1",
            });
            Peer = await HostilePeer.StartAsync();
            Reader = await Node.AddPractitionerAsync("reader", "Reader");
        }

        public async Task DisposeAsync()
        {
            await Node.DisposeAsync();
            await Peer.DisposeAsync();
        }
    }

    private TestNode Node => fixture.Node;
    private HostilePeer Peer => fixture.Peer;
    private Practitioner Reader => fixture.Reader;

    public static TheoryData<string, PeerFault> Cases()
    {
        var data = new TheoryData<string, PeerFault>();
        foreach (var type in new[] { "Follow", "Undo", "Accept", "Reject", "Create", "Update", "Delete", "Like", "Announce" })
            foreach (var fault in Enum.GetValues<PeerFault>())
                data.Add(type, fault);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_misbehaving_peer_cannot_stop_or_bloat_the_node(string type, PeerFault fault)
    {
        Peer.ClearFaults();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);

        // 1. The key cannot be fetched: refused at once with the reason, nothing recorded.
        var keyless = Peer.AddActor($"k-{type}-{fault}".ToLowerInvariant());
        Peer.Fault(keyless.Path, fault);
        var refusedId = $"{keyless.Iri}/activities/{Guid.NewGuid():N}";
        var refused = await PostAsync(keyless, Activity(type, keyless, refusedId, $"{Node.BaseUrl}/users/reader"));
        Assert.Equal(401, refused.StatusCode);
        Assert.Contains("could not fetch key", refused.Error);
        Assert.Null(await Node.Get<IInboxStore>().FindAsync(refusedId));

        // 2. The key was fetched; then the peer turns hostile while the activity is being applied.
        var actor = Peer.AddActor($"h-{type}-{fault}".ToLowerInvariant());
        var activityId = await ArrangeAndSendAsync(type, actor, fault);
        var entry = await Eventually.GetAsync(async () => await Node.Get<IInboxStore>().FindAsync(activityId) is { } e && (e.ProcessedAt is not null || e.Attempts > 0) ? e : null,
            $"the {type} to be processed or to fail");
        await AssertOutcomeAsync(type, actor, fault, entry);

        await AssertHealthyAsync();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        Assert.True(allocated < AllocationBound, $"the node allocated {allocated / 1024 / 1024} MB for one {fault}");
    }

    /// <summary>Sets up what the activity needs (with the peer still well-behaved), turns the fault on, and sends it.</summary>
    private async Task<string> ArrangeAndSendAsync(string type, PeerActor actor, PeerFault fault)
    {
        var readerIri = Reader.Iri;
        string? followIri = null;
        string? objectIri = null;
        switch (type)
        {
            case "Undo":
                var follow = $"{actor.Iri}/activities/{Guid.NewGuid():N}";
                await SendAndWaitAsync(actor, Activity("Follow", actor, follow, readerIri));
                objectIri = follow;
                break;
            case "Accept" or "Reject":
                followIri = await FollowFromReaderAsync(actor);
                break;
            case "Create" or "Announce" or "Delete":
                followIri = await FollowFromReaderAsync(actor);
                await SendAndWaitAsync(actor, Activity("Accept", actor, $"{actor.Iri}/activities/{Guid.NewGuid():N}", followIri));
                break;
            case "Like":
                using (var published = await Reader.Api.PostAsJsonAsync("/api/v1/reports", new { title = "Liked", language = "en", findings = "f" }))
                    objectIri = (await published.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("iri").GetString();
                break;
        }

        // The node has the actor and its key (as after any earlier exchange) before the peer turns hostile.
        Assert.NotNull(await Node.Get<Camtree.Node.Federation.ActorDirectory>().ResolveAsync(actor.KeyId, refresh: false, CancellationToken.None));
        Peer.FaultEverything(fault);
        var id = $"{actor.Iri}/activities/{Guid.NewGuid():N}";
        var json = type switch
        {
            "Follow" => Activity("Follow", actor, id, readerIri),
            "Undo" => Activity("Undo", actor, id, new { id = objectIri, type = "Follow", actor = actor.Iri, @object = readerIri }),
            "Accept" or "Reject" => Activity(type, actor, id, followIri!),
            "Create" => Activity("Create", actor, id, new
            {
                id = $"{actor.Iri}/reports/{Guid.NewGuid():N}", type = "Article", attributedTo = actor.Iri,
                to = new[] { "https://www.w3.org/ns/activitystreams#Public" }, name = "Delivered whole", summary = "s", content = "c",
            }),
            "Update" => Activity("Update", actor, id, new { id = actor.Iri, type = "Person", inbox = $"{actor.Iri}/inbox" }),
            "Delete" => Activity("Delete", actor, id, actor.Iri),
            "Like" => Activity("Like", actor, id, objectIri!),
            "Announce" => Activity("Announce", actor, id, $"{actor.Iri}/reports/unreachable"),
            _ => throw new ArgumentOutOfRangeException(nameof(type)),
        };
        // The request itself reaches the node; only the node's own requests to the peer meet the fault.
        var outcome = await PostAsync(actor, json);
        Assert.True(outcome.StatusCode == 202, $"{type} was answered {outcome.StatusCode}: {outcome.Error}");
        return id;
    }

    private async Task AssertOutcomeAsync(string type, PeerActor actor, PeerFault fault, InboxEntry entry)
    {
        var follows = Node.Get<FollowStore>();
        switch (type)
        {
            case "Update" or "Announce":
                // Needed the peer: failed with the reason, a retry scheduled, nothing written.
                Assert.Null(entry.ProcessedAt);
                Assert.Equal(1, entry.Attempts);
                Assert.False(string.IsNullOrWhiteSpace(entry.LastError));
                Assert.True(entry.RetryAt > Node.Clock.GetUtcNow(), "a retry is scheduled");
                Assert.Null(entry.FailedAt);
                if (type == "Announce")
                {
                    Assert.Null(await Node.Get<ReportStore>().FindByIriAsync($"{actor.Iri}/reports/unreachable"));
                    Assert.False(await Node.Get<InteractionStore>().HasAsync(InteractionKinds.Share, actor.Iri, $"{actor.Iri}/reports/unreachable"));
                }
                else
                {
                    Assert.Equal(actor.Iri, (await Node.Get<RemoteActorStore>().FindAsync(actor.Iri))?.Iri);
                }
                return;
            default:
                Assert.True(entry.ProcessedAt is not null, $"{type} should not need the peer, yet: {entry.LastError}");
                break;
        }
        switch (type)
        {
            case "Follow":
                Assert.Contains(await follows.ListFollowersAsync(Reader.Actor.Id), f => f.OtherIri == actor.Iri);
                await AssertAcceptDeliveryFailedAsync(entry.ActivityIri, fault);
                break;
            case "Undo":
                Assert.DoesNotContain(await follows.ListFollowersAsync(Reader.Actor.Id, state: null), f => f.OtherIri == actor.Iri);
                break;
            case "Accept":
                Assert.Equal(FollowStates.Accepted, (await follows.FindFollowingAsync(Reader.Actor.Id, actor.Iri))?.State);
                break;
            case "Reject" or "Delete":
                Assert.Null(await follows.FindFollowingAsync(Reader.Actor.Id, actor.Iri));
                break;
            case "Create":
                Assert.Contains(await Node.Get<ReportStore>().ListAsync(ReportOrigin.Federated, limit: 500), r => r.AuthorIri == actor.Iri);
                break;
            case "Like":
                Assert.Single(await Node.Get<InteractionStore>().ActorsAsync(InteractionKinds.Like,
                    (await Node.Get<ReportStore>().ListAsync(ReportOrigin.Local, limit: 1))[0].Iri), actor.Iri);
                break;
        }
    }

    /// <summary>The Accept sent back to the hostile inbox: tried once, and then delivered (any 2xx), retried or failed, with its reason.</summary>
    private async Task AssertAcceptDeliveryFailedAsync(string followIri, PeerFault fault)
    {
        var row = await Eventually.GetAsync(async () =>
        {
            await using var connection = await Node.Get<Database>().OpenAsync();
            return await connection.QuerySingleOrDefaultAsync<DeliveryRow>("""
                SELECT d.* FROM deliveries d JOIN outbox o ON o.iri = d.activity_iri
                WHERE o.activity_type = 'Accept' AND o.json LIKE '%' || @followIri || '%' AND d.attempts > 0
                """, new { followIri });
        }, "the Accept's delivery to be tried");
        if (fault is PeerFault.MalformedJson or PeerFault.OversizedBody)
        {
            // A 2xx is the inbox taking the activity: its body, endless or huge, is not read at all.
            Assert.Equal(DeliveryStates.Delivered, row.State);
            return;
        }
        Assert.False(string.IsNullOrWhiteSpace(row.LastError));
        var permanent = fault is PeerFault.NotFound or PeerFault.Gone or PeerFault.GzipBomb or PeerFault.BadGzip; // 404, 410, 400: Mastodon's permanent failures
        Assert.Equal(permanent ? DeliveryStates.Failed : DeliveryStates.Pending, row.State);
        if (fault == PeerFault.TooManyRequests)
            Assert.True(row.NextAttemptAt >= Node.Clock.GetUtcNow().AddSeconds(100), "Retry-After: 120 is honoured");
        if (fault == PeerFault.GzipBomb) Assert.True(row.LastError!.Length <= 600, "only a bounded prefix of the answer is kept");
        // An answer whose body cannot be read keeps its status, and says why.
        if (fault == PeerFault.Trickle) Assert.Equal("503: (its body did not arrive in time)", row.LastError);
        if (fault == PeerFault.CutOff) Assert.StartsWith("500: (its body could not be read", row.LastError);
        if (fault == PeerFault.BadGzip) Assert.StartsWith("400: (its body could not be read", row.LastError);
    }

    private async Task AssertHealthyAsync()
    {
        Assert.False(Node.Get<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested, "the node is stopping");
        using var nodeinfo = await Node.Http.GetAsync("/nodeinfo/2.1");
        Assert.Equal(HttpStatusCode.OK, nodeinfo.StatusCode);
        Peer.ClearFaults();
    }

    private async Task<string> FollowFromReaderAsync(PeerActor actor)
    {
        Peer.ClearFaults();
        using var response = await Reader.Api.PostAsJsonAsync("/api/v1/follows", new { target = actor.Iri });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var follow = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("follow").GetString()!;
        await Eventually.TrueAsync(() => Task.FromResult(Peer.Received.Any(r => r.Body.Contains(follow))), "the Follow to reach the peer");
        return follow;
    }

    private async Task SendAndWaitAsync(PeerActor actor, string json)
    {
        var id = JsonDocument.Parse(json).RootElement.GetProperty("id").GetString()!;
        Assert.Equal(202, (await PostAsync(actor, json)).StatusCode);
        await Eventually.TrueAsync(async () => (await Node.Get<IInboxStore>().FindAsync(id))?.ProcessedAt is not null, "the set-up activity to be processed");
    }

    private async Task<Camtree.Protocol.Delivery.DeliveryOutcome> PostAsync(PeerActor actor, string json)
    {
        using var key = actor.SigningKey();
        var outcome = await SignedPost.SendAsync($"{Node.BaseUrl}/inbox", json, key);
        return outcome with { StatusCode = outcome.StatusCode ?? 0 };
    }

    private static string Activity(string type, PeerActor actor, string id, object @object) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["@context"] = "https://www.w3.org/ns/activitystreams",
        ["id"] = id,
        ["type"] = type,
        ["actor"] = actor.Iri,
        ["to"] = new[] { "https://www.w3.org/ns/activitystreams#Public" },
        ["object"] = @object,
    });
}
