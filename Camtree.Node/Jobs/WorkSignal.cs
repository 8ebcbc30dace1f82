namespace Camtree.Node.Jobs;

/// <summary>
/// Wakes a worker when there is new work, so a delivery or an inbox activity is handled at once rather than
/// at the next poll. Polling stays as the safety net (work written before a restart, retries coming due).
/// </summary>
public sealed class WorkSignal<TWorker>
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        // At most one pending wake-up: a worker that wakes drains all due work anyway.
        if (_signal.CurrentCount == 0)
        {
            try { _signal.Release(); }
            catch (SemaphoreFullException) { }
        }
    }

    /// <summary>Waits for a notification or the poll interval, whichever comes first.</summary>
    public Task WaitAsync(TimeSpan pollInterval, CancellationToken cancellationToken) =>
        _signal.WaitAsync(pollInterval, cancellationToken);
}
