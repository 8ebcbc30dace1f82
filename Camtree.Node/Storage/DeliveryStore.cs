using System.Data;
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
/// activity is never stored without its deliveries, nor a delivery without its activity.
/// </summary>
public sealed class DeliveryStore(Database database)
{
    /// <summary>Queues an activity for each inbox (an inbox already queued for it is skipped).</summary>
    public async Task EnqueueAsync(IDbConnection connection, IDbTransaction transaction, string activityIri, IEnumerable<string> inboxes, DateTimeOffset at)
    {
        foreach (var inbox in inboxes)
        {
            await connection.ExecuteAsync("""
                INSERT INTO deliveries (activity_iri, inbox_url, state, next_attempt_at, created_at)
                VALUES (@activityIri, @inbox, 'pending', @at, @at)
                ON CONFLICT (activity_iri, inbox_url) DO NOTHING
                """, new { activityIri, inbox, at }, transaction);
        }
    }

    /// <summary>Pending deliveries whose time has come, oldest first, with the activity JSON and the sender to sign as.</summary>
    public async Task<IReadOnlyList<DueDelivery>> DueAsync(DateTimeOffset now, int limit)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<DueDelivery>("""
            SELECT d.id, d.activity_iri, d.inbox_url, d.attempts, o.json, o.local_actor_id AS sender_id
            FROM deliveries d JOIN outbox o ON o.iri = d.activity_iri
            WHERE d.state = 'pending' AND d.next_attempt_at <= @now
            ORDER BY d.next_attempt_at, d.id LIMIT @limit
            """, new { now, limit })).ToList();
    }

    public async Task MarkDeliveredAsync(long id, int? status, DateTimeOffset at)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync("""
            UPDATE deliveries SET state = 'delivered', attempts = attempts + 1, last_status = @status, last_error = NULL, delivered_at = @at
            WHERE id = @id
            """, new { id, status, at });
    }

    /// <summary>Records a failed attempt: tried again at <paramref name="retryAt"/>, or failed for good when it is null.</summary>
    public async Task MarkAttemptFailedAsync(long id, int? status, string? error, DateTimeOffset? retryAt)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync("""
            UPDATE deliveries SET attempts = attempts + 1, last_status = @status, last_error = @error,
                state = CASE WHEN @retryAt IS NULL THEN 'failed' ELSE 'pending' END,
                next_attempt_at = COALESCE(@retryAt, next_attempt_at)
            WHERE id = @id
            """, new { id, status, error, retryAt });
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
}
