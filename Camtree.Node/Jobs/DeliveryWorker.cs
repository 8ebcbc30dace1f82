using Camtree.Node.Federation;
using Camtree.Node.Storage;
using Camtree.Protocol.Delivery;

namespace Camtree.Node.Jobs;

/// <summary>
/// Sends due deliveries: signs each at send time with its sender's key and POSTs it, many at once. Slots are
/// refilled as soon as any delivery finishes (no batch waits for its slowest member), and no host holds more
/// than <see cref="PerHostInFlight"/> slots (one while it is failing), so a slow or dead host cannot hold up
/// deliveries to the others.
/// Success marks the row delivered; a permanent refusal marks it failed; anything else schedules a retry with
/// <see cref="RetrySchedule"/>. Rows are only marked after the POST, so a crash re-sends rather than loses
/// (receivers dedupe by activity id). Each outcome also updates the receiving host's <see cref="HostCircuit"/>.
/// Rows are claimed through <see cref="IDeliveryQueue"/>, so that several processes of one node share the queue.
/// </summary>
public sealed class DeliveryWorker(
    IDeliveryQueue deliveries, IHostHealthStore hosts, SigningKeys keys, ActivitySender sender, Protocol.Policy.FederationPolicy policy,
    WorkSignal<DeliveryWorker> signal,
    TimeProvider time, ILogger<DeliveryWorker> logger) : BackgroundService
{
    /// <summary>
    /// Deliveries in flight at once. Signing is ~0.25 ms of CPU; the rest is waiting on other servers (64 rather than 32:
    /// 10,000 inboxes went from 0.61 to 0.68 of one core's RSA signing rate, docs/benchmarks.md).
    /// </summary>
    public const int Parallelism = 64;
    /// <summary>Deliveries in flight to one host at once.</summary>
    public const int PerHostInFlight = 4;
    /// <summary>Due rows taken from the queue per slot in one query.</summary>
    private const int TakenPerSlot = 8;

    private readonly SemaphoreSlim _slots = new(Parallelism, Parallelism);

    /// <summary>The longest wait a receiving inbox's <c>Retry-After</c> can impose on one delivery.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(6);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var running = new List<Task>();
        await ResilientLoop.RunAsync(nameof(DeliveryWorker), token => PassAsync(running, token), logger, stoppingToken);
        // Deliveries in flight finish their bookkeeping (or are cut off and sent again after a restart).
        await Task.WhenAll(running);
    }

    private async Task PassAsync(List<Task> running, CancellationToken stoppingToken)
    {
        // Take several slots' worth of work at once and start each as a slot frees: the queue query ranks every
        // pending row, so running it per freed slot (and then per slot-load) made it the bottleneck of a large
        // fan-out (measured). Rows claimed count against their host's share at once, started or not.
        var due = await deliveries.ClaimDueAsync(time.GetUtcNow(), Parallelism * TakenPerSlot, PerHostInFlight);
        foreach (var delivery in due)
        {
            await _slots.WaitAsync(stoppingToken);
            running.Add(Task.Run(() => RunAsync(delivery, stoppingToken), CancellationToken.None));
        }
        running.RemoveAll(t => t.IsCompleted);
        // Nothing new could start: wait for a slot to free, new work, or the next poll (retries coming due).
        if (due.Count == 0) await signal.WaitAsync(TimeSpan.FromSeconds(5), stoppingToken);
    }

    private async Task RunAsync(DueDelivery delivery, CancellationToken cancellationToken)
    {
        try { await SendAsync(delivery, cancellationToken); }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { }
        catch (Exception e)
        {
            // Kept on the row and retried later like any failure, never picked again at once in a loop.
            logger.LogWarning(e, "Delivery {Id} of {Activity} to {Inbox} failed unexpectedly", delivery.Id, delivery.ActivityIri, delivery.InboxUrl);
            try
            {
                await deliveries.MarkAttemptFailedAsync(delivery.Id, null, e.Message,
                    time.GetUtcNow() + RetrySchedule.NextDelay(delivery.Attempts + 1, Random.Shared.NextDouble()));
            }
            catch (Exception recording)
            {
                // The row stays as it was, claimed, and is sent again once its claim lapses (receivers dedupe by activity
                // id); the worker goes on.
                logger.LogError(recording, "Delivery {Id}: its outcome could not be recorded; sending it again once its claim lapses", delivery.Id);
            }
        }
        finally
        {
            _slots.Release();
            signal.Notify();
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
        if (outcome.Delivered)
        {
            // The host's failure record is cleared in the transaction that records the delivery.
            await deliveries.MarkDeliveredAsync(delivery.Id, outcome.StatusCode, time.GetUtcNow(), delivery.Host);
            return;
        }
        await RecordHostHealthAsync(delivery.Host, outcome);
        var delay = outcome.Permanent ? null : RetrySchedule.NextDelay(delivery.Attempts + 1, Random.Shared.NextDouble());
        // An inbox that asks for a pause (429 or 503 with Retry-After) gets it, within bounds.
        if (delay is { } scheduled && outcome.RetryAfter is { } asked)
            delay = TimeSpan.FromTicks(Math.Max(scheduled.Ticks, Math.Min(asked.Ticks, MaxRetryAfter.Ticks)));
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
        // Read and write as one step in the database: parallel failures to one host, from any process, each count.
        var health = await hosts.RecordFailureAsync(host, now);
        if (health.UnavailableSince == now)
            logger.LogWarning("Host {Host} has failed since {Since}: marked unavailable, probed every {Interval}", host, health.FirstFailureAt, HostCircuit.UnavailableProbeInterval);
    }
}
