using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace Camtree.Node.Storage.Postgres;

/// <summary>
/// The node's PostgreSQL database: a pooled <see cref="NpgsqlDataSource"/> over <c>Camtree:Storage:ConnectionString</c>,
/// and its own migrations (<c>Storage/Postgres/Migrations/*.sql</c>, applied in name order, each once, in a transaction
/// under an advisory lock so that processes starting together do not apply one twice).
/// </summary>
public sealed class PostgresDatabase : Database
{
    /// <summary>The advisory lock key migrations hold (any constant; "camtree" in ASCII).</summary>
    private const long MigrationLock = 0x63616d74726565;

    private readonly NpgsqlDataSource _dataSource;

    public PostgresDatabase(string connectionString)
    {
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    public override SqlDialect Dialect => SqlDialect.Postgres;

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>An open connection, for the stores that use what only PostgreSQL has (SKIP LOCKED claims, typed batches).</summary>
    public ValueTask<NpgsqlConnection> OpenNpgsqlAsync(CancellationToken cancellationToken = default) => _dataSource.OpenConnectionAsync(cancellationToken);

    public override Task MigrateAsync(CancellationToken cancellationToken = default) => ApplyMigrationsAsync(cancellationToken);

    /// <summary>Applies the migrations not applied yet; returns their names.</summary>
    public async Task<IReadOnlyList<string>> ApplyMigrationsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenNpgsqlAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({MigrationLock})", cancellationToken);
        await ExecuteAsync(connection, transaction,
            "CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())", cancellationToken);
        var applied = new HashSet<string>(StringComparer.Ordinal);
        await using (var read = new NpgsqlCommand("SELECT name FROM schema_migrations", connection, transaction))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken)) applied.Add(reader.GetString(0));

        var assembly = typeof(PostgresDatabase).Assembly;
        var scripts = assembly.GetManifestResourceNames()
            .Where(n => n.Contains(".Storage.Postgres.Migrations.", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
        var done = new List<string>();
        foreach (var resource in scripts)
        {
            var name = resource[(resource.IndexOf(".Migrations.", StringComparison.Ordinal) + ".Migrations.".Length)..];
            if (applied.Contains(name)) continue;
            await using var stream = assembly.GetManifestResourceStream(resource)!;
            using var text = new StreamReader(stream);
            await ExecuteAsync(connection, transaction, await text.ReadToEndAsync(cancellationToken), cancellationToken);
            await using var record = new NpgsqlCommand("INSERT INTO schema_migrations (name) VALUES ($1)", connection, transaction);
            record.Parameters.AddWithValue(name);
            await record.ExecuteNonQueryAsync(cancellationToken);
            done.Add(name);
        }
        await transaction.CommitAsync(cancellationToken);
        // A migration may have made types (citext): the pool learns them, or it cannot read their columns.
        if (done.Count > 0) await _dataSource.ReloadTypesAsync(cancellationToken);
        return done;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}

/// <summary>Parameters the PostgreSQL stores share.</summary>
internal static class PgParameters
{
    /// <summary>A timestamptz parameter (null for a missing time): Npgsql takes only UTC offsets for it.</summary>
    public static NpgsqlParameter Time(DateTimeOffset? time) =>
        new() { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = time is { } t ? t.ToUniversalTime() : DBNull.Value };
}
