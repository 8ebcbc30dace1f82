using Camtree.Node.Library;
using Camtree.Node.Storage;

namespace Camtree.Node.Jobs;

/// <summary>
/// Runs due subscriptions (<see cref="LibrarySync"/>), one at a time: backfills, repairs on their schedule, practitioner
/// backfills. A run that fails is recorded with its reason and tried again with backoff (1 min doubling to 6 h);
/// nothing a peer serves can stop the worker (<see cref="ResilientLoop"/>). One process of the node runs passes at a
/// time (<see cref="IJobLock"/>), so no subscription is synced by two at once.
/// </summary>
public sealed class LibrarySyncWorker(
    ISubscriptionStore subscriptions, IJobLock jobs, LibrarySync sync, WorkSignal<LibrarySyncWorker> signal, TimeProvider time, ILogger<LibrarySyncWorker> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        ResilientLoop.RunAsync(nameof(LibrarySyncWorker), PassAsync, logger, stoppingToken);

    private async Task PassAsync(CancellationToken stoppingToken)
    {
        var ran = 0;
        await using (var held = await jobs.TryAcquireAsync(nameof(LibrarySyncWorker), stoppingToken))
            if (held is not null) ran = await RunDueAsync(stoppingToken);
        if (ran == 0) await signal.WaitAsync(TimeSpan.FromSeconds(30), stoppingToken);
    }

    /// <summary>Runs the subscriptions due now, five at most; how many.</summary>
    private async Task<int> RunDueAsync(CancellationToken stoppingToken)
    {
        var due = await subscriptions.DueAsync(time.GetUtcNow(), 5);
        foreach (var subscription in due)
        {
            try { await sync.RunAsync(subscription, stoppingToken); }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                var retry = time.GetUtcNow() + Backoff(subscription.Attempts + 1);
                logger.LogWarning(e, "Subscription to {Actor} failed; trying again at {Retry:O}", subscription.ActorIri, retry);
                await subscriptions.MarkFailedAsync(subscription.Id, e is HttpRequestException ? e.Message : $"{e.GetType().Name}: {e.Message}", retry);
            }
        }
        return due.Count;
    }

    /// <summary>1 minute after the first failure, doubling, at most 6 hours.</summary>
    public static TimeSpan Backoff(int failures) => TimeSpan.FromMinutes(Math.Min(360, Math.Pow(2, Math.Min(failures, 12) - 1)));
}
