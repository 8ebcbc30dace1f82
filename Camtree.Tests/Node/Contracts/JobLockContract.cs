using Camtree.Node.Storage;
using Camtree.Node.Storage.Postgres;
using Camtree.Tests.Support;
using Dapper;

namespace Camtree.Tests.Node.Contracts;

/// <summary>
/// What every <see cref="IJobLock"/> must do: one holder of a job at a time, the others told no at once; a job free
/// again when its holder lets go; jobs independent of each other. On PostgreSQL, also: a holder whose process dies
/// (its connection cut) frees the job.
/// </summary>
public abstract class JobLockContract : IAsyncLifetime
{
    /// <summary>The lock as one process sees it (on PostgreSQL a second call stands for a second process).</summary>
    protected abstract IJobLock Process();
    public abstract Task InitializeAsync();
    public abstract Task DisposeAsync();

    [Fact]
    public async Task One_holder_at_a_time_and_free_again_when_it_lets_go()
    {
        var first = Process();
        var second = Process();
        var held = await first.TryAcquireAsync("retention");
        Assert.NotNull(held);
        Assert.Null(await second.TryAcquireAsync("retention"));
        Assert.Null(await first.TryAcquireAsync("retention")); // not twice in one process either
        await using (var other = await second.TryAcquireAsync("library-sync")) Assert.NotNull(other);

        await held!.DisposeAsync();
        await using var next = await second.TryAcquireAsync("retention");
        Assert.NotNull(next);
    }
}

public sealed class ProcessJobLockContract : JobLockContract
{
    private readonly ProcessJobLock _lock = new();
    protected override IJobLock Process() => _lock; // one process: one lock
    public override Task InitializeAsync() => Task.CompletedTask;
    public override Task DisposeAsync() => Task.CompletedTask;
}

public sealed class PostgresJobLockContract : JobLockContract
{
    private PostgresDatabase _database = null!;

    protected override IJobLock Process() => new PostgresJobLock(_database);
    public override async Task InitializeAsync() => _database = await PostgresServer.CreateMigratedDatabaseAsync();
    public override async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task A_holder_whose_process_dies_frees_the_job()
    {
        var held = await Process().TryAcquireAsync("retention");
        Assert.NotNull(held);
        await using (var connection = await _database.OpenAsync())
            Assert.Equal(1, await connection.ExecuteScalarAsync<int>(
                // This database's only: the cluster is shared with every other test class.
                """
                SELECT count(pg_terminate_backend(pid)) FROM pg_locks
                WHERE locktype = 'advisory' AND pid <> pg_backend_pid() AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                """));
        // The killed backend lets go as it exits, a moment after it is told to.
        await using var taken = await Eventually.GetAsync(() => Process().TryAcquireAsync("retention"), "the dead holder's job to be free");
        await held!.DisposeAsync(); // letting go of a lock whose connection is gone is no error
    }
}
