using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Camtree.Node.Jobs;
using Npgsql;

namespace Camtree.Node.Storage.Postgres;

/// <summary>
/// Wakes the workers of every process of the node when one of them stores new work: <c>NOTIFY</c> on the worker's
/// channel (<see cref="WorkSignal{TWorker}.Channel"/>), and in each process a connection that <c>LISTEN</c>s and wakes
/// the worker. Without it another process would find the work at its next poll (5 s for deliveries and the inbox).
/// Announcements are coalesced, at most one in flight per channel, so an inbox flood sends a few notifications, not one
/// per request. A lost listening connection is opened again (polling covers what was announced meanwhile); a failed
/// notification is logged and dropped (polling covers it too).
/// </summary>
public sealed class PostgresWakeups(PostgresDatabase database, IServiceProvider services, ILogger<PostgresWakeups> logger)
    : BackgroundService, IWorkBroadcast
{
    /// <summary>The workers woken this way, by channel.</summary>
    private readonly Dictionary<string, Func<IServiceProvider, Action>> _workers = new(StringComparer.Ordinal)
    {
        [WorkSignal<DeliveryWorker>.Channel] = sp => sp.GetRequiredService<WorkSignal<DeliveryWorker>>().Notify,
        [WorkSignal<InboxWorker>.Channel] = sp => sp.GetRequiredService<WorkSignal<InboxWorker>>().Notify,
        [WorkSignal<LibrarySyncWorker>.Channel] = sp => sp.GetRequiredService<WorkSignal<LibrarySyncWorker>>().Notify,
    };

    /// <summary>Per channel: 0 idle, 1 sending, 2 sending and asked again meanwhile.</summary>
    private readonly ConcurrentDictionary<string, StrongBox<int>> _sending = new(StringComparer.Ordinal);

    /// <summary>Notifications this process has received (each wakes one worker here).</summary>
    public long Received => Interlocked.Read(ref _received);
    private long _received;

    /// <summary>Announcements the database refused (the others found that work at their next poll).</summary>
    public long FailedAnnouncements => Interlocked.Read(ref _failed);
    private long _failed;

    public void Announce(string channel)
    {
        var state = _sending.GetOrAdd(channel, _ => new StrongBox<int>());
        while (true)
        {
            var now = Volatile.Read(ref state.Value);
            // Sending, and asked again already: that second round will announce this too.
            if (now == 2) return;
            if (Interlocked.CompareExchange(ref state.Value, now + 1, now) != now) continue;
            // Idle: start sending. Sending: it goes round once more (this work may have been stored after it sent).
            if (now == 0) _ = Task.Run(() => SendAsync(channel, state));
            return;
        }
    }

    private async Task SendAsync(string channel, StrongBox<int> state)
    {
        while (true)
        {
            try
            {
                await using var connection = await database.OpenNpgsqlAsync();
                await using var notify = new NpgsqlCommand("SELECT pg_notify($1, '')", connection);
                notify.Parameters.AddWithValue(channel);
                await notify.ExecuteNonQueryAsync();
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                Interlocked.Increment(ref _failed);
                logger.LogWarning(e, "Could not tell the node's other processes about new work on {Channel}; they find it at their next poll", channel);
            }
            // Nobody asked again while it was sent: idle. Else once more.
            if (Interlocked.CompareExchange(ref state.Value, 0, 1) == 1) return;
            Interlocked.Exchange(ref state.Value, 1);
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        ResilientLoop.RunAsync(nameof(PostgresWakeups), ListenAsync, logger, stoppingToken);

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        var wake = _workers.ToDictionary(w => w.Key, w => w.Value(services), StringComparer.Ordinal);
        await using var connection = await database.OpenNpgsqlAsync(stoppingToken);
        connection.Notification += (_, e) =>
        {
            Interlocked.Increment(ref _received);
            if (wake.TryGetValue(e.Channel, out var notify)) notify();
        };
        foreach (var channel in wake.Keys)
        {
            await using var listen = new NpgsqlCommand($"LISTEN {channel}", connection);
            await listen.ExecuteNonQueryAsync(stoppingToken);
        }
        // Work stored while this process was not listening: wake everything once.
        foreach (var notify in wake.Values) notify();
        while (!stoppingToken.IsCancellationRequested) await connection.WaitAsync(stoppingToken);
    }
}
