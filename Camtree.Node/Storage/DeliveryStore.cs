using System.Data;
using Camtree.Protocol.Delivery;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Camtree.Node.Storage;

/// <summary>One activity to one inbox, waiting to be sent or done.</summary>
public sealed record DeliveryRow
{
    public long Id { get; init; }
    public string ActivityIri { get; init; } = "";
    public string InboxUrl { get; init; } = "";
    public string State { get; init; } = "";
    public int Attempts { get; init; }
    public DateTimeOffset NextAttemptAt { get; init; }
    public int? LastStatus { get; init; }
    public string? LastError { get; init; }
}

/// <summary>A delivery whose time has come, with what is needed to send it.</summary>
public sealed record DueDelivery
{
    public long Id { get; init; }
    public string ActivityIri { get; init; } = "";
    public string InboxUrl { get; init; } = "";
    public string Host { get; init; } = "";
    public int Attempts { get; init; }
    public string Json { get; init; } = "";
    public long SenderId { get; init; }
}

/// <summary>Delivery states as stored.</summary>
public static class DeliveryStates
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
}

/// <summary>
/// The delivery queue. Rows are written in the same transaction as the activity they deliver, so an
/// activity is never stored without its deliveries, nor a delivery without its activity. Outcomes are recorded by
/// group commit (<see cref="GroupCommit{TItem,TResult}"/>): a fan-out's deliveries finishing together share one
/// transaction instead of queueing on SQLite's write lock one each.
/// </summary>
public sealed class DeliveryStore : IAsyncDisposable
{
    private readonly Database _database;
    private readonly GroupCommit<Outcome, bool> _outcomes;

    public DeliveryStore(Database database)
    {
        _database = database;
        _outcomes = new GroupCommit<Outcome, bool>(database, WriteOutcomesAsync);
    }

    /// <summary>Transactions the outcome writer has committed (each holds one or more outcomes).</summary>
    public long OutcomeTransactions => _outcomes.Transactions;

    /// <summary>What became of one attempt: delivered (and its host is up), or failed (tried again at RetryAt, or given up when null).</summary>
    private sealed record Outcome(long Id, bool Delivered, int? Status, string? Error, DateTimeOffset At, DateTimeOffset? RetryAt, string? HostUp);

    private static async Task<bool[]> WriteOutcomesAsync(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<Outcome> outcomes)
    {
        var results = new bool[outcomes.Count];
        for (var i = 0; i < outcomes.Count; i++)
        {
            var o = outcomes[i];
            results[i] = await connection.ExecuteAsync(o.Delivered
                ? """
                  UPDATE deliveries SET state = 'delivered', attempts = attempts + 1, last_status = @Status, last_error = NULL, delivered_at = @At
                  WHERE id = @Id
                  """
                : """
                  UPDATE deliveries SET attempts = attempts + 1, last_status = @Status, last_error = @Error,
                      state = CASE WHEN @RetryAt IS NULL THEN 'failed' ELSE 'pending' END,
                      next_attempt_at = COALESCE(@RetryAt, next_attempt_at)
                  WHERE id = @Id
                  """, o, transaction) > 0;
        }
        // A host that answered is up: one statement per host in the batch, inside the lock held anyway.
        await HostHealthStore.ClearAllAsync(connection, transaction, outcomes.Select(o => (o.HostUp, o.At)));
        return results;
    }

    /// <summary>Queues an activity for each inbox (an inbox already queued for it is skipped).</summary>
    public async Task EnqueueAsync(IDbConnection connection, IDbTransaction transaction, string activityIri, IEnumerable<string> inboxes, DateTimeOffset at)
    {
        foreach (var inbox in inboxes)
        {
            await connection.ExecuteAsync("""
                INSERT INTO deliveries (activity_iri, inbox_url, host, state, next_attempt_at, created_at)
                VALUES (@activityIri, @inbox, @host, 'pending', @at, @at)
                ON CONFLICT (activity_iri, inbox_url) DO NOTHING
                """, new { activityIri, inbox, host = HostCircuit.HostOf(inbox), at }, transaction);
        }
    }

    /// <summary>
    /// The inboxes this node's actors sent an object to: every inbox queued a Create, Announce or Update of it (whatever
    /// became of the delivery since). An Update or Delete of the object goes to all of them, so every copy follows it.
    /// </summary>
    public async Task<IReadOnlyList<string>> InboxesReachedAsync(IDbConnection connection, IDbTransaction transaction, string objectIri) =>
        (await connection.QueryAsync<string>("""
            SELECT DISTINCT d.inbox_url FROM outbox o JOIN deliveries d ON d.activity_iri = o.iri
            WHERE o.object_iri = @objectIri AND o.activity_type IN ('Create', 'Announce', 'Update') AND o.forwarded_from IS NULL
            """, new { objectIri }, transaction)).ToList();

    /// <summary>
    /// Where this node's actors' shares (<c>Announce</c>) of an object went, and which actor sent the first: the
    /// inboxes an Update or Delete of it by its author is forwarded to (ActivityPub §7.1.2).
    /// </summary>
    public async Task<(long? SharerId, IReadOnlyList<string> Inboxes)> ShareRecipientsAsync(string objectIri)
    {
        await using var connection = await _database.OpenAsync();
        var rows = (await connection.QueryAsync<(long SharerId, string Inbox)>("""
            SELECT o.local_actor_id, d.inbox_url FROM outbox o JOIN deliveries d ON d.activity_iri = o.iri
            WHERE o.object_iri = @objectIri AND o.activity_type = 'Announce' AND o.forwarded_from IS NULL
            ORDER BY o.id, d.id
            """, new { objectIri })).ToList();
        return rows.Count == 0 ? (null, []) : (rows[0].SharerId, rows.Select(r => r.Inbox).Distinct().ToList());
    }

    /// <summary>
    /// Pending deliveries whose time has come, oldest first, with the activity JSON and the sender to sign as.
    /// Hosts whose circuit is open are skipped (their rows wait without using attempts); a host being probed
    /// after failures gets one row, and no host more than <paramref name="perHost"/>, so a slow or dead host
    /// cannot fill the batch and hold up the healthy ones. Rows already being sent (<paramref name="busyIds"/>)
    /// are left out and count against their host's share.
    /// </summary>
    public async Task<IReadOnlyList<DueDelivery>> DueAsync(DateTimeOffset now, int limit, int perHost, IReadOnlyCollection<long>? busyIds = null)
    {
        await using var connection = await _database.OpenAsync();
        // Rank the small delivery rows first and join the (large) activity JSON only for the rows chosen.
        return (await connection.QueryAsync<DueDelivery>("""
            WITH ranked AS (
                SELECT d.id, d.activity_iri, d.inbox_url, d.host, d.attempts, d.next_attempt_at,
                       ROW_NUMBER() OVER (PARTITION BY d.host ORDER BY d.next_attempt_at, d.id) + COALESCE(busy.n, 0) AS place,
                       COALESCE(h.consecutive_failures, 0) AS failures
                FROM deliveries d
                LEFT JOIN delivery_hosts h ON h.host = d.host
                LEFT JOIN (SELECT host, count(*) AS n FROM deliveries WHERE id IN @busyIds GROUP BY host) busy ON busy.host = d.host
                WHERE d.state = 'pending' AND d.next_attempt_at <= @now AND (h.open_until IS NULL OR h.open_until <= @now)
                  AND d.id NOT IN @busyIds),
            chosen AS (
                SELECT * FROM ranked WHERE place <= CASE WHEN failures >= @failuresToOpen THEN 1 ELSE @perHost END
                ORDER BY next_attempt_at, id LIMIT @limit)
            SELECT c.id, c.activity_iri, c.inbox_url, c.host, c.attempts, o.json, o.local_actor_id AS sender_id
            FROM chosen c JOIN outbox o ON o.iri = c.activity_iri
            ORDER BY c.next_attempt_at, c.id
            """, new { now, limit, perHost, failuresToOpen = HostCircuit.FailuresToOpen, busyIds = busyIds ?? [] })).ToList();
    }

    /// <summary>
    /// Records a delivery done, once committed. <paramref name="hostUp"/>, when given, is the host that took it: its
    /// failure record is cleared in the same transaction (see <see cref="HostHealthStore.ClearAsync(string, DateTimeOffset)"/>).
    /// </summary>
    public Task MarkDeliveredAsync(long id, int? status, DateTimeOffset at, string? hostUp = null) =>
        _outcomes.SubmitAsync(new Outcome(id, Delivered: true, status, null, at, null, hostUp));

    /// <summary>Records a failed attempt: tried again at <paramref name="retryAt"/>, or failed for good when it is null.</summary>
    public Task MarkAttemptFailedAsync(long id, int? status, string? error, DateTimeOffset? retryAt) =>
        _outcomes.SubmitAsync(new Outcome(id, Delivered: false, status, error, DateTimeOffset.UnixEpoch, retryAt, null));

    /// <summary>Writes the outcomes submitted, then refuses more (the host is stopping).</summary>
    public ValueTask DisposeAsync() => _outcomes.DisposeAsync();

    public async Task<IReadOnlyList<DeliveryRow>> ForActivityAsync(string activityIri)
    {
        await using var connection = await _database.OpenAsync();
        return (await connection.QueryAsync<DeliveryRow>(
            "SELECT id, activity_iri, inbox_url, state, attempts, next_attempt_at, last_status, last_error FROM deliveries WHERE activity_iri = @activityIri",
            new { activityIri })).ToList();
    }

    /// <summary>Counts of deliveries by state, for operators.</summary>
    public async Task<IReadOnlyDictionary<string, int>> CountByStateAsync()
    {
        await using var connection = await _database.OpenAsync();
        var rows = await connection.QueryAsync<(string State, int Count)>("SELECT state, count(*) FROM deliveries GROUP BY state");
        return rows.ToDictionary(r => r.State, r => r.Count);
    }

    /// <summary>Per receiving host: deliveries by state and the host's health, worst first.</summary>
    public async Task<IReadOnlyList<HostDeliverySummary>> SummariseHostsAsync()
    {
        await using var connection = await _database.OpenAsync();
        return (await connection.QueryAsync<HostDeliverySummary>("""
            SELECT d.host,
                   sum(d.state = 'pending') AS pending, sum(d.state = 'delivered') AS delivered, sum(d.state = 'failed') AS failed,
                   COALESCE(h.consecutive_failures, 0) AS consecutive_failures, h.open_until, h.unavailable_since, h.last_failure_at, h.last_success_at
            FROM deliveries d LEFT JOIN delivery_hosts h ON h.host = d.host
            GROUP BY d.host
            ORDER BY h.unavailable_since IS NULL, COALESCE(h.consecutive_failures, 0) DESC, sum(d.state = 'pending') DESC, d.host
            """)).ToList();
    }

    /// <summary>
    /// Sends failed (and waiting) deliveries again now, with a fresh attempt count: one row by id, or every
    /// row to a host, or every failed row. Returns how many rows were requeued.
    /// </summary>
    public async Task<int> RetryAsync(long? id, string? host, DateTimeOffset now)
    {
        await using var connection = await _database.OpenAsync();
        // "Now" means now: the pause of the hosts concerned is lifted too (their failure count stays, so a host
        // that still fails is paused again at once).
        await connection.ExecuteAsync("""
            UPDATE delivery_hosts SET open_until = NULL
            WHERE host IN (SELECT host FROM deliveries WHERE state <> 'delivered' AND (@id IS NULL OR id = @id) AND (@host IS NULL OR host = @host)
                             AND (@id IS NOT NULL OR @host IS NOT NULL OR state = 'failed'))
            """, new { id, host });
        return await connection.ExecuteAsync("""
            UPDATE deliveries SET state = 'pending', attempts = 0, next_attempt_at = @now
            WHERE state <> 'delivered' AND (@id IS NULL OR id = @id) AND (@host IS NULL OR host = @host)
              AND (@id IS NOT NULL OR @host IS NOT NULL OR state = 'failed')
            """, new { id, host, now });
    }

    /// <summary>Drops undelivered rows: one by id, or all to a host. Returns how many were dropped.</summary>
    public async Task<int> DropAsync(long? id, string? host)
    {
        if (id is null && host is null) throw new ArgumentException("name a delivery id or a host to drop");
        await using var connection = await _database.OpenAsync();
        return await connection.ExecuteAsync(
            "DELETE FROM deliveries WHERE state <> 'delivered' AND (@id IS NULL OR id = @id) AND (@host IS NULL OR host = @host)",
            new { id, host });
    }
}

/// <summary>A receiving host as operators see it: its queue and its health.</summary>
public sealed record HostDeliverySummary
{
    public string Host { get; init; } = "";
    public int Pending { get; init; }
    public int Delivered { get; init; }
    public int Failed { get; init; }
    public int ConsecutiveFailures { get; init; }
    public DateTimeOffset? OpenUntil { get; init; }
    public DateTimeOffset? UnavailableSince { get; init; }
    public DateTimeOffset? LastFailureAt { get; init; }
    public DateTimeOffset? LastSuccessAt { get; init; }
}
