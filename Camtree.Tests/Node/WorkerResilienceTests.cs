using System.Net;
using System.Text.Json;
using Camtree.Node.Federation;
using Camtree.Node.Jobs;
using Camtree.Node.Storage;
using Camtree.Tests.Support;
using Dapper;
using Microsoft.Extensions.Hosting;

namespace Camtree.Tests.Node;

/// <summary>
/// No activity and no failure stops a node: a failing activity is retried on the inbox schedule to its last
/// attempt and then given up with its reason, and a worker whose own bookkeeping fails (the database refuses the
/// write) stays alive, and records what it could not when it can again.
/// </summary>
public sealed class WorkerResilienceTests : IAsyncLifetime
{
    private TestNode _node = null!;
    private HostilePeer _peer = null!;

    public async Task InitializeAsync()
    {
        // SQLite on purpose: the tests make it refuse writes with triggers.
        _node = await TestNode.StartAsync("resilience", postgres: false);
        _peer = await HostilePeer.StartAsync();
        await _node.AddPractitionerAsync("reader", "Reader");
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _peer.DisposeAsync();
    }

    [Fact]
    public async Task A_failing_activity_is_retried_on_the_schedule_to_its_last_attempt_then_given_up_with_its_reason()
    {
        var actor = _peer.AddActor("flaky");
        var id = await SendUpdateOfSelfAsync(actor);
        var inbox = _node.Get<IInboxStore>();
        var signal = _node.Get<WorkSignal<InboxWorker>>();

        // Every attempt fails the same way (the actor document now answers 500); each is recorded with its reason and
        // the next is due exactly one step of the schedule later.
        for (var attempt = 1; attempt <= InboxStore.MaxAttempts; attempt++)
        {
            var entry = await Eventually.GetAsync(async () => await inbox.FindAsync(id) is { } e && e.Attempts == attempt ? e : null, $"attempt {attempt}");
            Assert.Null(entry.ProcessedAt);
            Assert.Contains("answered 500", entry.LastError);
            if (attempt < InboxStore.MaxAttempts)
            {
                Assert.Null(entry.FailedAt);
                var delay = InboxStore.RetryDelays[attempt - 1];
                Assert.InRange(entry.RetryAt - _node.Clock.GetUtcNow(), delay - TimeSpan.FromSeconds(5), delay);
                // Not yet due: nothing happens until the clock gets there.
                signal.Notify();
                await Task.Delay(300);
                Assert.Equal(attempt, (await inbox.FindAsync(id))!.Attempts);
                _node.Clock.Advance(delay);
                signal.Notify();
            }
            else
            {
                Assert.NotNull(entry.FailedAt);
            }
        }

        // Given up: a day later it is still where it was left, and the node answers.
        _node.Clock.Advance(TimeSpan.FromDays(1));
        signal.Notify();
        await Task.Delay(500);
        Assert.Equal(InboxStore.MaxAttempts, (await inbox.FindAsync(id))!.Attempts);
        Assert.Equal(InboxStore.MaxAttempts + 1, _peer.Hits(actor.Path)); // the key fetch, then one refresh per attempt
        await AssertAliveAsync();
    }

    [Fact]
    public async Task The_inbox_worker_survives_a_database_that_refuses_to_record_a_failure_and_records_it_later()
    {
        var database = _node.Get<Database>();
        await using (var connection = await database.OpenAsync())
        {
            // The very write the worker's failure path makes is refused, as a full disk or a corrupt page would refuse it.
            await connection.ExecuteAsync("""
                CREATE TRIGGER refuse_inbox_failures BEFORE UPDATE OF last_error ON inbox WHEN NEW.last_error IS NOT NULL
                BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END;
                """);
        }
        var actor = _peer.AddActor("unlucky");
        var id = await SendUpdateOfSelfAsync(actor);

        // The worker fails and cannot record why (nor release its claim): the activity waits for its claim to lapse,
        // as a killed worker's would, and is tried again: the peer sees the refresh asked for again.
        await Eventually.TrueAsync(() => Task.FromResult(_peer.Hits(actor.Path) >= 2), "the first attempt");
        await AssertAliveAsync();
        _node.Clock.Advance(InboxLease.Length);
        await Eventually.TrueAsync(() => Task.FromResult(_peer.Hits(actor.Path) >= 3), "the worker to try the activity again after it could not record the failure");
        Assert.Equal(0, (await _node.Get<IInboxStore>().FindAsync(id))!.Attempts);
        await AssertAliveAsync();

        await using (var connection = await database.OpenAsync())
            await connection.ExecuteAsync("DROP TRIGGER refuse_inbox_failures");
        _node.Clock.Advance(InboxLease.Length);
        var recorded = await Eventually.GetAsync(async () => await _node.Get<IInboxStore>().FindAsync(id) is { Attempts: 1 } e ? e : null,
            "the failure to be recorded once the database takes it");
        Assert.Contains("answered 500", recorded.LastError);

        // And it goes on with other work.
        var other = await SendUpdateOfSelfAsync(_peer.AddActor("later"), fail: false);
        await Eventually.TrueAsync(async () => (await _node.Get<IInboxStore>().FindAsync(other))?.ProcessedAt is not null, "the next activity to be processed");
        await AssertAliveAsync();
    }

    [Fact]
    public async Task The_delivery_worker_survives_a_queue_it_cannot_read_and_delivers_once_it_can()
    {
        var database = _node.Get<Database>();
        await using (var connection = await database.OpenAsync())
            await connection.ExecuteAsync("ALTER TABLE deliveries RENAME TO deliveries_away");
        // Woken, the worker's query fails ("no such table"); it must log, wait and go on.
        _node.Get<WorkSignal<DeliveryWorker>>().Notify();
        await Task.Delay(1500);
        await AssertAliveAsync();

        await using (var connection = await database.OpenAsync())
            await connection.ExecuteAsync("ALTER TABLE deliveries_away RENAME TO deliveries");
        // A Follow from the peer is answered with an Accept, which the worker delivers.
        var actor = _peer.AddActor("follower");
        var followId = $"{actor.Iri}/activities/{Guid.NewGuid():N}";
        var follow = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["@context"] = "https://www.w3.org/ns/activitystreams", ["id"] = followId, ["type"] = "Follow",
            ["actor"] = actor.Iri, ["object"] = $"{_node.BaseUrl}/users/reader",
        });
        using (var key = actor.SigningKey())
            Assert.Equal(202, (await SignedPost.SendAsync($"{_node.BaseUrl}/inbox", follow, key)).StatusCode);
        await Eventually.TrueAsync(() => Task.FromResult(_peer.Received.Any(r => r.Body.Contains("\"Accept\"") && r.Body.Contains(followId))),
            "the Accept to be delivered");
        await AssertAliveAsync();
    }

    [Fact]
    public async Task A_delivery_whose_outcome_cannot_be_recorded_is_not_sent_again_in_a_loop()
    {
        var database = _node.Get<Database>();
        await using (var connection = await database.OpenAsync())
            await connection.ExecuteAsync("""
                CREATE TRIGGER refuse_delivery_outcomes BEFORE UPDATE OF attempts ON deliveries
                BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END;
                """);
        var actor = _peer.AddActor("patient");
        var followId = $"{actor.Iri}/activities/{Guid.NewGuid():N}";
        var follow = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["@context"] = "https://www.w3.org/ns/activitystreams", ["id"] = followId, ["type"] = "Follow",
            ["actor"] = actor.Iri, ["object"] = $"{_node.BaseUrl}/users/reader",
        });
        using (var key = actor.SigningKey())
            Assert.Equal(202, (await SignedPost.SendAsync($"{_node.BaseUrl}/inbox", follow, key)).StatusCode);
        int Accepts() => _peer.Received.Count(r => r.Body.Contains("\"Accept\"") && r.Body.Contains(followId));
        await Eventually.TrueAsync(() => Task.FromResult(Accepts() == 1), "the Accept to be sent");

        // Delivered, but the database refuses to record it: the row still looks due, yet it is not sent again at once.
        _node.Get<WorkSignal<DeliveryWorker>>().Notify();
        await Task.Delay(2000);
        Assert.Equal(1, Accepts());
        await AssertAliveAsync();

        // Once the database takes writes again and the pause is over, it is sent once more and recorded.
        await using (var connection = await database.OpenAsync())
            await connection.ExecuteAsync("DROP TRIGGER refuse_delivery_outcomes");
        _node.Clock.Advance(DeliveryLease.Length + TimeSpan.FromSeconds(1));
        _node.Get<WorkSignal<DeliveryWorker>>().Notify();
        await Eventually.TrueAsync(async () =>
        {
            await using var connection = await database.OpenAsync();
            return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM deliveries WHERE state = 'delivered' AND inbox_url LIKE @peer || '%'",
                new { peer = _peer.BaseUrl }) == 1;
        }, "the delivery to be recorded");
        Assert.Equal(2, Accepts()); // the receiver dedupes by activity id
    }

    [Fact]
    public async Task An_activity_that_takes_longer_than_the_handler_timeout_fails_with_that_reason_and_is_retried()
    {
        await using var node = await TestNode.StartAsync("slow-handler", settings: new Dictionary<string, string?>
        {
            ["Camtree:Limits:InboxHandlerTimeoutSeconds"] = "1",
            ["Camtree:Limits:FetchTimeoutSeconds"] = "30",
        });
        var actor = _peer.AddActor("sluggish");
        Assert.NotNull(await node.Get<ActorDirectory>().ResolveAsync(actor.KeyId, refresh: false, CancellationToken.None));
        _peer.Fault(actor.Path, PeerFault.Timeout);
        var id = $"{actor.Iri}/activities/{Guid.NewGuid():N}";
        var json = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["@context"] = "https://www.w3.org/ns/activitystreams", ["id"] = id, ["type"] = "Update", ["actor"] = actor.Iri,
            ["object"] = new { id = actor.Iri, type = "Person", inbox = $"{actor.Iri}/inbox" },
        });
        using (var key = actor.SigningKey())
            Assert.Equal(202, (await SignedPost.SendAsync($"{node.BaseUrl}/inbox", json, key)).StatusCode);
        var entry = await Eventually.GetAsync(async () => await node.Get<IInboxStore>().FindAsync(id) is { Attempts: 1 } e ? e : null, "the attempt to time out");
        Assert.Equal("timed out after 1 s", entry.LastError);
        Assert.True(entry.RetryAt > node.Clock.GetUtcNow());
        Assert.False(node.Get<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);
    }

    /// <summary>Sends a signed <c>Update</c> of the actor itself; unless <paramref name="fail"/> is false, its document then answers 500.</summary>
    private async Task<string> SendUpdateOfSelfAsync(PeerActor actor, bool fail = true)
    {
        Assert.NotNull(await _node.Get<ActorDirectory>().ResolveAsync(actor.KeyId, refresh: false, CancellationToken.None));
        if (fail) _peer.Fault(actor.Path, PeerFault.ServerError);
        var id = $"{actor.Iri}/activities/{Guid.NewGuid():N}";
        var json = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["@context"] = "https://www.w3.org/ns/activitystreams", ["id"] = id, ["type"] = "Update", ["actor"] = actor.Iri,
            ["object"] = new { id = actor.Iri, type = "Person", inbox = $"{actor.Iri}/inbox" },
        });
        using var key = actor.SigningKey();
        var outcome = await SignedPost.SendAsync($"{_node.BaseUrl}/inbox", json, key);
        Assert.True(outcome.StatusCode == 202, outcome.Error);
        return id;
    }

    private async Task AssertAliveAsync()
    {
        Assert.False(_node.Get<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested, "the node is stopping");
        using var response = await _node.Http.GetAsync("/nodeinfo/2.1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
