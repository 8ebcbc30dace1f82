using Camtree.Protocol.Delivery;
using Npgsql;

namespace Camtree.Node.Storage.Postgres;

/// <summary>
/// Host health on PostgreSQL. A failure is counted under the host row's lock (<c>SELECT … FOR UPDATE</c>, the row made
/// first if the host has none), so failures recorded at once by several processes each count.
/// </summary>
public sealed class PostgresHostHealthStore(PostgresDatabase database) : IHostHealthStore
{
    private const string Columns = "host, consecutive_failures, first_failure_at, last_failure_at, open_until, unavailable_since, last_success_at";

    public async Task<HostHealth> GetAsync(string host)
    {
        await using var connection = await database.OpenNpgsqlAsync();
        return await ReadAsync(connection, null, host, forUpdate: false);
    }

    public async Task SaveAsync(HostHealth health)
    {
        await using var connection = await database.OpenNpgsqlAsync();
        await SaveAsync(connection, null, health);
    }

    public async Task<HostHealth> RecordFailureAsync(string host, DateTimeOffset now)
    {
        await using var connection = await database.OpenNpgsqlAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var make = new NpgsqlCommand("INSERT INTO delivery_hosts (host) VALUES ($1) ON CONFLICT (host) DO NOTHING", connection, transaction))
        {
            make.Parameters.AddWithValue(host);
            await make.ExecuteNonQueryAsync();
        }
        var health = HostCircuit.RecordFailure(await ReadAsync(connection, transaction, host, forUpdate: true), now);
        await SaveAsync(connection, transaction, health);
        await transaction.CommitAsync();
        return health;
    }

    public async Task ClearAsync(string host, DateTimeOffset now)
    {
        await using var connection = await database.OpenNpgsqlAsync();
        // Matching no row takes no lock on PostgreSQL: no read first, unlike SQLite.
        await HostHealthStore.ClearAsync(connection, null, host, now);
    }

    private static async Task<HostHealth> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string host, bool forUpdate)
    {
        await using var read = new NpgsqlCommand($"SELECT {Columns} FROM delivery_hosts WHERE host = $1{(forUpdate ? " FOR UPDATE" : "")}", connection, transaction);
        read.Parameters.AddWithValue(host);
        await using var reader = await read.ExecuteReaderAsync();
        if (!await reader.ReadAsync()) return new HostHealth(host);
        DateTimeOffset? Optional(int i) => reader.IsDBNull(i) ? null : reader.GetFieldValue<DateTimeOffset>(i);
        return new HostHealth(reader.GetString(0), reader.GetInt32(1), Optional(2), Optional(3), Optional(4), Optional(5), Optional(6));
    }

    private static async Task SaveAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, HostHealth health)
    {
        await using var save = new NpgsqlCommand($"""
            INSERT INTO delivery_hosts ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (host) DO UPDATE SET consecutive_failures = excluded.consecutive_failures, first_failure_at = excluded.first_failure_at,
                last_failure_at = excluded.last_failure_at, open_until = excluded.open_until,
                unavailable_since = excluded.unavailable_since, last_success_at = excluded.last_success_at
            """, connection, transaction);
        save.Parameters.AddWithValue(health.Host);
        save.Parameters.AddWithValue(health.ConsecutiveFailures);
        foreach (var time in new[] { health.FirstFailureAt, health.LastFailureAt, health.OpenUntil, health.UnavailableSince, health.LastSuccessAt })
            save.Parameters.Add(PgParameters.Time(time));
        await save.ExecuteNonQueryAsync();
    }
}
