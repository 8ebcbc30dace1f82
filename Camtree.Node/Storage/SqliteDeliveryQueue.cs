using Camtree.Protocol.Delivery;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Camtree.Node.Storage;

/// <summary>
/// The delivery queue's claims on SQLite, where one process is the whole node: a claim is held in this process's memory
/// (gone with it, so a restarted node sends what it had in flight at once), and outcomes are recorded by group commit
/// (<see cref="GroupCommit{TItem,TResult}"/>): a fan-out's deliveries finishing together share one transaction instead
/// of queueing on SQLite's write lock one each.
/// </summary>
public sealed class SqliteDeliveryQueue : IDeliveryQueue, IAsyncDisposable
{
    private readonly SqliteDatabase _database;
    private readonly GroupCommit<Outcome, bool> _outcomes;
    /// <summary>Claimed rows and when each claim lapses.</summary>
    private readonly Dictionary<long, DateTimeOffset> _claims = [];
    /// <summary>One claim at a time: a claim reads the claims, queries, and adds to them.</summary>
    private readonly SemaphoreSlim _claiming = new(1, 1);

    private readonly TimeSpan _lease;

    public SqliteDeliveryQueue(SqliteDatabase database, Microsoft.Extensions.Options.IOptions<Configuration.NodeOptions> options)
    {
        _database = database;
        _lease = options.Value.DeliveryLease;
        _outcomes = new GroupCommit<Outcome, bool>(database, WriteOutcomesAsync);
    }

    /// <summary>
    /// What became of one attempt: delivered at At (and its host is up), or failed (tried again at RetryAt, or given up when null;
    /// a failure has no time of its own to record).
    /// </summary>
    private sealed record Outcome(long Id, bool Delivered, int? Status, string? Error, DateTimeOffset At, DateTimeOffset? RetryAt, string? HostUp);

    public async Task<IReadOnlyList<DueDelivery>> ClaimDueAsync(DateTimeOffset now, int limit, int perHost)
    {
        await _claiming.WaitAsync();
        try { return await ClaimAsync(now, limit, perHost); }
        finally { _claiming.Release(); }
    }

    private async Task<IReadOnlyList<DueDelivery>> ClaimAsync(DateTimeOffset now, int limit, int perHost)
    {
        long[] claimed;
        lock (_claims)
        {
            foreach (var (id, until) in _claims.ToList()) if (until <= now) _claims.Remove(id);
            claimed = [.. _claims.Keys];
        }
        await using var connection = await _database.OpenAsync();
        // Rank the small delivery rows first and join the (large) activity JSON only for the rows chosen. Rows claimed
        // are left out and count against their host's share.
        var due = (await connection.QueryAsync<DueDelivery>("""
            WITH ranked AS (
                SELECT d.id, d.activity_iri, d.inbox_url, d.host, d.attempts, d.next_attempt_at,
                       ROW_NUMBER() OVER (PARTITION BY d.host ORDER BY d.next_attempt_at, d.id) + COALESCE(busy.n, 0) AS place,
                       COALESCE(h.consecutive_failures, 0) AS failures
                FROM deliveries d
                LEFT JOIN delivery_hosts h ON h.host = d.host
                LEFT JOIN (SELECT host, count(*) AS n FROM deliveries WHERE id IN @claimed GROUP BY host) busy ON busy.host = d.host
                WHERE d.state = 'pending' AND d.next_attempt_at <= @now AND (h.open_until IS NULL OR h.open_until <= @now)
                  AND d.id NOT IN @claimed),
            chosen AS (
                SELECT * FROM ranked WHERE place <= CASE WHEN failures >= @failuresToOpen THEN 1 ELSE @perHost END
                ORDER BY next_attempt_at, id LIMIT @limit)
            SELECT c.id, c.activity_iri, c.inbox_url, c.host, c.attempts, o.json, o.local_actor_id AS sender_id
            FROM chosen c JOIN outbox o ON o.iri = c.activity_iri
            ORDER BY c.next_attempt_at, c.id
            """, new { now, limit, perHost, failuresToOpen = HostCircuit.FailuresToOpen, claimed })).ToList();
        lock (_claims) foreach (var delivery in due) _claims[delivery.Id] = now + _lease;
        return due;
    }

    public Task MarkDeliveredAsync(long id, int? status, DateTimeOffset at, string? hostUp = null) =>
        RecordAsync(new Outcome(id, Delivered: true, status, null, at, null, hostUp));

    public Task MarkAttemptFailedAsync(long id, int? status, string? error, DateTimeOffset? retryAt) =>
        RecordAsync(new Outcome(id, Delivered: false, status, error, default, retryAt, null));

    /// <summary>Writes an outcome and then ends its claim; when the write fails, the claim is left to lapse.</summary>
    private async Task RecordAsync(Outcome outcome)
    {
        await _outcomes.SubmitAsync(outcome);
        lock (_claims) _claims.Remove(outcome.Id);
    }

    private static async Task<bool[]> WriteOutcomesAsync(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<Outcome> outcomes)
    {
        var results = new bool[outcomes.Count];
        for (var i = 0; i < outcomes.Count; i++)
        {
            var o = outcomes[i];
            results[i] = await connection.ExecuteAsync(o.Delivered ? DeliveryStore.DeliveredSql : DeliveryStore.FailedSql, o, transaction) > 0;
        }
        // A host that answered is up: one statement per host in the batch, inside the lock held anyway.
        await HostHealthStore.ClearAllAsync(connection, transaction, outcomes.Select(o => (o.HostUp, o.At)));
        return results;
    }

    /// <summary>Writes the outcomes submitted, then refuses more (the host is stopping).</summary>
    public ValueTask DisposeAsync() => _outcomes.DisposeAsync();
}
