using Camtree.Node.Federation.Handlers;
using Camtree.Node.Storage;
using Camtree.Protocol.JsonLd;

namespace Camtree.Node.Jobs;

/// <summary>
/// Applies recorded inbox activities, oldest first, each through the handler of its type. A failure is stored
/// on the row and tried again later (up to <see cref="InboxStore.MaxAttempts"/> times, hours apart, so a peer's brief
/// outage does not lose a Follow), and nothing received is lost to a crash.
/// </summary>
public sealed class InboxWorker(
    InboxStore inbox, IEnumerable<IActivityHandler> handlers, WorkSignal<InboxWorker> signal, TimeProvider time, ILogger<InboxWorker> logger)
    : BackgroundService
{
    private readonly Dictionary<string, IActivityHandler> _handlers = handlers.ToDictionary(h => h.ActivityType);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var batch = await inbox.NextUnprocessedAsync(time.GetUtcNow(), 50);
            foreach (var entry in batch) await ProcessAsync(entry, stoppingToken);
            if (batch.Count == 0) await signal.WaitAsync(TimeSpan.FromSeconds(5), stoppingToken);
        }
    }

    private async Task ProcessAsync(InboxEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            var activity = IncomingObject.Parse(System.Text.Encoding.UTF8.GetBytes(entry.Json));
            string? note = _handlers.TryGetValue(entry.ActivityType, out var handler)
                ? await handler.HandleAsync(new ReceivedActivity(entry, activity), cancellationToken)
                : $"no handler for {entry.ActivityType}";
            if (note is not null) logger.LogInformation("Inbox {Activity} from {Actor} ignored: {Note}", entry.ActivityIri, entry.ActorIri, note);
            await inbox.MarkProcessedAsync(entry.Id, time.GetUtcNow());
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Kept on the row for the operator and retried; one bad activity must not stop the others.
            logger.LogWarning(e, "Inbox {Activity} from {Actor} failed", entry.ActivityIri, entry.ActorIri);
            await inbox.MarkFailedAsync(entry, e.Message, time.GetUtcNow());
        }
    }
}
