using Camtree.Node.Storage;
using Camtree.Node.Storage.Postgres;
using Camtree.Protocol.Delivery;
using Camtree.Tests.Support;

namespace Camtree.Tests.Node.Contracts;

/// <summary>
/// What every <see cref="IHostHealthStore"/> must do: a host unknown is healthy; failures open its circuit as
/// <see cref="HostCircuit"/> says, each counted even when recorded at once by two processes; a clear resets it. Run
/// against SQLite and a real PostgreSQL.
/// </summary>
public abstract class HostHealthStoreContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A new store on the same database each call: two calls stand for two node processes.</summary>
    protected abstract IHostHealthStore NewStore();
    public abstract Task InitializeAsync();
    public abstract Task DisposeAsync();

    [Fact]
    public async Task An_unknown_host_is_healthy()
    {
        var health = await NewStore().GetAsync("new.example");
        Assert.Equal(new HostHealth("new.example"), health);
        Assert.False(health.IsOpen(Now));
    }

    [Fact]
    public async Task Failures_open_the_circuit_and_a_clear_resets_it()
    {
        var store = NewStore();
        for (var i = 1; i <= HostCircuit.FailuresToOpen; i++) await store.RecordFailureAsync("down.example", Now.AddSeconds(i));
        var open = await store.GetAsync("down.example");
        Assert.Equal(HostCircuit.FailuresToOpen, open.ConsecutiveFailures);
        Assert.Equal(Now.AddSeconds(1), open.FirstFailureAt);
        Assert.Equal(Now.AddSeconds(HostCircuit.FailuresToOpen), open.LastFailureAt);
        Assert.True(open.IsOpen(Now.AddSeconds(HostCircuit.FailuresToOpen)));

        await store.ClearAsync("down.example", Now.AddMinutes(5));
        var cleared = await store.GetAsync("down.example");
        Assert.Equal(0, cleared.ConsecutiveFailures);
        Assert.Null(cleared.OpenUntil);
        Assert.Equal(Now.AddMinutes(5), cleared.LastSuccessAt);
        await store.ClearAsync("never-failed.example", Now); // nothing to clear: no record made
        Assert.Null((await store.GetAsync("never-failed.example")).LastSuccessAt);
    }

    [Fact]
    public async Task A_saved_state_reads_back_as_saved()
    {
        var state = new HostHealth("saved.example", 40, Now.AddDays(-3), Now, Now.AddHours(12), Now.AddDays(-1), Now.AddDays(-4));
        await NewStore().SaveAsync(state);
        Assert.Equal(state, await NewStore().GetAsync("saved.example"));
    }

    [Fact]
    public async Task Failures_recorded_at_once_by_two_processes_each_count()
    {
        var stores = new[] { NewStore(), NewStore() };
        var states = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => Task.Run(() => stores[i % 2].RecordFailureAsync("flaky.example", Now))));
        Assert.Equal(Enumerable.Range(1, 30), states.Select(s => s.ConsecutiveFailures).Order());
        Assert.Equal(30, (await stores[0].GetAsync("flaky.example")).ConsecutiveFailures);
    }
}

public sealed class SqliteHostHealthStoreContract : HostHealthStoreContract
{
    private ScratchDatabase _scratch = null!;

    protected override IHostHealthStore NewStore() => new HostHealthStore(_scratch.Database);

    public override async Task InitializeAsync() => _scratch = await ScratchDatabase.CreateAsync("hosts");

    public override async Task DisposeAsync() => await _scratch.DisposeAsync();
}

public sealed class PostgresHostHealthStoreContract : HostHealthStoreContract
{
    private PostgresDatabase _database = null!;

    protected override IHostHealthStore NewStore() => new PostgresHostHealthStore(_database);

    public override async Task InitializeAsync()
    {
        _database = await PostgresServer.CreateMigratedDatabaseAsync();
    }

    public override async Task DisposeAsync() => await _database.DisposeAsync();
}
