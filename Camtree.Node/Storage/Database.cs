using System.Data;
using System.Data.Common;
using System.Globalization;
using Dapper;

namespace Camtree.Node.Storage;

/// <summary>The SQL databases a node can keep its data in.</summary>
public enum SqlDialect { Sqlite, Postgres }

/// <summary>
/// The node's database, whichever it is: <see cref="SqliteDatabase"/> (one file, the default) or
/// <see cref="Postgres.PostgresDatabase"/> (several processes). The stores whose SQL both databases understand take
/// this and write it once; a store where the two differ (the queues' claims, search) comes in one class per dialect
/// (ADR 0008). The dialect is chosen in one place, <see cref="StorageRegistration"/>.
/// </summary>
public abstract class Database : IAsyncDisposable
{
    static Database()
    {
        // Times are ISO-8601 UTC text on SQLite (they sort and read well in the sqlite3 shell) and timestamptz on
        // PostgreSQL: one handler, which looks at the parameter it fills.
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset));
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset?));
        SqlMapper.AddTypeHandler(new UtcTimeHandler());
        DefaultTypeMap.MatchNamesWithUnderscores = true;
    }

    /// <summary>Which SQL this database speaks.</summary>
    public abstract SqlDialect Dialect { get; }

    /// <summary>An open connection (from the provider's pool); the caller disposes it.</summary>
    public abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default);

    /// <summary>Brings the schema up to date (each dialect has its own migrations).</summary>
    public abstract Task MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>Runs <paramref name="work"/> in one transaction: all of it is stored, or none.</summary>
    public async Task<T> InTransactionAsync<T>(Func<UnitOfWork, Task<T>> work, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var result = await work(new UnitOfWork(connection, transaction, Dialect));
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>Runs <paramref name="work"/> in one transaction (<see cref="InTransactionAsync{T}"/>) that returns nothing.</summary>
    public Task InTransactionAsync(Func<UnitOfWork, Task> work, CancellationToken cancellationToken = default) =>
        InTransactionAsync<int>(async unit => { await work(unit); return 0; }, cancellationToken);

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Formats a time the way every SQLite table stores it.</summary>
    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private sealed class UtcTimeHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
        {
            if (parameter is Npgsql.NpgsqlParameter)
            {
                // Npgsql writes timestamptz only from a UTC offset.
                parameter.DbType = DbType.DateTimeOffset;
                parameter.Value = value.ToUniversalTime();
                return;
            }
            parameter.DbType = DbType.String;
            parameter.Value = FormatTime(value);
        }

        public override DateTimeOffset Parse(object value) => value switch
        {
            DateTimeOffset time => time,
            DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
            _ => DateTimeOffset.Parse((string)value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
        };
    }
}
