using System.Data;
using Camtree.Protocol.Delivery;
using Dapper;

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
    public DateTimeOffset NextAttemptAt { get; init; }
}

/// <summary>Delivery states as stored.</summary>
public static class DeliveryStates
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
}

/// <summary>
/// The delivery queue's rows, in SQL both databases speak. Rows are written in the same transaction as the activity
/// they deliver (<see cref="EnqueueAsync"/> takes the caller's <see cref="UnitOfWork"/>), so an activity is never stored
/// without its deliveries, nor a delivery without its activity. The worker claims and records them through
/// <see cref="IDeliveryQueue"/>; operators read and requeue them here.
/// </summary>
public sealed class DeliveryStore(Database database)
{
    /// <summary>Records one delivery done (parameters of an outcome: Id, Status, At); ends a claim held in the row.</summary>
    internal const string DeliveredSql = """
        UPDATE deliveries SET state = 'delivered', attempts = attempts + 1, last_status = @Status, last_error = NULL, delivered_at = @At,
            claimed_until = NULL
        WHERE id = @Id
        """;

    /// <summary>Records one failed attempt (Id, Status, Error, RetryAt: failed for good when null); ends a claim held in the row.</summary>
    internal const string FailedSql = """
        UPDATE deliveries SET attempts = attempts + 1, last_status = @Status, last_error = @Error,
            state = CASE WHEN @RetryAt IS NULL THEN 'failed' ELSE 'pending' END,
            next_attempt_at = COALESCE(@RetryAt, next_attempt_at), claimed_until = NULL
        WHERE id = @Id
        """;

    /// <summary>Queues an activity for each inbox (an inbox already queued for it is skipped).</summary>
    public async Task EnqueueAsync(UnitOfWork work, string activityIri, IEnumerable<string> inboxes, DateTimeOffset at)
    {
        foreach (var inbox in inboxes)
        {
            await work.ExecuteAsync("""
                INSERT INTO deliveries (activity_iri, inbox_url, host, state, next_attempt_at, created_at)
                VALUES (@activityIri, @inbox, @host, 'pending', @at, @at)
                ON CONFLICT (activity_iri, inbox_url) DO NOTHING
                """, new { activityIri, inbox, host = HostCircuit.HostOf(inbox), at });
        }
    }

    /// <summary>
    /// The inboxes this node's actors sent an object to: every inbox queued a Create, Announce or Update of it (whatever
    /// became of the delivery since). An Update or Delete of the object goes to all of them, so every copy follows it.
    /// </summary>
    public async Task<IReadOnlyList<string>> InboxesReachedAsync(UnitOfWork work, string objectIri) =>
        (await work.QueryAsync<string>("""
            SELECT DISTINCT d.inbox_url FROM outbox o JOIN deliveries d ON d.activity_iri = o.iri
            WHERE o.object_iri = @objectIri AND o.activity_type IN ('Create', 'Announce', 'Update') AND o.forwarded_from IS NULL
            """, new { objectIri })).ToList();

    /// <summary>
    /// Where this node's actors' shares (<c>Announce</c>) of an object went, and which actor sent the first: the
    /// inboxes an Update or Delete of it by its author is forwarded to (ActivityPub §7.1.2).
    /// </summary>
    public async Task<(long? SharerId, IReadOnlyList<string> Inboxes)> ShareRecipientsAsync(string objectIri)
    {
        await using var connection = await database.OpenAsync();
        var rows = (await connection.QueryAsync<(long SharerId, string Inbox)>("""
            SELECT o.local_actor_id, d.inbox_url FROM outbox o JOIN deliveries d ON d.activity_iri = o.iri
            WHERE o.object_iri = @objectIri AND o.activity_type = 'Announce' AND o.forwarded_from IS NULL
            ORDER BY o.id, d.id
            """, new { objectIri })).ToList();
        return rows.Count == 0 ? (null, []) : (rows[0].SharerId, rows.Select(r => r.Inbox).Distinct().ToList());
    }

    public async Task<IReadOnlyList<DeliveryRow>> ForActivityAsync(string activityIri)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<DeliveryRow>(
            "SELECT id, activity_iri, inbox_url, state, attempts, next_attempt_at, last_status, last_error FROM deliveries WHERE activity_iri = @activityIri",
            new { activityIri })).ToList();
    }

    /// <summary>Counts of deliveries by state, for operators.</summary>
    public async Task<IReadOnlyDictionary<string, int>> CountByStateAsync()
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<(string State, int Count)>("SELECT state, count(*) FROM deliveries GROUP BY state");
        return rows.ToDictionary(r => r.State, r => r.Count);
    }

    /// <summary>Per receiving host: deliveries by state and the host's health, worst first.</summary>
    public async Task<IReadOnlyList<HostDeliverySummary>> SummariseHostsAsync()
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<HostDeliverySummary>("""
            SELECT d.host,
                   count(*) FILTER (WHERE d.state = 'pending') AS pending, count(*) FILTER (WHERE d.state = 'delivered') AS delivered,
                   count(*) FILTER (WHERE d.state = 'failed') AS failed,
                   COALESCE(h.consecutive_failures, 0) AS consecutive_failures, h.open_until, h.unavailable_since, h.last_failure_at, h.last_success_at
            FROM deliveries d LEFT JOIN delivery_hosts h ON h.host = d.host
            GROUP BY d.host, h.host
            ORDER BY h.unavailable_since IS NULL, COALESCE(h.consecutive_failures, 0) DESC, count(*) FILTER (WHERE d.state = 'pending') DESC, d.host
            """)).ToList();
    }

    /// <summary>
    /// Sends failed (and waiting) deliveries again now, with a fresh attempt count: one row by id, or every
    /// row to a host, or every failed row. Returns how many rows were requeued.
    /// </summary>
    public async Task<int> RetryAsync(long? id, string? host, DateTimeOffset now)
    {
        await using var connection = await database.OpenAsync();
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
        await using var connection = await database.OpenAsync();
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
