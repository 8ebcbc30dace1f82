using Camtree.Node.Storage;

namespace Camtree.Tests.Node.Contracts;

/// <summary>
/// What every <see cref="IInboxStore"/> must do, whichever database is behind it: each activity once by id, claims that
/// no two workers share and that lapse, failures retried then given up, bodies pruned with ids kept, the sender's host
/// cleared with the record. Run against SQLite (<see cref="SqliteInboxStoreContract"/>) and a real PostgreSQL
/// (<see cref="PostgresInboxStoreContract"/>).
/// </summary>
public abstract class InboxStoreContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    protected IInboxStore Inbox { get; private set; } = null!;

    protected abstract Task<IInboxStore> CreateAsync();
    /// <summary>Stores a host with delivery failures (as the delivery worker would have).</summary>
    protected abstract Task SeedFailingHostAsync(string host, int failures);
    protected abstract Task<int> FailuresOfAsync(string host);
    protected abstract Task CleanUpAsync();

    public async Task InitializeAsync() => Inbox = await CreateAsync();
    public Task DisposeAsync() => CleanUpAsync();

    protected static InboxEntry Entry(string id, DateTimeOffset? receivedAt = null, bool done = false) => new()
    {
        ActivityIri = $"https://peer.example/activities/{id}", ActivityType = "Create", ActorIri = "https://peer.example/users/ana",
        SignerKeyId = "https://peer.example/users/ana#main-key", ProofVerified = true, Json = $$"""{"id":"{{id}}"}""",
        ReceivedAt = receivedAt ?? Now, ProcessedAt = done ? (receivedAt ?? Now) : null,
    };

    [Fact]
    public async Task Records_each_activity_once_by_id()
    {
        Assert.True(await Inbox.RecordAsync(Entry("a")));
        Assert.False(await Inbox.RecordAsync(Entry("a") with { Json = "{}" }));
        Assert.True(await Inbox.RecordAsync(Entry("done", done: true)));
        Assert.Equal(2, await Inbox.CountAsync());
        Assert.Equal(1, await Inbox.CountPendingAsync());
        var stored = (await Inbox.FindAsync(Entry("a").ActivityIri))!;
        Assert.Equal("""{"id":"a"}""", stored.Json);
        Assert.True(stored.ProofVerified);
        Assert.Equal(Now, stored.ReceivedAt);
        Assert.Null(await Inbox.FindAsync("https://peer.example/activities/none"));
    }

    [Fact]
    public async Task Claims_due_activities_oldest_first_and_not_twice()
    {
        for (var i = 0; i < 5; i++) await Inbox.RecordAsync(Entry($"c{i}", Now.AddSeconds(-i)));
        await Inbox.RecordAsync(Entry("later", Now.AddMinutes(1)));  // not due yet
        await Inbox.RecordAsync(Entry("done", done: true));          // a type nothing acts on: recorded as done

        var first = await Inbox.ClaimDueAsync(Now, 3);
        Assert.Equal(["c4", "c3", "c2"], first.Select(e => e.ActivityIri[^2..]));
        var second = await Inbox.ClaimDueAsync(Now, 10);
        Assert.Equal(["c1", "c0"], second.Select(e => e.ActivityIri[^2..]));
        Assert.Empty(await Inbox.ClaimDueAsync(Now, 10));
    }

    [Fact]
    public async Task A_claim_not_finished_in_time_returns_to_the_queue()
    {
        await Inbox.RecordAsync(Entry("slow"));
        await Inbox.RecordAsync(Entry("quick"));
        var claimed = await Inbox.ClaimDueAsync(Now, 10);
        await Inbox.MarkProcessedAsync([claimed.Single(e => e.ActivityIri.EndsWith("quick")).Id], Now.AddSeconds(1));

        Assert.Empty(await Inbox.ClaimDueAsync(Now + InboxLease.Length - TimeSpan.FromSeconds(1), 10));
        var again = Assert.Single(await Inbox.ClaimDueAsync(Now + InboxLease.Length, 10)); // the claimer died
        Assert.EndsWith("slow", again.ActivityIri);
    }

    /// <summary>Whether claims found when a worker starts are released at once (SQLite: one process) or lapse (PostgreSQL).</summary>
    protected abstract bool ReleasesOrphanedClaims { get; }

    [Fact]
    public async Task Claims_left_by_a_stopped_process_are_released_or_lapse()
    {
        await Inbox.RecordAsync(Entry("orphan"));
        Assert.Single(await Inbox.ClaimDueAsync(Now, 10)); // then the process is killed

        await Inbox.ReleaseOrphanedClaimsAsync();          // a worker starts

        Assert.Equal(ReleasesOrphanedClaims ? 1 : 0, (await Inbox.ClaimDueAsync(Now, 10)).Count);
        if (!ReleasesOrphanedClaims) Assert.Single(await Inbox.ClaimDueAsync(Now + InboxLease.Length, 10));
    }

    [Fact]
    public async Task Workers_claiming_at_once_never_share_an_activity()
    {
        for (var i = 0; i < 200; i++) await Inbox.RecordAsync(Entry($"w{i:D3}"));
        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            var mine = new List<long>();
            while (await Inbox.ClaimDueAsync(Now, 7) is { Count: > 0 } batch) mine.AddRange(batch.Select(e => e.Id));
            return mine;
        })));
        var all = claims.SelectMany(c => c).ToList();
        Assert.Equal(200, all.Count);
        Assert.Equal(200, all.Distinct().Count());
    }

    [Fact]
    public async Task Processed_activities_are_not_claimed_again()
    {
        await Inbox.RecordAsync(Entry("p"));
        var entry = Assert.Single(await Inbox.ClaimDueAsync(Now, 10));
        await Inbox.MarkProcessedAsync([entry.Id], Now.AddSeconds(2));
        var stored = (await Inbox.FindAsync(entry.ActivityIri))!;
        Assert.Equal(Now.AddSeconds(2), stored.ProcessedAt);
        Assert.Equal(1, stored.Attempts);
        Assert.Empty(await Inbox.ClaimDueAsync(Now.AddDays(1), 10));
    }

    [Fact]
    public async Task A_claim_marks_the_last_passs_activities_processed_first()
    {
        for (var i = 0; i < 4; i++) await Inbox.RecordAsync(Entry($"n{i}"));
        var pass = await Inbox.ClaimDueAsync(Now, 2);
        var next = await Inbox.ClaimDueAsync(Now.AddSeconds(1), 2, pass.Select(e => e.Id).ToList());

        Assert.Equal(["n2", "n3"], next.Select(e => e.ActivityIri[^2..]));
        foreach (var done in pass) Assert.Equal(Now.AddSeconds(1), (await Inbox.FindAsync(done.ActivityIri))!.ProcessedAt);
        Assert.Null((await Inbox.FindAsync(next[0].ActivityIri))!.ProcessedAt);
    }

    [Fact]
    public async Task A_failure_is_retried_on_schedule_then_given_up()
    {
        await Inbox.RecordAsync(Entry("f"));
        var now = Now;
        for (var attempt = 1; attempt <= InboxStore.MaxAttempts; attempt++)
        {
            var entry = Assert.Single(await Inbox.ClaimDueAsync(now, 10));
            var retryAt = await Inbox.MarkFailedAsync(entry, new string('x', 5000), now);
            if (attempt < InboxStore.MaxAttempts)
            {
                Assert.Equal(now + InboxStore.RetryDelays[attempt - 1], retryAt);
                Assert.Empty(await Inbox.ClaimDueAsync(retryAt!.Value.AddSeconds(-1), 10));
                now = retryAt.Value; // the claim was released: due at its retry time, not at the lease's end
            }
            else Assert.Null(retryAt);
        }
        var given = (await Inbox.FindAsync(Entry("f").ActivityIri))!;
        Assert.Equal(now, given.FailedAt);
        Assert.Equal(InboxStore.MaxAttempts, given.Attempts);
        Assert.Equal(InboxRetries.MaxErrorLength, given.LastError!.Length);
        Assert.Empty(await Inbox.ClaimDueAsync(now.AddDays(30), 10));
    }

    [Fact]
    public async Task Pruning_drops_old_bodies_and_keeps_the_ids()
    {
        await Inbox.RecordAsync(Entry("old", Now.AddDays(-40), done: true));
        await Inbox.RecordAsync(Entry("new", Now, done: true));
        await Inbox.RecordAsync(Entry("waiting", Now.AddDays(-40)));

        Assert.Equal(1, await Inbox.PruneAsync(Now.AddDays(-30), Now));

        var old = (await Inbox.FindAsync(Entry("old").ActivityIri))!;
        Assert.Equal("", old.Json);
        Assert.Equal(Now, old.PrunedAt);
        Assert.NotEqual("", (await Inbox.FindAsync(Entry("new").ActivityIri))!.Json);
        Assert.NotEqual("", (await Inbox.FindAsync(Entry("waiting").ActivityIri))!.Json);
        Assert.False(await Inbox.RecordAsync(Entry("old"))); // a repeat is still recognised
        Assert.Equal(0, await Inbox.PruneAsync(Now.AddDays(-30), Now));
    }

    [Fact]
    public async Task Recording_clears_the_senders_delivery_failures()
    {
        await SeedFailingHostAsync("down.example", 7);
        await SeedFailingHostAsync("other.example", 4);
        await Inbox.RecordAsync(Entry("h1"), "down.example");
        await Inbox.RecordAsync(Entry("h2"));
        Assert.Equal(0, await FailuresOfAsync("down.example"));
        Assert.Equal(4, await FailuresOfAsync("other.example"));
    }
}
