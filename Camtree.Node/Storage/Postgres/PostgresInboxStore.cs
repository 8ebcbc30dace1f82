using Npgsql;

namespace Camtree.Node.Storage.Postgres;

/// <summary>
/// The durable inbox on PostgreSQL. Several node processes share it: a worker claims due activities with
/// <c>FOR UPDATE SKIP LOCKED</c> (two workers never take the same row, neither waits for the other) and a lease that
/// lapses, so a killed process's activities return to the queue. Each received activity is its own transaction:
/// PostgreSQL takes concurrent writers and flushes their commits together, where SQLite needs
/// <see cref="GroupCommit{TItem,TResult}"/> in front of its one writer.
/// </summary>
public sealed class PostgresInboxStore(PostgresDatabase database) : IInboxStore
{
    private const string Columns =
        "id, activity_iri, activity_type, actor_iri, signer_key_id, proof_verified, json, received_at, processed_at, attempts, retry_at, last_error, failed_at, pruned_at";

    public async Task<bool> RecordAsync(InboxEntry entry, string? senderHost = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenNpgsqlAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var insert = new NpgsqlCommand("""
            INSERT INTO inbox (activity_iri, activity_type, actor_iri, signer_key_id, proof_verified, json, received_at, retry_at, processed_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8)
            ON CONFLICT (activity_iri) DO NOTHING
            """, connection, transaction);
        insert.Parameters.AddWithValue(entry.ActivityIri);
        insert.Parameters.AddWithValue(entry.ActivityType);
        insert.Parameters.AddWithValue(entry.ActorIri);
        insert.Parameters.AddWithValue(entry.SignerKeyId);
        insert.Parameters.AddWithValue(entry.ProofVerified);
        insert.Parameters.AddWithValue(entry.Json);
        insert.Parameters.Add(PgParameters.Time(entry.ReceivedAt));
        insert.Parameters.Add(PgParameters.Time(entry.ProcessedAt));
        var isNew = await insert.ExecuteNonQueryAsync(cancellationToken) > 0;
        if (senderHost is not null) await HostHealthStore.ClearAsync(connection, transaction, senderHost, entry.ReceivedAt);
        await transaction.CommitAsync(cancellationToken);
        return isNew;
    }

    public async Task<IReadOnlyList<InboxEntry>> ClaimDueAsync(DateTimeOffset now, int limit, IReadOnlyCollection<long>? processedBefore = null)
    {
        await using var connection = await database.OpenNpgsqlAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        if (processedBefore is { Count: > 0 }) await MarkProcessedAsync(connection, transaction, processedBefore, now);
        await using var claim = new NpgsqlCommand($"""
            UPDATE inbox SET claimed_until = $2
            WHERE id IN (SELECT id FROM inbox WHERE processed_at IS NULL AND failed_at IS NULL AND retry_at <= $1
                           AND (claimed_until IS NULL OR claimed_until <= $1)
                         ORDER BY retry_at, id LIMIT $3
                         FOR UPDATE SKIP LOCKED)
            RETURNING {Columns}
            """, connection, transaction);
        claim.Parameters.Add(PgParameters.Time(now));
        claim.Parameters.Add(PgParameters.Time(now + InboxLease.Length));
        claim.Parameters.AddWithValue(limit);
        var claimed = await ReadAsync(claim);
        await transaction.CommitAsync();
        return claimed.OrderBy(e => e.RetryAt).ThenBy(e => e.Id).ToList();
    }

    /// <summary>Nothing: other processes may hold live claims; a stopped one's lapse after <see cref="InboxLease.Length"/>.</summary>
    public Task ReleaseOrphanedClaimsAsync() => Task.CompletedTask;

    public async Task MarkProcessedAsync(IReadOnlyCollection<long> ids, DateTimeOffset at)
    {
        if (ids.Count == 0) return;
        await using var connection = await database.OpenNpgsqlAsync();
        await MarkProcessedAsync(connection, null, ids, at);
    }

    private static async Task MarkProcessedAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyCollection<long> ids, DateTimeOffset at)
    {
        await using var mark = new NpgsqlCommand(
            "UPDATE inbox SET processed_at = $2, attempts = attempts + 1, last_error = NULL, claimed_until = NULL WHERE id = ANY($1)", connection, transaction);
        mark.Parameters.AddWithValue(ids.ToArray());
        mark.Parameters.Add(PgParameters.Time(at));
        await mark.ExecuteNonQueryAsync();
    }

    public async Task<DateTimeOffset?> MarkFailedAsync(InboxEntry entry, string error, DateTimeOffset now)
    {
        var retryAt = InboxRetries.RetryAt(entry.Attempts, now);
        error = InboxRetries.Kept(error);
        await using var connection = await database.OpenNpgsqlAsync();
        await using var mark = new NpgsqlCommand("""
            UPDATE inbox SET attempts = $2, last_error = $3, retry_at = COALESCE($4, retry_at), claimed_until = NULL,
                failed_at = CASE WHEN $4 IS NULL THEN $5 END
            WHERE id = $1
            """, connection);
        mark.Parameters.AddWithValue(entry.Id);
        mark.Parameters.AddWithValue(entry.Attempts + 1);
        mark.Parameters.AddWithValue(error);
        mark.Parameters.Add(PgParameters.Time(retryAt));
        mark.Parameters.Add(PgParameters.Time(now));
        await mark.ExecuteNonQueryAsync();
        return retryAt;
    }

    public async Task<int> PruneAsync(DateTimeOffset before, DateTimeOffset now, int batch = 1000)
    {
        await using var connection = await database.OpenNpgsqlAsync();
        await using var prune = new NpgsqlCommand("""
            UPDATE inbox SET json = '', pruned_at = $2
            WHERE id IN (SELECT id FROM inbox WHERE pruned_at IS NULL
                           AND ((processed_at IS NOT NULL AND processed_at < $1) OR (failed_at IS NOT NULL AND failed_at < $1))
                         LIMIT $3)
            """, connection);
        prune.Parameters.Add(PgParameters.Time(before));
        prune.Parameters.Add(PgParameters.Time(now));
        prune.Parameters.AddWithValue(batch);
        return await prune.ExecuteNonQueryAsync();
    }

    public async Task<InboxEntry?> FindAsync(string activityIri)
    {
        await using var connection = await database.OpenNpgsqlAsync();
        await using var find = new NpgsqlCommand($"SELECT {Columns} FROM inbox WHERE activity_iri = $1", connection);
        find.Parameters.AddWithValue(activityIri);
        return (await ReadAsync(find)).SingleOrDefault();
    }

    public async Task<int> CountAsync()
    {
        await using var connection = await database.OpenNpgsqlAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM inbox", connection);
        return (int)(long)(await count.ExecuteScalarAsync())!;
    }

    public async Task<int> CountPendingAsync()
    {
        await using var connection = await database.OpenNpgsqlAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM inbox WHERE processed_at IS NULL AND failed_at IS NULL", connection);
        return (int)(long)(await count.ExecuteScalarAsync())!;
    }

    private static async Task<List<InboxEntry>> ReadAsync(NpgsqlCommand command)
    {
        var entries = new List<InboxEntry>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            DateTimeOffset? Optional(int i) => reader.IsDBNull(i) ? null : reader.GetFieldValue<DateTimeOffset>(i);
            entries.Add(new InboxEntry
            {
                Id = reader.GetInt64(0), ActivityIri = reader.GetString(1), ActivityType = reader.GetString(2), ActorIri = reader.GetString(3),
                SignerKeyId = reader.GetString(4), ProofVerified = reader.GetBoolean(5), Json = reader.GetString(6),
                ReceivedAt = reader.GetFieldValue<DateTimeOffset>(7), ProcessedAt = Optional(8), Attempts = reader.GetInt32(9),
                RetryAt = reader.GetFieldValue<DateTimeOffset>(10), LastError = reader.IsDBNull(11) ? null : reader.GetString(11),
                FailedAt = Optional(12), PrunedAt = Optional(13),
            });
        }
        return entries;
    }
}
