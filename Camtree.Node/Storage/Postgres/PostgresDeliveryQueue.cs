using Camtree.Protocol.Delivery;
using Dapper;

namespace Camtree.Node.Storage.Postgres;

/// <summary>
/// The delivery queue's claims on PostgreSQL, shared by every process of the node: a claim is written in the row
/// (<c>claimed_until</c>), taken with <c>FOR UPDATE SKIP LOCKED</c> so that two processes never take the same row and
/// neither waits for the other. A killed process's claims lapse after the lease (<see cref="Configuration.NodeOptions.DeliveryLease"/>) and the rows
/// go to whoever is running. A host's share counts the rows claimed for it by any process.
/// </summary>
public sealed class PostgresDeliveryQueue(PostgresDatabase database, Microsoft.Extensions.Options.IOptions<Configuration.NodeOptions> options) : IDeliveryQueue
{
    private readonly TimeSpan _lease = options.Value.DeliveryLease;

    public async Task<IReadOnlyList<DueDelivery>> ClaimDueAsync(DateTimeOffset now, int limit, int perHost)
    {
        await using var connection = await database.OpenAsync();
        // Rank the unclaimed due rows per host (the rows claimed count first), lock the chosen ones that no one else has
        // locked, and claim them in the same statement. Locking re-reads each row: one claimed and committed by another
        // process meanwhile fails the claimed_until test and is left out.
        var due = (await connection.QueryAsync<DueDelivery>("""
            WITH busy AS (
                SELECT host, count(*) AS n FROM deliveries WHERE claimed_until > @now GROUP BY host),
            ranked AS (
                SELECT d.id, d.next_attempt_at,
                       ROW_NUMBER() OVER (PARTITION BY d.host ORDER BY d.next_attempt_at, d.id) + COALESCE(busy.n, 0) AS place,
                       COALESCE(h.consecutive_failures, 0) AS failures
                FROM deliveries d
                LEFT JOIN delivery_hosts h ON h.host = d.host
                LEFT JOIN busy ON busy.host = d.host
                WHERE d.state = 'pending' AND d.next_attempt_at <= @now AND (h.open_until IS NULL OR h.open_until <= @now)
                  AND (d.claimed_until IS NULL OR d.claimed_until <= @now)),
            chosen AS (
                SELECT id FROM ranked WHERE place <= CASE WHEN failures >= @failuresToOpen THEN 1 ELSE @perHost END
                ORDER BY next_attempt_at, id LIMIT @limit),
            locked AS (
                SELECT d.id FROM deliveries d JOIN chosen c ON c.id = d.id
                WHERE d.state = 'pending' AND (d.claimed_until IS NULL OR d.claimed_until <= @now)
                FOR UPDATE OF d SKIP LOCKED)
            UPDATE deliveries d SET claimed_until = @until
            FROM locked l, outbox o
            WHERE d.id = l.id AND o.iri = d.activity_iri
            RETURNING d.id, d.activity_iri, d.inbox_url, d.host, d.attempts, o.json, o.local_actor_id AS sender_id, d.next_attempt_at
            """, new { now, until = now + _lease, limit, perHost, failuresToOpen = HostCircuit.FailuresToOpen })).ToList();
        // RETURNING keeps no order: oldest first, as on SQLite.
        return due.OrderBy(d => d.NextAttemptAt).ThenBy(d => d.Id).ToList();
    }

    public async Task MarkDeliveredAsync(long id, int? status, DateTimeOffset at, string? hostUp = null)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(DeliveryStore.DeliveredSql, new { Id = id, Status = status, At = at }, transaction);
        if (hostUp is not null) await HostHealthStore.ClearAsync(connection, transaction, hostUp, at);
        await transaction.CommitAsync();
    }

    public async Task MarkAttemptFailedAsync(long id, int? status, string? error, DateTimeOffset? retryAt)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync(DeliveryStore.FailedSql, new { Id = id, Status = status, Error = error, RetryAt = retryAt });
    }
}
