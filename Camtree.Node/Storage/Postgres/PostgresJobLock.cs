using Npgsql;

namespace Camtree.Node.Storage.Postgres;

/// <summary>
/// The job lock on PostgreSQL: a session advisory lock (<c>pg_try_advisory_lock</c>) on a connection of its own, held
/// while the pass runs. PostgreSQL releases it when the connection ends, so a process killed mid pass frees the job for
/// the others at once: no lease to wait out.
/// </summary>
public sealed class PostgresJobLock(PostgresDatabase database) : IJobLock
{
    public async Task<IAsyncDisposable?> TryAcquireAsync(string job, CancellationToken cancellationToken = default)
    {
        var connection = await database.OpenNpgsqlAsync(cancellationToken);
        var taken = false;
        try
        {
            await using var take = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtextextended('camtree-job:' || $1, 0))", connection);
            take.Parameters.AddWithValue(job);
            taken = (bool)(await take.ExecuteScalarAsync(cancellationToken))!;
            return taken ? new Held(connection, job) : null;
        }
        finally
        {
            // Kept open only while the lock is held (the lock lives in that session).
            if (!taken) await connection.DisposeAsync();
        }
    }

    private sealed class Held(NpgsqlConnection connection, string job) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                // A pooled connection keeps its session: the lock is released by name before it goes back.
                await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtextextended('camtree-job:' || $1, 0))", connection);
                release.Parameters.AddWithValue(job);
                await release.ExecuteNonQueryAsync();
            }
            catch (NpgsqlException)
            {
                // The connection is gone, and the lock with it.
            }
            finally { await connection.DisposeAsync(); }
        }
    }
}
