using Dapper;

namespace Camtree.Node.Storage;

/// <summary>A received activity, recorded after its signature verified and before its side effects.</summary>
public sealed record InboxEntry
{
    public long Id { get; init; }
    public string ActivityIri { get; init; } = "";
    public string ActivityType { get; init; } = "";
    public string ActorIri { get; init; } = "";
    public string SignerKeyId { get; init; } = "";
    /// <summary>True when <see cref="SignerKeyId"/> is the key of a verified object proof (not only the HTTP signature's).</summary>
    public bool ProofVerified { get; init; }
    /// <summary>The activity as received; empty once pruned, and for types this node does not act on (only the id is kept).</summary>
    public string Json { get; init; } = "";
    public DateTimeOffset ReceivedAt { get; init; }
    public DateTimeOffset? ProcessedAt { get; init; }
    public int Attempts { get; init; }
    public DateTimeOffset RetryAt { get; init; }
    public string? LastError { get; init; }
    /// <summary>Set when the last attempt failed: the activity is given up, <see cref="LastError"/> says why.</summary>
    public DateTimeOffset? FailedAt { get; init; }
    public DateTimeOffset? PrunedAt { get; init; }
}

/// <summary>The durable inbox: each activity id once; processed by <see cref="Jobs.InboxWorker"/>.</summary>
public sealed class InboxStore(Database database)
{
    /// <summary>How long to wait before trying a failed activity again, by failures so far; then it is given up.</summary>
    public static readonly IReadOnlyList<TimeSpan> RetryDelays =
        [TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(3)];

    /// <summary>How often processing an activity is tried before it is given up.</summary>
    public static int MaxAttempts => RetryDelays.Count + 1;

    /// <summary>The longest error text kept on a row.</summary>
    private const int MaxErrorLength = 1000;

    /// <summary>
    /// Records an activity unless one with the same id is already recorded; returns whether it was new. An entry
    /// with <see cref="InboxEntry.ProcessedAt"/> set is recorded as done (an activity type nothing here acts on).
    /// </summary>
    public async Task<bool> RecordAsync(InboxEntry entry)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteAsync("""
            INSERT INTO inbox (activity_iri, activity_type, actor_iri, signer_key_id, proof_verified, json, received_at, retry_at, processed_at)
            VALUES (@ActivityIri, @ActivityType, @ActorIri, @SignerKeyId, @ProofVerified, @Json, @ReceivedAt, @ReceivedAt, @ProcessedAt)
            ON CONFLICT (activity_iri) DO NOTHING
            """, entry) > 0;
    }

    /// <summary>Activities still to process whose (re)try time has come, oldest first.</summary>
    public async Task<IReadOnlyList<InboxEntry>> NextUnprocessedAsync(DateTimeOffset now, int limit)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<InboxEntry>("""
            SELECT * FROM inbox WHERE processed_at IS NULL AND failed_at IS NULL AND retry_at <= @now ORDER BY retry_at, id LIMIT @limit
            """, new { now, limit })).ToList();
    }

    public async Task MarkProcessedAsync(long id, DateTimeOffset at)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync("UPDATE inbox SET processed_at = @at, attempts = attempts + 1, last_error = NULL WHERE id = @id", new { id, at });
    }

    /// <summary>
    /// Records a failed attempt with its reason and when to try again; after the last attempt the activity is
    /// given up (<see cref="InboxEntry.FailedAt"/>). Returns when it is tried again, or null when given up.
    /// </summary>
    public async Task<DateTimeOffset?> MarkFailedAsync(InboxEntry entry, string error, DateTimeOffset now)
    {
        var attempts = entry.Attempts + 1;
        DateTimeOffset? retryAt = attempts < MaxAttempts ? now + RetryDelays[attempts - 1] : null;
        if (error.Length > MaxErrorLength) error = error[..MaxErrorLength];
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync("""
            UPDATE inbox SET attempts = @attempts, last_error = @error, retry_at = COALESCE(@retryAt, retry_at),
                failed_at = CASE WHEN @retryAt IS NULL THEN @now END
            WHERE id = @id
            """, new { id = entry.Id, attempts, error, retryAt, now });
        return retryAt;
    }

    /// <summary>
    /// Drops the bodies of activities processed or given up before <paramref name="before"/>, a batch at a time,
    /// keeping their ids (an activity sent again is still recognised). Returns how many were pruned.
    /// </summary>
    public async Task<int> PruneAsync(DateTimeOffset before, DateTimeOffset now, int batch = 1000)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteAsync("""
            UPDATE inbox SET json = '', pruned_at = @now
            WHERE id IN (SELECT id FROM inbox WHERE pruned_at IS NULL
                           AND ((processed_at IS NOT NULL AND processed_at < @before) OR (failed_at IS NOT NULL AND failed_at < @before))
                         LIMIT @batch)
            """, new { before, now, batch });
    }

    public async Task<InboxEntry?> FindAsync(string activityIri)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<InboxEntry>("SELECT * FROM inbox WHERE activity_iri = @activityIri", new { activityIri });
    }

    public async Task<int> CountAsync()
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM inbox");
    }
}
