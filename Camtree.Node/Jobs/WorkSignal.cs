namespace Camtree.Node.Jobs;

/// <summary>
/// Wakes a worker when there is new work, so a delivery or an inbox activity is handled at once rather than
/// at the next poll. Polling stays as the safety net (work written before a restart, retries coming due).
/// </summary>
public sealed class WorkSignal<TWorker>(IWorkBroadcast broadcast)
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    /// <summary>The channel on which the node's processes tell each other about this worker's new work.</summary>
    public static string Channel { get; } = "camtree_" + typeof(TWorker).Name.ToLowerInvariant();

    /// <summary>Wakes this process's worker.</summary>
    public void Notify()
    {
        // At most one pending wake-up: a worker that wakes drains all due work anyway.
        if (_signal.CurrentCount == 0)
        {
            try { _signal.Release(); }
            catch (SemaphoreFullException) { }
        }
    }

    /// <summary>Wakes this worker in every process of the node: new work was stored (on SQLite, the node is this process).</summary>
    public void Announce()
    {
        Notify();
        broadcast.Announce(Channel);
    }

    /// <summary>Waits for a notification or the poll interval, whichever comes first; whether it was woken.</summary>
    public Task<bool> WaitAsync(TimeSpan pollInterval, CancellationToken cancellationToken) =>
        _signal.WaitAsync(pollInterval, cancellationToken);
}

/// <summary>Tells the node's other processes that a worker has new work (<see cref="WorkSignal{TWorker}.Announce"/>).</summary>
public interface IWorkBroadcast
{
    void Announce(string channel);
}

/// <summary>One process is the whole node (SQLite): there is no one else to tell.</summary>
public sealed class ThisProcessOnly : IWorkBroadcast
{
    public void Announce(string channel) { }
}

/// <summary>The hosted service in place of <see cref="Storage.Postgres.PostgresWakeups"/> on SQLite: nothing to listen for.</summary>
public sealed class NothingToListenFor : Microsoft.Extensions.Hosting.IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
