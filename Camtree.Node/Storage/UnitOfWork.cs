using System.Data.Common;
using Dapper;

namespace Camtree.Node.Storage;

/// <summary>
/// Writes that are stored together or not at all: one database transaction, opened by
/// <see cref="Database.InTransactionAsync{T}(Func{UnitOfWork, Task{T}}, CancellationToken)"/> and handed from store to
/// store (say a report, the Create that carries it and one delivery per follower). Callers only pass it on; the SQL
/// it runs is the stores' (its members are internal to the node's storage).
/// </summary>
public sealed class UnitOfWork
{
    internal UnitOfWork(DbConnection connection, DbTransaction transaction, SqlDialect dialect) =>
        (Connection, Transaction, Dialect) = (connection, transaction, dialect);

    internal DbConnection Connection { get; }
    internal DbTransaction Transaction { get; }
    internal SqlDialect Dialect { get; }

    internal Task<int> ExecuteAsync(string sql, object? parameters = null) => Connection.ExecuteAsync(sql, parameters, Transaction);

    internal Task<T?> ExecuteScalarAsync<T>(string sql, object? parameters = null) => Connection.ExecuteScalarAsync<T>(sql, parameters, Transaction);

    internal Task<IEnumerable<T>> QueryAsync<T>(string sql, object? parameters = null) => Connection.QueryAsync<T>(sql, parameters, Transaction);

    internal Task<T?> QuerySingleOrDefaultAsync<T>(string sql, object? parameters = null) =>
        Connection.QuerySingleOrDefaultAsync<T>(sql, parameters, Transaction);
}
