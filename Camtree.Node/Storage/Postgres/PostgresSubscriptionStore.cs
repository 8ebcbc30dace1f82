using Npgsql;

namespace Camtree.Node.Storage.Postgres;

/// <summary>Library subscriptions and practitioner backfills on PostgreSQL (<see cref="ISubscriptionStore"/>).</summary>
public sealed class PostgresSubscriptionStore(PostgresDatabase database) : ISubscriptionStore
{
    private const string Columns =
        "id, kind, actor_iri, collection_iri, digests_iri, origin, state, cursor, records, attempts, next_run_at, last_synced_at, last_error, created_at";

    /// <summary>The longest error text kept (as on SQLite).</summary>
    private const int MaxErrorLength = 1000;

    public async Task<bool> AddAsync(Subscription s)
    {
        await using var connection = await database.OpenNpgsqlAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var insert = new NpgsqlCommand("""
            INSERT INTO library_subscriptions (kind, actor_iri, collection_iri, digests_iri, origin, state, next_run_at, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (actor_iri) DO NOTHING
            """, connection, transaction);
        insert.Parameters.AddWithValue(s.Kind);
        insert.Parameters.AddWithValue(s.ActorIri);
        insert.Parameters.AddWithValue(s.CollectionIri);
        insert.Parameters.AddWithValue((object?)s.DigestsIri ?? DBNull.Value);
        insert.Parameters.AddWithValue(s.Origin);
        insert.Parameters.AddWithValue(s.State);
        insert.Parameters.Add(PgParameters.Time(s.NextRunAt));
        insert.Parameters.Add(PgParameters.Time(s.CreatedAt));
        var inserted = await insert.ExecuteNonQueryAsync() > 0;
        if (!inserted)
        {
            // A resync: the same subscription started over.
            await using var update = new NpgsqlCommand("""
                UPDATE library_subscriptions SET collection_iri = $2, digests_iri = $3, next_run_at = $4, attempts = 0 WHERE actor_iri = $1
                """, connection, transaction);
            update.Parameters.AddWithValue(s.ActorIri);
            update.Parameters.AddWithValue(s.CollectionIri);
            update.Parameters.AddWithValue((object?)s.DigestsIri ?? DBNull.Value);
            update.Parameters.Add(PgParameters.Time(s.NextRunAt));
            await update.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
        return inserted;
    }

    public async Task<Subscription?> FindAsync(string actorIri) =>
        (await QueryAsync($"SELECT {Columns} FROM library_subscriptions WHERE actor_iri = $1", actorIri)).SingleOrDefault();

    public async Task<IReadOnlyList<Subscription>> ListAsync(string kind) =>
        await QueryAsync($"SELECT {Columns} FROM library_subscriptions WHERE kind = $1 ORDER BY created_at, id", kind);

    public async Task<IReadOnlyList<Subscription>> DueAsync(DateTimeOffset now, int limit) =>
        await QueryAsync($"SELECT {Columns} FROM library_subscriptions WHERE next_run_at <= $1 ORDER BY next_run_at, id LIMIT $2", PgParameters.Time(now), limit);

    public Task SaveProgressAsync(long id, string state, string? cursor, int records) =>
        ExecuteAsync("UPDATE library_subscriptions SET state = $2, cursor = $3, records = $4 WHERE id = $1", id, state, cursor, records);

    public Task MarkSyncedAsync(long id, string? cursor, int records, DateTimeOffset at, DateTimeOffset nextRunAt) =>
        ExecuteAsync("""
            UPDATE library_subscriptions SET state = 'synced', cursor = $2, records = $3, attempts = 0, last_error = NULL,
                last_synced_at = $4, next_run_at = $5
            WHERE id = $1
            """, id, cursor, records, PgParameters.Time(at), PgParameters.Time(nextRunAt));

    public Task MarkFailedAsync(long id, string error, DateTimeOffset nextRunAt) =>
        ExecuteAsync("UPDATE library_subscriptions SET state = 'failed', attempts = attempts + 1, last_error = $2, next_run_at = $3 WHERE id = $1",
            id, error.Length > MaxErrorLength ? error[..MaxErrorLength] : error, PgParameters.Time(nextRunAt));

    public async Task<bool> RunNowAsync(string actorIri, DateTimeOffset now, bool fromStart) =>
        await ExecuteAsync("""
            UPDATE library_subscriptions SET next_run_at = $2, attempts = 0,
                cursor = CASE WHEN $3 THEN NULL ELSE cursor END,
                state = CASE WHEN $3 THEN 'backfilling' ELSE state END
            WHERE actor_iri = $1
            """, actorIri, PgParameters.Time(now), fromStart) > 0;

    public async Task<bool> RemoveAsync(string actorIri) =>
        await ExecuteAsync("DELETE FROM library_subscriptions WHERE actor_iri = $1", actorIri) > 0;

    private async Task<int> ExecuteAsync(string sql, params object?[] values)
    {
        await using var connection = await database.OpenNpgsqlAsync();
        await using var command = Command(sql, connection, values);
        return await command.ExecuteNonQueryAsync();
    }

    private async Task<List<Subscription>> QueryAsync(string sql, params object?[] values)
    {
        await using var connection = await database.OpenNpgsqlAsync();
        await using var command = Command(sql, connection, values);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Subscription>();
        while (await reader.ReadAsync())
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            rows.Add(new Subscription
            {
                Id = reader.GetInt64(0), Kind = reader.GetString(1), ActorIri = reader.GetString(2), CollectionIri = reader.GetString(3),
                DigestsIri = Text(4), Origin = reader.GetString(5), State = reader.GetString(6), Cursor = Text(7), Records = reader.GetInt32(8),
                Attempts = reader.GetInt32(9), NextRunAt = reader.GetFieldValue<DateTimeOffset>(10),
                LastSyncedAt = reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11), LastError = Text(12),
                CreatedAt = reader.GetFieldValue<DateTimeOffset>(13),
            });
        }
        return rows;
    }

    /// <summary>A command with positional parameters: an <see cref="NpgsqlParameter"/> as given, null as NULL, anything else by its type.</summary>
    private static NpgsqlCommand Command(string sql, NpgsqlConnection connection, object?[] values)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
            command.Parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter { Value = value ?? DBNull.Value });
        return command;
    }
}
