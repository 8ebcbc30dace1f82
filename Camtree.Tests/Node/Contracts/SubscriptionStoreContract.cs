using Camtree.Node.Storage;
using Camtree.Node.Storage.Postgres;
using Camtree.Tests.Support;

namespace Camtree.Tests.Node.Contracts;

/// <summary>
/// What every <see cref="ISubscriptionStore"/> must do: one subscription per actor (a second add is a resync), runs
/// due soonest first, progress, success and failure kept as the sync worker reports them, a run started now from the
/// cursor or from the start. Run against SQLite and a real PostgreSQL.
/// </summary>
public abstract class SubscriptionStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    protected ISubscriptionStore Store { get; set; } = null!;
    public abstract Task InitializeAsync();
    public abstract Task DisposeAsync();

    private static Subscription Library(string node, DateTimeOffset? nextRunAt = null, string kind = SubscriptionKinds.Library) => new()
    {
        Kind = kind, ActorIri = $"https://{node}/actor", CollectionIri = $"https://{node}/library", DigestsIri = $"https://{node}/library/digests",
        Origin = $"https://{node}", State = SubscriptionStates.Following, NextRunAt = nextRunAt ?? Now, CreatedAt = Now,
    };

    [Fact]
    public async Task One_subscription_per_actor_and_a_second_add_starts_it_over()
    {
        Assert.True(await Store.AddAsync(Library("a.example")));
        var first = (await Store.FindAsync("https://a.example/actor"))!;
        await Store.MarkFailedAsync(first.Id, "down", Now.AddHours(1));

        Assert.False(await Store.AddAsync(Library("a.example", Now.AddMinutes(1)) with { CollectionIri = "https://a.example/library2", DigestsIri = null }));

        var again = (await Store.FindAsync("https://a.example/actor"))!;
        Assert.Equal(first.Id, again.Id);
        Assert.Equal("https://a.example/library2", again.CollectionIri);
        Assert.Null(again.DigestsIri);
        Assert.Equal(0, again.Attempts);
        Assert.Equal(Now.AddMinutes(1), again.NextRunAt);
        Assert.Equal("a.example", again.Node);
        Assert.Null(await Store.FindAsync("https://none.example/actor"));
    }

    [Fact]
    public async Task Lists_by_kind_and_runs_due_soonest_first()
    {
        await Store.AddAsync(Library("late.example", Now.AddMinutes(-1)));
        await Store.AddAsync(Library("early.example", Now.AddMinutes(-5)));
        await Store.AddAsync(Library("future.example", Now.AddMinutes(5)));
        await Store.AddAsync(Library("person.example", Now.AddMinutes(-3), SubscriptionKinds.Actor));

        Assert.Equal(["late.example", "early.example", "future.example"], (await Store.ListAsync(SubscriptionKinds.Library)).Select(s => s.Node));
        Assert.Equal(["person.example"], (await Store.ListAsync(SubscriptionKinds.Actor)).Select(s => s.Node));
        Assert.Equal(["early.example", "person.example"], (await Store.DueAsync(Now, 2)).Select(s => s.Node));
        Assert.Equal(3, (await Store.DueAsync(Now, 10)).Count);
    }

    [Fact]
    public async Task Progress_success_and_failure_are_kept()
    {
        await Store.AddAsync(Library("b.example"));
        var id = (await Store.FindAsync("https://b.example/actor"))!.Id;

        await Store.SaveProgressAsync(id, SubscriptionStates.Backfilling, "https://b.example/library?page=3", 120);
        var progress = (await Store.FindAsync("https://b.example/actor"))!;
        Assert.Equal((SubscriptionStates.Backfilling, "https://b.example/library?page=3", 120), (progress.State, progress.Cursor, progress.Records));

        await Store.MarkFailedAsync(id, new string('e', 3000), Now.AddMinutes(2));
        await Store.MarkFailedAsync(id, "again", Now.AddMinutes(4));
        var failed = (await Store.FindAsync("https://b.example/actor"))!;
        Assert.Equal((SubscriptionStates.Failed, 2, "again", Now.AddMinutes(4)), (failed.State, failed.Attempts, failed.LastError, failed.NextRunAt));
        await Store.MarkFailedAsync(id, new string('e', 3000), Now.AddMinutes(8));
        Assert.Equal(1000, (await Store.FindAsync("https://b.example/actor"))!.LastError!.Length);

        await Store.MarkSyncedAsync(id, null, 400, Now.AddMinutes(9), Now.AddHours(6));
        var synced = (await Store.FindAsync("https://b.example/actor"))!;
        Assert.Equal((SubscriptionStates.Synced, (string?)null, 400, 0, (string?)null), (synced.State, synced.Cursor, synced.Records, synced.Attempts, synced.LastError));
        Assert.Equal(Now.AddMinutes(9), synced.LastSyncedAt);
        Assert.Equal(Now.AddHours(6), synced.NextRunAt);
    }

    [Fact]
    public async Task A_run_now_goes_on_from_the_cursor_or_starts_over()
    {
        await Store.AddAsync(Library("c.example", Now.AddHours(6)));
        var id = (await Store.FindAsync("https://c.example/actor"))!.Id;
        await Store.MarkSyncedAsync(id, "https://c.example/library?page=9", 50, Now, Now.AddHours(6));

        Assert.True(await Store.RunNowAsync("https://c.example/actor", Now, fromStart: false));
        var resumed = (await Store.FindAsync("https://c.example/actor"))!;
        Assert.Equal((SubscriptionStates.Synced, "https://c.example/library?page=9", Now), (resumed.State, resumed.Cursor, resumed.NextRunAt));

        Assert.True(await Store.RunNowAsync("https://c.example/actor", Now.AddMinutes(1), fromStart: true));
        var restarted = (await Store.FindAsync("https://c.example/actor"))!;
        Assert.Equal((SubscriptionStates.Backfilling, (string?)null), (restarted.State, restarted.Cursor));

        Assert.False(await Store.RunNowAsync("https://none.example/actor", Now, fromStart: true));
        Assert.True(await Store.RemoveAsync("https://c.example/actor"));
        Assert.False(await Store.RemoveAsync("https://c.example/actor"));
        Assert.Null(await Store.FindAsync("https://c.example/actor"));
    }
}

public sealed class SqliteSubscriptionStoreContract : SubscriptionStoreContract
{
    private ScratchDatabase _scratch = null!;

    public override async Task InitializeAsync()
    {
        _scratch = await ScratchDatabase.CreateAsync("subscriptions");
        Store = new SubscriptionStore(_scratch.Database);
    }

    public override async Task DisposeAsync() => await _scratch.DisposeAsync();
}

public sealed class PostgresSubscriptionStoreContract : SubscriptionStoreContract
{
    private PostgresDatabase _database = null!;

    public override async Task InitializeAsync()
    {
        _database = await PostgresServer.CreateMigratedDatabaseAsync();
        Store = new PostgresSubscriptionStore(_database);
    }

    public override async Task DisposeAsync() => await _database.DisposeAsync();
}
