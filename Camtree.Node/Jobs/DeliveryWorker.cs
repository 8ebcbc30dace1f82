using Camtree.Node.Federation;
using Camtree.Node.Storage;
using Camtree.Protocol.Delivery;

namespace Camtree.Node.Jobs;

/// <summary>
/// Sends due deliveries: signs each at send time with its sender's key and POSTs it, several at once.
/// Success marks the row delivered; a permanent refusal marks it failed; anything else schedules a retry with
/// <see cref="RetrySchedule"/>. Rows are only marked after the POST, so a crash re-sends rather than loses
/// (receivers dedupe by activity id). Each outcome also updates the receiving host's <see cref="HostCircuit"/>.
/// </summary>
public sealed class DeliveryWorker(
    DeliveryStore deliveries, HostHealthStore hosts, SigningKeys keys, ActivitySender sender, Protocol.Policy.FederationPolicy policy,
    WorkSignal<DeliveryWorker> signal,
    TimeProvider time, ILogger<DeliveryWorker> logger) : BackgroundService
{
    private const int BatchSize = 64;
    private const int Parallelism = 8;
    private const int PerHostInBatch = 16;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var due = await deliveries.DueAsync(time.GetUtcNow(), BatchSize, PerHostInBatch);
            await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = stoppingToken },
                async (delivery, cancellationToken) => await SendAsync(delivery, cancellationToken));
            // Sleep only when nothing was due: a batch smaller than BatchSize may just be the per-host cap.
            if (due.Count == 0) await signal.WaitAsync(TimeSpan.FromSeconds(5), stoppingToken);
        }
    }

    private async Task SendAsync(DueDelivery delivery, CancellationToken cancellationToken)
    {
        if (!policy.AllowsUrl(delivery.InboxUrl))
        {
            // Queued before the operator changed the policy: given up, visible to the operator as failed.
            await deliveries.MarkAttemptFailedAsync(delivery.Id, null, "refused by this node's federation policy", retryAt: null);
            return;
        }
        var key = await keys.ForAsync(delivery.SenderId);
        if (key is null)
        {
            await deliveries.MarkAttemptFailedAsync(delivery.Id, null, "the sender no longer exists", retryAt: null);
            return;
        }
        var outcome = await sender.SendAsync(delivery.InboxUrl, delivery.Json, key, cancellationToken);
        await RecordHostHealthAsync(delivery.Host, outcome);
        if (outcome.Delivered)
        {
            await deliveries.MarkDeliveredAsync(delivery.Id, outcome.StatusCode, time.GetUtcNow());
            return;
        }
        var delay = outcome.Permanent ? null : RetrySchedule.NextDelay(delivery.Attempts + 1, Random.Shared.NextDouble());
        logger.LogInformation("Delivery of {Activity} to {Inbox} failed ({Error}); {Next}", delivery.ActivityIri, delivery.InboxUrl,
            outcome.Error, delay is null ? "giving up" : $"retrying in {delay}");
        await deliveries.MarkAttemptFailedAsync(delivery.Id, outcome.StatusCode, outcome.Error, time.GetUtcNow() + delay);
    }

    /// <summary>Any answer below 500 shows the host is up; no answer or a 5xx counts against it (see <see cref="HostCircuit"/>).</summary>
    private async Task RecordHostHealthAsync(string host, DeliveryOutcome outcome)
    {
        var now = time.GetUtcNow();
        if (!HostCircuit.CountsAgainstHost(outcome.StatusCode))
        {
            await hosts.ClearAsync(host, now);
            return;
        }
        var health = HostCircuit.RecordFailure(await hosts.GetAsync(host), now);
        await hosts.SaveAsync(health);
        if (health.UnavailableSince == now)
            logger.LogWarning("Host {Host} has failed since {Since}: marked unavailable, probed every {Interval}", host, health.FirstFailureAt, HostCircuit.UnavailableProbeInterval);
    }
}
