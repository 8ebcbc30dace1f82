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
        SqlMapper.AddTypeHandler(typeof(DateTimeOffset), new UtcTimeHandler());
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

    /// <summary>
    /// "<paramref name="column"/> is one of the list bound as <paramref name="parameter"/>": the one condition the two
    /// databases write differently. Dapper spreads a list into <c>IN (…)</c> on SQLite; to Npgsql it passes an array.
    /// </summary>
    public string In(string column, string parameter) => In(Dialect, column, parameter);

    internal static string In(SqlDialect dialect, string column, string parameter) =>
        dialect == SqlDialect.Postgres ? $"{column} = ANY({parameter})" : $"{column} IN {parameter}";

    /// <summary>SQLite's hint to use an index (its planner misjudges some partial indexes); PostgreSQL's planner takes none.</summary>
    public string IndexedBy(string index) => Dialect == SqlDialect.Sqlite ? $"INDEXED BY {index}" : "";

    /// <summary>The origin (<c>scheme://host[:port]</c>) of an IRI held in <paramref name="column"/>.</summary>
    public string OriginOf(string column) => Dialect == SqlDialect.Postgres
        ? $"substring({column} from '^[^:/]+://[^/?#]+')"
        : $"substr({column}, 1, instr(substr({column}, instr({column}, '://') + 3) || '/', '/') + instr({column}, '://') + 1)";

    /// <summary>Formats a time the way every SQLite table stores it.</summary>
    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// Binds and reads times. An <see cref="SqlMapper.ITypeHandler"/> rather than a typed handler, so that a null time is
    /// bound with its type too: PostgreSQL cannot tell the type of an untyped null in <c>@since IS NULL OR …</c>.
    /// </summary>
    private sealed class UtcTimeHandler : SqlMapper.ITypeHandler
    {
        public void SetValue(IDbDataParameter parameter, object? value)
        {
            var postgres = parameter is Npgsql.NpgsqlParameter;
            // Npgsql writes timestamptz only from a UTC offset; SQLite stores the text of FormatTime.
            parameter.DbType = postgres ? DbType.DateTimeOffset : DbType.String;
            parameter.Value = value switch
            {
                DateTimeOffset time when postgres => time.ToUniversalTime(),
                DateTimeOffset time => FormatTime(time),
                _ => DBNull.Value,
            };
        }

        public object Parse(Type destinationType, object value) => value switch
        {
            // Dapper asks for a nullable time's null too (min() of no rows).
            DBNull => null!,
            DateTimeOffset time => time,
            DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
            _ => DateTimeOffset.Parse((string)value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
        };
    }
}
