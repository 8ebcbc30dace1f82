using System.Globalization;
using Camtree.Node.Storage.Postgres;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Camtree.Node.Storage.Copy;

/// <summary>
/// Moves a node's data from its SQLite file into an empty PostgreSQL database (<c>storage copy-to-postgres</c>): every
/// table, row for row, ids kept, in one PostgreSQL transaction, so that a copy that fails leaves nothing behind. The
/// PostgreSQL schema is migrated first; each value is converted to the column's PostgreSQL type (times from their
/// ISO-8601 text, flags from 0 and 1). The search index is built by PostgreSQL's trigger as the reports go in; the
/// OAI-PMH change sequence is then replaced by SQLite's, so that harvesters see the same datestamps.
/// </summary>
public sealed class SqliteToPostgres(SqliteDatabase source, PostgresDatabase target)
{
    /// <summary>The tables, parents before children (foreign keys); the search tables are left to the trigger.</summary>
    public static readonly string[] Tables =
    [
        "local_actors", "local_actor_keys", "remote_actors", "remote_keys", "followers", "following",
        "reports", "report_themes", "outbox", "deliveries", "delivery_hosts", "inbox", "api_tokens",
        "interactions", "comments", "mentions", "accounts", "invitations", "drafts", "attachments",
        "theme_groups", "node_secrets", "library_subscriptions", "signature_schemes", "oai_changes",
    ];

    /// <summary>Copies everything; returns the rows copied per table. Refuses a database that already holds a node.</summary>
    public async Task<IReadOnlyDictionary<string, long>> CopyAsync(CancellationToken cancellationToken = default)
    {
        await target.MigrateAsync(cancellationToken);
        await using var into = await target.OpenNpgsqlAsync(cancellationToken);
        if (await into.ExecuteScalarAsync<long>("SELECT count(*) FROM local_actors") > 0)
            throw new InvalidOperationException("the PostgreSQL database already holds a node's data: copy into an empty database");
        await using var from = await source.OpenSqliteAsync(cancellationToken);
        await using var transaction = await into.BeginTransactionAsync(cancellationToken);
        var copied = new Dictionary<string, long>();
        foreach (var table in Tables)
        {
            // The reports' trigger wrote their change rows; SQLite's (with their datestamps and order) replace them.
            if (table == "oai_changes") await into.ExecuteAsync("DELETE FROM oai_changes", transaction: transaction);
            copied[table] = await CopyTableAsync(from, into, table, cancellationToken);
        }
        // Identities go on after the highest id copied.
        var identities = await into.QueryAsync<(string Table, string Column)>("""
            SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES'
            """, transaction: transaction);
        foreach (var (table, column) in identities)
            await into.ExecuteAsync($"SELECT setval(pg_get_serial_sequence(@table, @column), COALESCE((SELECT max({column}) FROM {table}), 0) + 1, false)",
                new { table, column }, transaction);
        await transaction.CommitAsync(cancellationToken);
        return copied;
    }

    private static async Task<long> CopyTableAsync(SqliteConnection from, NpgsqlConnection into, string table, CancellationToken cancellationToken)
    {
        var types = (await into.QueryAsync<(string Name, string Type)>(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @table", new { table }))
            .ToDictionary(c => c.Name, c => c.Type, StringComparer.Ordinal);
        await using var read = from.CreateCommand();
        read.CommandText = $"SELECT * FROM {table}";
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        // Only the columns both have: a SQLite-only column (none today) is not PostgreSQL's business.
        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).Where(types.ContainsKey).ToList();
        var ordinals = columns.Select(reader.GetOrdinal).ToList();
        await using var import = await into.BeginBinaryImportAsync(
            $"COPY {table} ({string.Join(", ", columns)}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        long rows = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            await import.StartRowAsync(cancellationToken);
            for (var i = 0; i < columns.Count; i++)
            {
                var value = reader.IsDBNull(ordinals[i]) ? null : reader.GetValue(ordinals[i]);
                await WriteAsync(import, value, types[columns[i]], $"{table}.{columns[i]}", cancellationToken);
            }
            rows++;
        }
        await import.CompleteAsync(cancellationToken);
        return rows;
    }

    private static Task WriteAsync(NpgsqlBinaryImporter import, object? value, string type, string column, CancellationToken cancellationToken)
    {
        if (value is null) return import.WriteNullAsync(cancellationToken);
        return type switch
        {
            "timestamp with time zone" => import.WriteAsync(ParseTime((string)value, column), NpgsqlTypes.NpgsqlDbType.TimestampTz, cancellationToken),
            "boolean" => import.WriteAsync(Convert.ToInt64(value, CultureInfo.InvariantCulture) != 0, NpgsqlTypes.NpgsqlDbType.Boolean, cancellationToken),
            "bigint" => import.WriteAsync(Convert.ToInt64(value, CultureInfo.InvariantCulture), NpgsqlTypes.NpgsqlDbType.Bigint, cancellationToken),
            "integer" => import.WriteAsync(Convert.ToInt32(value, CultureInfo.InvariantCulture), NpgsqlTypes.NpgsqlDbType.Integer, cancellationToken),
            "bytea" => import.WriteAsync((byte[])value, NpgsqlTypes.NpgsqlDbType.Bytea, cancellationToken),
            "USER-DEFINED" => import.WriteAsync(Convert.ToString(value, CultureInfo.InvariantCulture)!, NpgsqlTypes.NpgsqlDbType.Citext, cancellationToken),
            _ => import.WriteAsync(Convert.ToString(value, CultureInfo.InvariantCulture)!, NpgsqlTypes.NpgsqlDbType.Text, cancellationToken),
        };
    }

    private static DateTimeOffset ParseTime(string text, string column) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time.ToUniversalTime()
            : throw new FormatException($"{column}: '{text}' is not a time");
}
