using System.Data;
using Dapper;

namespace Camtree.Node.Storage;

/// <summary>An activity sent by a local actor, stored once as serialised JSON.</summary>
public sealed record OutboxEntry
{
    public long Id { get; init; }
    public string Iri { get; init; } = "";
    public long LocalActorId { get; init; }
    public string ActivityType { get; init; } = "";
    public string? ObjectIri { get; init; }
    public bool IsPublic { get; init; }
    public string Json { get; init; } = "";
    public DateTimeOffset PublishedAt { get; init; }
    /// <summary>For an activity of another server's actor that this node forwards: that actor. Never listed in an outbox.</summary>
    public string? ForwardedFrom { get; init; }
}

/// <summary>Sent activities: the source of outbox collections and of delivery payloads.</summary>
public sealed class OutboxStore(Database database)
{
    public Task InsertAsync(UnitOfWork work, OutboxEntry entry) =>
        work.ExecuteAsync("""
            INSERT INTO outbox (iri, local_actor_id, activity_type, object_iri, is_public, json, published_at)
            VALUES (@Iri, @LocalActorId, @ActivityType, @ObjectIri, @IsPublic, @Json, @PublishedAt)
            """, entry);

    /// <summary>Stores an activity to forward, once: false when it was forwarded already.</summary>
    public async Task<bool> InsertForwardedAsync(UnitOfWork work, OutboxEntry entry) =>
        await work.ExecuteAsync("""
            INSERT INTO outbox (iri, local_actor_id, activity_type, object_iri, is_public, json, published_at, forwarded_from)
            VALUES (@Iri, @LocalActorId, @ActivityType, @ObjectIri, FALSE, @Json, @PublishedAt, @ForwardedFrom)
            ON CONFLICT (iri) DO NOTHING
            """, entry) > 0;

    /// <summary>
    /// Withdraws activities from the public outbox and from <c>/activities/{id}</c>: those about a deleted object
    /// (by object IRI and types), or one activity by its IRI (an undone share).
    /// </summary>
    public Task WithdrawAsync(UnitOfWork work, string? objectIri, string[]? types, string? iri = null) =>
        work.ExecuteAsync($"""
            UPDATE outbox SET is_public = FALSE
            WHERE (@iri IS NOT NULL AND iri = @iri) OR (@objectIri IS NOT NULL AND object_iri = @objectIri AND {Database.In(work.Dialect, "activity_type", "@types")})
            """, new { objectIri, types = types ?? [], iri });

    /// <summary>The activity that carried an object out (its Create), to serve the object exactly as it was sent.</summary>
    public async Task<OutboxEntry?> FindCreateOfAsync(string objectIri)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<OutboxEntry>(
            "SELECT * FROM outbox WHERE object_iri = @objectIri AND activity_type = 'Create' ORDER BY id LIMIT 1", new { objectIri });
    }

    public async Task<OutboxEntry?> FindAsync(string iri)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<OutboxEntry>("SELECT * FROM outbox WHERE iri = @iri", new { iri });
    }

    /// <summary>The latest activity of a type an actor sent about an object (to undo it).</summary>
    public async Task<OutboxEntry?> FindOwnAsync(long localActorId, string activityType, string objectIri)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<OutboxEntry>("""
            SELECT * FROM outbox WHERE local_actor_id = @localActorId AND activity_type = @activityType AND object_iri = @objectIri
            ORDER BY id DESC LIMIT 1
            """, new { localActorId, activityType, objectIri });
    }

    public async Task<int> CountPublicAsync(long localActorId)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM outbox WHERE local_actor_id = @localActorId AND is_public = TRUE", new { localActorId });
    }

    /// <summary>One page of an actor's public activities, newest first, older than <paramref name="beforeId"/> when given.</summary>
    public async Task<IReadOnlyList<OutboxEntry>> PagePublicAsync(long localActorId, long? beforeId, int size)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<OutboxEntry>("""
            SELECT * FROM outbox WHERE local_actor_id = @localActorId AND is_public = TRUE AND (@beforeId IS NULL OR id < @beforeId)
            ORDER BY id DESC LIMIT @size
            """, new { localActorId, beforeId, size })).ToList();
    }
}
