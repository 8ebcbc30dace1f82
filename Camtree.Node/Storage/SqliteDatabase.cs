using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Camtree.Node.Storage;

/// <summary>
/// The node's SQLite database: one file in the data directory, the embedded default. Hands out open connections
/// (pooled by Microsoft.Data.Sqlite).
/// </summary>
public sealed class SqliteDatabase : Database
{
    private readonly string _connectionString;

    public SqliteDatabase(string path)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            ForeignKeys = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    public override SqlDialect Dialect => SqlDialect.Sqlite;

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default) =>
        await OpenSqliteAsync(cancellationToken);

    /// <summary>An open connection, for the code that uses what only SQLite has (group commit, FTS5, prepared batches).</summary>
    public async Task<SqliteConnection> OpenSqliteAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        // Without a busy timeout SQLite answers "busy" at once when another connection writes, and
        // Microsoft.Data.Sqlite then sleeps 150 ms before retrying: every write collision stalled a request
        // that long (measured: inbox p99 0.7 s). SQLite's own busy handler waits in steps of a few ms instead.
        // Set on the native handle: no statement to prepare on every open (this is on every request's path).
        SQLitePCL.raw.sqlite3_busy_timeout(connection.Handle, 10_000);
        return connection;
    }

    public override Task MigrateAsync(CancellationToken cancellationToken = default) => Migrator.MigrateAsync(this, cancellationToken);
}
