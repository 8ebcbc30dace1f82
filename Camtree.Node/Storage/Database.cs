using System.Data;
using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Camtree.Node.Storage;

/// <summary>
/// The node's SQLite database: one file in the data directory. Hands out open connections (pooled by
/// Microsoft.Data.Sqlite) and runs a unit of work in a transaction.
/// </summary>
public sealed class Database
{
    private readonly string _connectionString;

    static Database()
    {
        // Times are stored as ISO-8601 UTC text so that they sort and read well in the sqlite3 shell.
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset));
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset?));
        SqlMapper.AddTypeHandler(new UtcTimeHandler());
        DefaultTypeMap.MatchNamesWithUnderscores = true;
    }

    public Database(string path)
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

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
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

    /// <summary>Runs <paramref name="work"/> in one transaction: all of it is stored, or none.</summary>
    public async Task<T> InTransactionAsync<T>(Func<IDbConnection, IDbTransaction, Task<T>> work, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var result = await work(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>Formats a time the way every table stores it.</summary>
    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private sealed class UtcTimeHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
        {
            parameter.DbType = DbType.String;
            parameter.Value = FormatTime(value);
        }

        public override DateTimeOffset Parse(object value) =>
            DateTimeOffset.Parse((string)value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }
}
