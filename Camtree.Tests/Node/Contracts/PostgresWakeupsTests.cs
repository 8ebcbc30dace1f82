using Camtree.Node.Jobs;
using Camtree.Node.Storage.Postgres;
using Camtree.Tests.Support;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Camtree.Tests.Node.Contracts;

/// <summary>
/// <see cref="PostgresWakeups"/>: new work stored by one process wakes the workers of another through PostgreSQL's
/// LISTEN/NOTIFY, and a process whose listening connection is cut listens again.
/// </summary>
public sealed class PostgresWakeupsTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private PostgresDatabase _database = null!;
    private readonly List<ServiceProvider> _processes = [];

    public async Task InitializeAsync() => _database = await PostgresServer.CreateMigratedDatabaseAsync();

    /// <summary>What one node process has of this: its wake-ups, started, and its delivery worker's signal (woken once at the start).</summary>
    private async Task<(PostgresWakeups Wakeups, WorkSignal<DeliveryWorker> Deliveries)> ProcessAsync()
    {
        var services = new ServiceCollection().AddLogging().AddSingleton(_database).AddSingleton(typeof(WorkSignal<>))
            .AddSingleton<PostgresWakeups>().AddSingleton<IWorkBroadcast>(sp => sp.GetRequiredService<PostgresWakeups>()).BuildServiceProvider();
        _processes.Add(services);
        var wakeups = services.GetRequiredService<PostgresWakeups>();
        await ((IHostedService)wakeups).StartAsync(CancellationToken.None);
        var deliveries = services.GetRequiredService<WorkSignal<DeliveryWorker>>();
        Assert.True(await deliveries.WaitAsync(Patience, CancellationToken.None), "listening, the process wakes its workers once");
        return (wakeups, deliveries);
    }

    [Fact]
    public async Task Work_announced_in_one_process_wakes_the_worker_in_another()
    {
        var (_, sender) = await ProcessAsync();
        var (receiving, woken) = await ProcessAsync();
        Assert.False(await woken.WaitAsync(TimeSpan.FromMilliseconds(200), CancellationToken.None)); // nothing yet

        sender.Announce();
        Assert.True(await woken.WaitAsync(Patience, CancellationToken.None), "the other process's delivery worker to wake");
        Assert.True(receiving.Received >= 1);
    }

    [Fact]
    public async Task A_process_whose_listening_connection_is_cut_listens_again()
    {
        var (_, sender) = await ProcessAsync();
        var (_, woken) = await ProcessAsync();
        await using (var connection = await _database.OpenAsync())
            Assert.Equal(2, await connection.ExecuteScalarAsync<int>(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'"));
        // Listening again (and waking its workers once, for what was announced while it was not).
        Assert.True(await woken.WaitAsync(Patience, CancellationToken.None), "the cut process to listen again");
        sender.Announce();
        Assert.True(await woken.WaitAsync(Patience, CancellationToken.None), "an announcement to reach it again");
    }

    [Fact]
    public async Task An_announcement_the_database_refuses_is_dropped_and_the_next_one_is_tried()
    {
        // A database nobody listens at: the notification fails, is counted, and leaves the channel free for the next.
        await using var nowhere = new PostgresDatabase($"Host=127.0.0.1;Port={TestNode.FreePort()};Username=camtree;Database=none;Timeout=2");
        var services = new ServiceCollection().AddLogging().AddSingleton(nowhere).AddSingleton<PostgresWakeups>().BuildServiceProvider();
        _processes.Add(services);
        var wakeups = services.GetRequiredService<PostgresWakeups>();
        wakeups.Announce(WorkSignal<DeliveryWorker>.Channel);
        await Eventually.TrueAsync(() => Task.FromResult(wakeups.FailedAnnouncements == 1), "the refused announcement to be counted");
        wakeups.Announce(WorkSignal<DeliveryWorker>.Channel);
        await Eventually.TrueAsync(() => Task.FromResult(wakeups.FailedAnnouncements == 2), "the next announcement to be tried");
    }

    public async Task DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await ((IHostedService)process.GetRequiredService<PostgresWakeups>()).StopAsync(CancellationToken.None); // never started: a no-op
            await process.DisposeAsync();
        }
        await _database.DisposeAsync();
    }
}
