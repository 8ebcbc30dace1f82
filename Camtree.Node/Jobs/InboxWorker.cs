using Camtree.Node.Configuration;
using Camtree.Node.Federation.Handlers;
using Camtree.Node.Storage;
using Camtree.Protocol.JsonLd;
using Microsoft.Extensions.Options;

namespace Camtree.Node.Jobs;

/// <summary>
/// Applies recorded inbox activities, oldest first, each through the handler of its type. A failure (an exception,
/// or taking longer than <see cref="LimitsOptions.InboxHandlerTimeoutSeconds"/>) is stored on the row with its reason
/// and tried again later, <see cref="InboxStore.RetryDelays"/> apart (so a peer's brief outage does not lose a
/// Follow), until the activity is given up after <see cref="InboxStore.MaxAttempts"/> attempts. Nothing received is
/// lost to a crash, and nothing an activity does can stop the worker (<see cref="ResilientLoop"/>).
/// </summary>
public sealed class InboxWorker(
    IInboxStore inbox, IEnumerable<IActivityHandler> handlers, WorkSignal<InboxWorker> signal, IOptions<NodeOptions> options,
    TimeProvider time, ILogger<InboxWorker> logger)
    : BackgroundService
{
    private readonly Dictionary<string, IActivityHandler> _handlers = handlers.ToDictionary(h => h.ActivityType);
    private readonly TimeSpan _handlerTimeout = options.Value.Limits.InboxHandlerTimeout;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        ResilientLoop.RunAsync(nameof(InboxWorker), PassAsync, logger, stoppingToken);

    /// <summary>Whether the claims a stopped process left have been released (the first pass does it; a failure is retried).</summary>
    private bool _orphansReleased;

    /// <summary>The most activities claimed, applied and then marked processed together.</summary>
    internal const int PassSize = 200;

    /// <summary>The last pass's activities done, marked processed with the next claim.</summary>
    private List<long> _processed = [];

    private async Task PassAsync(CancellationToken stoppingToken)
    {
        // One write per pass: the last pass's activities marked processed (it was one write per activity), and the
        // next ones claimed. If the node stops first, or a failure could not be recorded, those activities are applied
        // again once their claim lapses: the handlers upsert by id.
        if (!_orphansReleased)
        {
            // A restart goes on where the stopped process was, where the database allows it (IInboxStore).
            await inbox.ReleaseOrphanedClaimsAsync();
            _orphansReleased = true;
        }
        var batch = await inbox.ClaimDueAsync(time.GetUtcNow(), PassSize, _processed);
        _processed = new List<long>(batch.Count);
        foreach (var entry in batch)
            if (await ProcessAsync(entry, stoppingToken)) _processed.Add(entry.Id);
        if (batch.Count == 0) await signal.WaitAsync(TimeSpan.FromSeconds(5), stoppingToken);
    }

    /// <summary>Applies one activity; true when it is done (applied or ignored), false when its failure was recorded.</summary>
    private async Task<bool> ProcessAsync(InboxEntry entry, CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(_handlerTimeout);
        string? note;
        try
        {
            var activity = IncomingObject.Parse(System.Text.Encoding.UTF8.GetBytes(entry.Json));
            note = _handlers.TryGetValue(entry.ActivityType, out var handler)
                ? await handler.HandleAsync(new ReceivedActivity(entry, activity), timeout.Token)
                : $"no handler for {entry.ActivityType}";
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            // A peer's failure reads as what it was; anything else names its exception type, so that a defect shows as one.
            var reason = e switch
            {
                OperationCanceledException => $"timed out after {_handlerTimeout.TotalSeconds:0} s",
                HttpRequestException => e.Message,
                _ => $"{e.GetType().Name}: {e.Message}",
            };
            // Recording the failure can itself fail (the database is locked or full): that leaves this method, the
            // loop logs it and goes on, and the row, still unmarked, is tried again.
            var retryAt = await inbox.MarkFailedAsync(entry, reason, time.GetUtcNow());
            logger.LogWarning(e, "Inbox {Activity} from {Actor} failed ({Reason}); {Next}", entry.ActivityIri, entry.ActorIri, reason,
                retryAt is { } at ? $"trying again at {at:O}" : "given up");
            return false;
        }
        if (note is not null) logger.LogInformation("Inbox {Activity} from {Actor} ignored: {Note}", entry.ActivityIri, entry.ActorIri, note);
        return true;
    }
}
