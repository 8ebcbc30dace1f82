using Camtree.Node.Configuration;
using Camtree.Node.Storage;
using Microsoft.Extensions.Options;

namespace Camtree.Node.Jobs;

/// <summary>
/// Keeps what peers sent from growing without end: every hour (and at start) the bodies of inbox activities
/// processed or given up more than <see cref="LimitsOptions.InboxRetentionDays"/> ago are pruned, their ids kept so a
/// repeat is still recognised. (Mastodon keeps no received activity at all once it is applied.) One process of the
/// node prunes at a time (<see cref="IJobLock"/>); the others leave the pass to it.
/// </summary>
public sealed class RetentionWorker(
    IInboxStore inbox, IJobLock jobs, WorkSignal<RetentionWorker> signal, IOptions<NodeOptions> options, TimeProvider time, ILogger<RetentionWorker> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        ResilientLoop.RunAsync(nameof(RetentionWorker), PassAsync, logger, stoppingToken);

    private async Task PassAsync(CancellationToken stoppingToken)
    {
        await using (var held = await jobs.TryAcquireAsync(nameof(RetentionWorker), stoppingToken))
            if (held is not null) await PruneAsync(stoppingToken);
        await signal.WaitAsync(Interval, stoppingToken);
    }

    private async Task PruneAsync(CancellationToken stoppingToken)
    {
        var now = time.GetUtcNow();
        var before = now - options.Value.Limits.InboxRetention;
        int pruned, total = 0;
        // In batches, so that no single statement holds the database for long.
        do
        {
            pruned = await inbox.PruneAsync(before, now);
            total += pruned;
        } while (pruned > 0 && !stoppingToken.IsCancellationRequested);
        if (total > 0) logger.LogInformation("Pruned the bodies of {Count} inbox activities older than {Before:O}", total, before);
    }
}
