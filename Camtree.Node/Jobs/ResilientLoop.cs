namespace Camtree.Node.Jobs;

/// <summary>
/// The loop every background worker runs in: one pass after another until the node stops. A pass that throws
/// (the database is locked or full, a bug) is logged and the next one waits, 1 s doubling up to a minute, so a
/// worker that cannot do its work stays alive and tries again. No exception leaves it: .NET stops the whole
/// host when a <see cref="Microsoft.Extensions.Hosting.BackgroundService"/> faults.
/// </summary>
internal static class ResilientLoop
{
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(1);

    public static async Task RunAsync(string worker, Func<CancellationToken, Task> pass, ILogger logger, CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await pass(stoppingToken);
                failures = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                failures++;
                var delay = Backoff(failures);
                logger.LogError(e, "{Worker} failed ({Failures} in a row); it goes on in {Delay}", worker, failures, delay);
                try { await Task.Delay(delay, stoppingToken); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    /// <summary>1 s after the first failure in a row, doubling, at most <see cref="MaxBackoff"/>.</summary>
    public static TimeSpan Backoff(int failuresInARow) =>
        TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, Math.Min(failuresInARow, 30) - 1)));
}
