namespace Camtree.Node.Storage;

/// <summary>
/// Scheduled work that must run in one process of the node at a time (retention, library sync passes): a pass runs
/// while it holds the job's lock, and a process that does not get it leaves the pass to the one that has it. A lock
/// held by a process that dies is released with it. On SQLite the node is one process (<see cref="ProcessJobLock"/>);
/// on PostgreSQL the lock is a session advisory lock (<see cref="Postgres.PostgresJobLock"/>). ADR 0009.
/// </summary>
public interface IJobLock
{
    /// <summary>The job's lock, held until disposed; null when another process holds it now.</summary>
    Task<IAsyncDisposable?> TryAcquireAsync(string job, CancellationToken cancellationToken = default);
}

/// <summary>The job lock of a node that is one process: held by one pass of this process at a time.</summary>
public sealed class ProcessJobLock : IJobLock
{
    private readonly Dictionary<string, Held> _held = new(StringComparer.Ordinal);

    public Task<IAsyncDisposable?> TryAcquireAsync(string job, CancellationToken cancellationToken = default)
    {
        lock (_held)
        {
            if (_held.ContainsKey(job)) return Task.FromResult<IAsyncDisposable?>(null);
            var held = new Held(this, job);
            _held[job] = held;
            return Task.FromResult<IAsyncDisposable?>(held);
        }
    }

    private sealed class Held(ProcessJobLock owner, string job) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            lock (owner._held) owner._held.Remove(job);
            return ValueTask.CompletedTask;
        }
    }
}
