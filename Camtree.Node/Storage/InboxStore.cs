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
    public string Json { get; init; } = "";
    public DateTimeOffset ReceivedAt { get; init; }
    public DateTimeOffset? ProcessedAt { get; init; }
    public int Attempts { get; init; }
    public string? LastError { get; init; }
}

/// <summary>The durable inbox: each activity id once; processed by <see cref="Jobs.InboxWorker"/>.</summary>
public sealed class InboxStore(Database database)
{
    /// <summary>How long to wait before trying a failed activity again, by failures so far; then it is left with its error.</summary>
    private static readonly TimeSpan[] RetryDelays =
        [TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(3)];

    /// <summary>How often processing an activity is tried before it is left with its error.</summary>
    public static int MaxAttempts => RetryDelays.Length + 1;

    /// <summary>Records an activity unless one with the same id is already recorded; returns whether it was new.</summary>
    public async Task<bool> RecordAsync(InboxEntry entry)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteAsync("""
            INSERT INTO inbox (activity_iri, activity_type, actor_iri, signer_key_id, proof_verified, json, received_at, retry_at)
            VALUES (@ActivityIri, @ActivityType, @ActorIri, @SignerKeyId, @ProofVerified, @Json, @ReceivedAt, @ReceivedAt)
            ON CONFLICT (activity_iri) DO NOTHING
            """, entry) > 0;
    }

    /// <summary>Unprocessed activities whose (re)try time has come, oldest first.</summary>
    public async Task<IReadOnlyList<InboxEntry>> NextUnprocessedAsync(DateTimeOffset now, int limit)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<InboxEntry>(
            "SELECT * FROM inbox WHERE processed_at IS NULL AND attempts < @MaxAttempts AND retry_at <= @now ORDER BY id LIMIT @limit",
            new { MaxAttempts, now, limit })).ToList();
    }

    public async Task MarkProcessedAsync(long id, DateTimeOffset at)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync("UPDATE inbox SET processed_at = @at, attempts = attempts + 1, last_error = NULL WHERE id = @id", new { id, at });
    }

    /// <summary>Records a failed attempt and when to try again (never, after the last).</summary>
    public async Task MarkFailedAsync(InboxEntry entry, string error, DateTimeOffset now)
    {
        var delay = entry.Attempts < RetryDelays.Length ? RetryDelays[entry.Attempts] : TimeSpan.Zero;
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync("UPDATE inbox SET attempts = attempts + 1, last_error = @error, retry_at = @retryAt WHERE id = @id",
            new { entry.Id, error, retryAt = now + delay });
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
