using Dapper;

namespace Camtree.Node.Storage;

/// <summary>What a subscription is: to a node's library, or the backfill of one followed practitioner's reports.</summary>
public static class SubscriptionKinds
{
    public const string Library = "library";
    public const string Actor = "actor";
}

/// <summary>Where a subscription stands, as operators see it.</summary>
public static class SubscriptionStates
{
    /// <summary>Subscribed; the follow is sent and the backfill has not started yet.</summary>
    public const string Following = "following";
    /// <summary>Reading the library collection from its cursor.</summary>
    public const string Backfilling = "backfilling";
    /// <summary>Everything read; repaired on a schedule.</summary>
    public const string Synced = "synced";
    /// <summary>The last run failed (see the error); it is tried again with backoff.</summary>
    public const string Failed = "failed";
}

/// <summary>A subscription and its sync state.</summary>
public sealed record Subscription
{
    public long Id { get; init; }
    public string Kind { get; init; } = SubscriptionKinds.Library;
    public string ActorIri { get; init; } = "";
    public string CollectionIri { get; init; } = "";
    public string? DigestsIri { get; init; }
    /// <summary>The subscribed node: scheme://host[:port].</summary>
    public string Origin { get; init; } = "";
    public string State { get; init; } = SubscriptionStates.Following;
    /// <summary>The next page to read: where a backfill resumes after a crash, and where new reports will appear.</summary>
    public string? Cursor { get; init; }
    public int Records { get; init; }
    public int Attempts { get; init; }
    public DateTimeOffset NextRunAt { get; init; }
    public DateTimeOffset? LastSyncedAt { get; init; }
    public string? LastError { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The node as people name it: host[:port].</summary>
    public string Node => new Uri(Origin).Authority;
}

/// <summary>Library subscriptions and practitioner backfills: one row each, with the state the sync worker keeps.</summary>
public interface ISubscriptionStore
{
    /// <summary>Adds a subscription, or starts an existing one over (a resync): false when it existed.</summary>
    Task<bool> AddAsync(Subscription subscription);
    Task<Subscription?> FindAsync(string actorIri);
    Task<IReadOnlyList<Subscription>> ListAsync(string kind);
    /// <summary>The subscriptions whose run is due, soonest first.</summary>
    Task<IReadOnlyList<Subscription>> DueAsync(DateTimeOffset now, int limit);
    /// <summary>Records progress: the state, the cursor and records read so far.</summary>
    Task SaveProgressAsync(long id, string state, string? cursor, int records);
    /// <summary>Records a finished run: synced, when to run next.</summary>
    Task MarkSyncedAsync(long id, string? cursor, int records, DateTimeOffset at, DateTimeOffset nextRunAt);
    /// <summary>Records a failed run: why, and when to try again.</summary>
    Task MarkFailedAsync(long id, string error, DateTimeOffset nextRunAt);
    /// <summary>Runs a subscription now; <paramref name="fromStart"/> forgets its cursor.</summary>
    Task<bool> RunNowAsync(string actorIri, DateTimeOffset now, bool fromStart);
    Task<bool> RemoveAsync(string actorIri);
}

/// <summary>The SQLite <see cref="ISubscriptionStore"/>.</summary>
public sealed class SubscriptionStore(Database database) : ISubscriptionStore
{
    public async Task<bool> AddAsync(Subscription s)
    {
        await using var connection = await database.OpenAsync();
        var inserted = await connection.ExecuteAsync("""
            INSERT INTO library_subscriptions (kind, actor_iri, collection_iri, digests_iri, origin, state, cursor, records, attempts, next_run_at, created_at)
            VALUES (@Kind, @ActorIri, @CollectionIri, @DigestsIri, @Origin, @State, NULL, 0, 0, @NextRunAt, @CreatedAt)
            ON CONFLICT (actor_iri) DO NOTHING
            """, s) > 0;
        if (!inserted)
            await connection.ExecuteAsync("""
                UPDATE library_subscriptions SET collection_iri = @CollectionIri, digests_iri = @DigestsIri, next_run_at = @NextRunAt, attempts = 0
                WHERE actor_iri = @ActorIri
                """, s);
        return inserted;
    }

    public async Task<Subscription?> FindAsync(string actorIri)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<Subscription>("SELECT * FROM library_subscriptions WHERE actor_iri = @actorIri", new { actorIri });
    }

    public async Task<IReadOnlyList<Subscription>> ListAsync(string kind)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<Subscription>("SELECT * FROM library_subscriptions WHERE kind = @kind ORDER BY created_at, id", new { kind })).ToList();
    }

    public async Task<IReadOnlyList<Subscription>> DueAsync(DateTimeOffset now, int limit)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<Subscription>(
            "SELECT * FROM library_subscriptions WHERE next_run_at <= @now ORDER BY next_run_at, id LIMIT @limit", new { now, limit })).ToList();
    }

    public async Task SaveProgressAsync(long id, string state, string? cursor, int records)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync("UPDATE library_subscriptions SET state = @state, cursor = @cursor, records = @records WHERE id = @id",
            new { id, state, cursor, records });
    }

    public async Task MarkSyncedAsync(long id, string? cursor, int records, DateTimeOffset at, DateTimeOffset nextRunAt)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync("""
            UPDATE library_subscriptions SET state = 'synced', cursor = @cursor, records = @records, attempts = 0, last_error = NULL,
                last_synced_at = @at, next_run_at = @nextRunAt
            WHERE id = @id
            """, new { id, cursor, records, at, nextRunAt });
    }

    public async Task MarkFailedAsync(long id, string error, DateTimeOffset nextRunAt)
    {
        if (error.Length > 1000) error = error[..1000];
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync("""
            UPDATE library_subscriptions SET state = 'failed', attempts = attempts + 1, last_error = @error, next_run_at = @nextRunAt WHERE id = @id
            """, new { id, error, nextRunAt });
    }

    public async Task<bool> RunNowAsync(string actorIri, DateTimeOffset now, bool fromStart)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteAsync("""
            UPDATE library_subscriptions SET next_run_at = @now, attempts = 0,
                cursor = CASE WHEN @fromStart THEN NULL ELSE cursor END,
                state = CASE WHEN @fromStart THEN 'backfilling' ELSE state END
            WHERE actor_iri = @actorIri
            """, new { actorIri, now, fromStart }) > 0;
    }

    public async Task<bool> RemoveAsync(string actorIri)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteAsync("DELETE FROM library_subscriptions WHERE actor_iri = @actorIri", new { actorIri }) > 0;
    }
}
