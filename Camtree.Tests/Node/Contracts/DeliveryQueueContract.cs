using Camtree.Node.Configuration;
using Camtree.Node.Storage;
using Camtree.Node.Storage.Postgres;
using Camtree.Protocol.Delivery;
using Camtree.Tests.Support;
using Microsoft.Extensions.Options;

namespace Camtree.Tests.Node.Contracts;

/// <summary>
/// What every <see cref="IDeliveryQueue"/> must do: a claimed row is not claimed again until its outcome is recorded or
/// its lease lapses; claimers working at once never take the same row; no host gets more than its share, counting what
/// is claimed for it, and a host whose circuit is open gets nothing; an outcome is recorded as sent and ends the claim.
/// Run against SQLite (claims in the process) and a real PostgreSQL (claims in the rows, shared by processes).
/// </summary>
public abstract class DeliveryQueueContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    protected static readonly IOptions<NodeOptions> Options = Microsoft.Extensions.Options.Options.Create(new NodeOptions());
    private static readonly TimeSpan Lease = Options.Value.DeliveryLease;

    private Database _database = null!;
    private long _sender;
    private int _activities;

    /// <summary>A migrated database of the dialect under test.</summary>
    protected abstract Task<Database> CreateDatabaseAsync();

    /// <summary>The queue as one process sees it. On PostgreSQL a second call stands for a second process.</summary>
    protected abstract IDeliveryQueue Queue();

    /// <summary>Whether two <see cref="Queue"/>s share their claims (they do through PostgreSQL's rows; on SQLite there is one process).</summary>
    protected abstract bool ProcessesShareClaims { get; }

    protected abstract Task CleanUpAsync();

    public async Task InitializeAsync()
    {
        _database = await CreateDatabaseAsync();
        _sender = (await new ActorStore(_database).CreateAsync(new LocalActor
        {
            Username = "sender", ActorType = "Person", DisplayName = "Sender", PrivateKeyPem = "-", PublicKeyPem = "-", CreatedAt = Now,
        })).Id;
    }

    public Task DisposeAsync() => CleanUpAsync();

    /// <summary>Stores an activity with one delivery per inbox, as the outbox does.</summary>
    private async Task<string> SendAsync(params string[] inboxes)
    {
        var iri = $"https://here.example/activities/{++_activities}";
        await _database.InTransactionAsync(async work =>
        {
            await new OutboxStore(_database).InsertAsync(work, new OutboxEntry
            {
                Iri = iri, LocalActorId = _sender, ActivityType = "Create", IsPublic = true, Json = $"{{\"id\":\"{iri}\"}}", PublishedAt = Now,
            });
            await new DeliveryStore(_database).EnqueueAsync(work, iri, inboxes, Now);
        });
        return iri;
    }

    private Task<IReadOnlyList<DeliveryRow>> RowsAsync(string activity) => new DeliveryStore(_database).ForActivityAsync(activity);

    [Fact]
    public async Task A_claimed_row_waits_for_its_outcome_or_its_lease()
    {
        var activity = await SendAsync("https://a.example/inbox/1", "https://b.example/inbox/1");
        var queue = Queue();
        var claimed = await queue.ClaimDueAsync(Now, 10, 4);
        Assert.Equal(2, claimed.Count);
        Assert.Equal(activity, claimed[0].ActivityIri);
        Assert.Equal($"{{\"id\":\"{activity}\"}}", claimed[0].Json);
        Assert.Equal(_sender, claimed[0].SenderId);
        Assert.Empty(await queue.ClaimDueAsync(Now.AddSeconds(1), 10, 4));
        // The claimer died: its lease lapses and the rows are due again.
        Assert.Equal(2, (await queue.ClaimDueAsync(Now + Lease, 10, 4)).Count);
    }

    [Fact]
    public async Task An_outcome_is_recorded_and_ends_the_claim()
    {
        var activity = await SendAsync("https://a.example/inbox/1", "https://b.example/inbox/1", "https://c.example/inbox/1");
        var queue = Queue();
        var claimed = (await queue.ClaimDueAsync(Now, 10, 4)).ToDictionary(d => d.Host);
        await queue.MarkDeliveredAsync(claimed["a.example"].Id, 202, Now.AddSeconds(1), "a.example");
        await queue.MarkAttemptFailedAsync(claimed["b.example"].Id, 503, "busy", retryAt: Now.AddMinutes(1));
        await queue.MarkAttemptFailedAsync(claimed["c.example"].Id, 410, "gone", retryAt: null);

        var rows = (await RowsAsync(activity)).ToDictionary(r => new Uri(r.InboxUrl).Host);
        Assert.Equal((DeliveryStates.Delivered, 1, 202), (rows["a.example"].State, rows["a.example"].Attempts, rows["a.example"].LastStatus));
        Assert.Equal((DeliveryStates.Pending, 1, "busy", Now.AddMinutes(1)), (rows["b.example"].State, rows["b.example"].Attempts, rows["b.example"].LastError, rows["b.example"].NextAttemptAt));
        Assert.Equal((DeliveryStates.Failed, 410), (rows["c.example"].State, rows["c.example"].LastStatus));
        // The retry's claim ended with its outcome: due again at its time, long before the lease would lapse.
        Assert.Empty(await queue.ClaimDueAsync(Now.AddSeconds(59), 10, 4));
        Assert.Equal("b.example", Assert.Single(await queue.ClaimDueAsync(Now.AddMinutes(1), 10, 4)).Host);
    }

    [Fact]
    public async Task A_delivery_clears_its_hosts_failures_in_the_same_write()
    {
        await SendAsync("https://flaky.example/inbox/1");
        var hosts = new HostHealthStore(_database);
        await new HostHealthStore(_database).SaveAsync(new HostHealth("flaky.example", 2, Now.AddHours(-1), Now.AddMinutes(-1), null, null));
        var queue = Queue();
        var claimed = Assert.Single(await queue.ClaimDueAsync(Now, 10, 4));
        await queue.MarkDeliveredAsync(claimed.Id, 200, Now, claimed.Host);
        var health = await hosts.GetAsync("flaky.example");
        Assert.Equal((0, Now), (health.ConsecutiveFailures, health.LastSuccessAt));
    }

    [Fact]
    public async Task No_host_gets_more_than_its_share_counting_what_is_claimed_for_it()
    {
        await SendAsync([.. Enumerable.Range(1, 5).Select(i => $"https://busy.example/inbox/{i}"), "https://quiet.example/inbox/1"]);
        var queue = Queue();
        var first = await queue.ClaimDueAsync(Now, 10, perHost: 2);
        Assert.Equal(2, first.Count(d => d.Host == "busy.example"));
        Assert.Equal(1, first.Count(d => d.Host == "quiet.example"));
        // Two still in flight to busy.example: nothing more for it until one ends.
        Assert.Empty(await queue.ClaimDueAsync(Now, 10, perHost: 2));
        await queue.MarkDeliveredAsync(first.First(d => d.Host == "busy.example").Id, 202, Now);
        Assert.Equal("busy.example", Assert.Single(await queue.ClaimDueAsync(Now, 10, perHost: 2)).Host);
    }

    [Fact]
    public async Task A_host_whose_circuit_is_open_gets_nothing_and_one_being_probed_gets_one_row()
    {
        await SendAsync("https://down.example/inbox/1", "https://down.example/inbox/2", "https://probed.example/inbox/1", "https://probed.example/inbox/2");
        var hosts = new HostHealthStore(_database);
        await hosts.SaveAsync(new HostHealth("down.example", HostCircuit.FailuresToOpen, Now.AddHours(-1), Now, Now.AddMinutes(10), null));
        await hosts.SaveAsync(new HostHealth("probed.example", HostCircuit.FailuresToOpen, Now.AddHours(-1), Now.AddMinutes(-20), Now.AddMinutes(-1), null));
        var claimed = await Queue().ClaimDueAsync(Now, 10, perHost: 4);
        Assert.Equal("probed.example", Assert.Single(claimed).Host);
    }

    [Fact]
    public async Task Claimers_at_once_never_take_the_same_row()
    {
        await SendAsync([.. Enumerable.Range(1, 300).Select(i => $"https://host{i % 30}.example/inbox/{i}")]);
        // Four claimers at once: four processes on PostgreSQL, four slots of one process on SQLite.
        var queues = Enumerable.Range(0, 4).Select(_ => ProcessesShareClaims ? Queue() : null).ToList();
        var single = ProcessesShareClaims ? null : Queue();
        var taken = await Task.WhenAll(queues.Select(q => Task.Run(async () =>
        {
            var mine = new List<long>();
            var queue = q ?? single!;
            for (var round = 0; round < 50; round++)
            {
                var batch = await queue.ClaimDueAsync(Now, 7, perHost: 100);
                if (batch.Count == 0) break;
                mine.AddRange(batch.Select(d => d.Id));
            }
            return mine;
        })));
        var all = taken.SelectMany(t => t).ToList();
        Assert.Equal(300, all.Count);
        Assert.Equal(300, all.Distinct().Count());
    }
}

/// <summary>The delivery queue contract on SQLite (<see cref="SqliteDeliveryQueue"/>: one process, claims in its memory, outcomes by group commit).</summary>
public sealed class SqliteDeliveryQueueContract : DeliveryQueueContract
{
    private ScratchDatabase _scratch = null!;
    private SqliteDeliveryQueue? _queue;

    protected override bool ProcessesShareClaims => false;

    protected override async Task<Database> CreateDatabaseAsync() => (_scratch = await ScratchDatabase.CreateAsync("delivery-queue")).Database;

    protected override IDeliveryQueue Queue() => _queue ??= new SqliteDeliveryQueue(_scratch.Database, Options);

    protected override async Task CleanUpAsync()
    {
        if (_queue is not null) await _queue.DisposeAsync();
        await _scratch.DisposeAsync();
    }
}

/// <summary>The delivery queue contract on PostgreSQL (<see cref="PostgresDeliveryQueue"/>: claims in the rows, SKIP LOCKED).</summary>
public sealed class PostgresDeliveryQueueContract : DeliveryQueueContract
{
    private PostgresDatabase _database = null!;

    protected override bool ProcessesShareClaims => true;

    protected override async Task<Database> CreateDatabaseAsync() => _database = await PostgresServer.CreateMigratedDatabaseAsync();

    protected override IDeliveryQueue Queue() => new PostgresDeliveryQueue(_database, Options);

    protected override async Task CleanUpAsync() => await _database.DisposeAsync();
}
