using Camtree.Protocol.Delivery;
using Dapper;

namespace Camtree.Node.Storage;

/// <summary>The state of <see cref="HostCircuit"/> per receiving host. A healthy host has no row.</summary>
public sealed class HostHealthStore(Database database) : IHostHealthStore
{
    public async Task<HostHealth> GetAsync(string host)
    {
        await using var connection = await database.OpenAsync();
        return ToHealth(host, await connection.QuerySingleOrDefaultAsync<HostRow>("SELECT * FROM delivery_hosts WHERE host = @host", new { host }));
    }

    private static HostHealth ToHealth(string host, HostRow? row) => row is null ? new HostHealth(host)
        : new HostHealth(row.Host, row.ConsecutiveFailures, row.FirstFailureAt, row.LastFailureAt, row.OpenUntil, row.UnavailableSince, row.LastSuccessAt);

    private sealed record HostRow
    {
        public string Host { get; init; } = "";
        public int ConsecutiveFailures { get; init; }
        public DateTimeOffset? FirstFailureAt { get; init; }
        public DateTimeOffset? LastFailureAt { get; init; }
        public DateTimeOffset? OpenUntil { get; init; }
        public DateTimeOffset? UnavailableSince { get; init; }
        public DateTimeOffset? LastSuccessAt { get; init; }
    }

    /// <summary>
    /// Counts one failure against a host (<see cref="HostCircuit.RecordFailure"/>) and returns its new state. The read
    /// and the write are one write transaction (SQLite's <c>BEGIN IMMEDIATE</c> takes the write lock before the read),
    /// so failures recorded at once, by this process's deliveries or another process's sharing the database, each count.
    /// </summary>
    public async Task<HostHealth> RecordFailureAsync(string host, DateTimeOffset now)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var row = await connection.QuerySingleOrDefaultAsync<HostRow>("SELECT * FROM delivery_hosts WHERE host = @host", new { host }, transaction);
        var health = HostCircuit.RecordFailure(ToHealth(host, row), now);
        await SaveAsync(connection, transaction, health);
        await transaction.CommitAsync();
        return health;
    }

    public async Task SaveAsync(HostHealth health)
    {
        await using var connection = await database.OpenAsync();
        await SaveAsync(connection, null, health);
    }

    private static Task SaveAsync(System.Data.IDbConnection connection, System.Data.IDbTransaction? transaction, HostHealth health) =>
        connection.ExecuteAsync("""
            INSERT INTO delivery_hosts (host, consecutive_failures, first_failure_at, last_failure_at, open_until, unavailable_since, last_success_at)
            VALUES (@Host, @ConsecutiveFailures, @FirstFailureAt, @LastFailureAt, @OpenUntil, @UnavailableSince, @LastSuccessAt)
            ON CONFLICT (host) DO UPDATE SET consecutive_failures = excluded.consecutive_failures, first_failure_at = excluded.first_failure_at,
                last_failure_at = excluded.last_failure_at, open_until = excluded.open_until,
                unavailable_since = excluded.unavailable_since, last_success_at = excluded.last_success_at
            """, health, transaction);

    /// <summary>
    /// Clears a host's failure record after it answered or sent a signed request. Cheap when there is nothing
    /// to clear (the common case), so it can run on every success.
    /// </summary>
    public async Task ClearAsync(string host, DateTimeOffset now)
    {
        await using var connection = await database.OpenAsync();
        // Read first: an UPDATE that matches nothing still takes SQLite's write lock, and this runs on every
        // successful delivery (and on inbox POSTs that are refused after their signature verified).
        if (await connection.ExecuteScalarAsync<long>(
                "SELECT count(*) FROM delivery_hosts WHERE host = @host AND consecutive_failures > 0", new { host }) == 0) return;
        await ClearAsync(connection, null, host, now);
    }

    /// <summary>
    /// Clears the hosts a batch saw up (each once, at the latest time it was seen), inside the batch's write transaction
    /// (the inbox's and the delivery outcomes' group commits): no lock of their own.
    /// </summary>
    internal static async Task ClearAllAsync(System.Data.IDbConnection connection, System.Data.IDbTransaction transaction,
        IEnumerable<(string? Host, DateTimeOffset At)> seen)
    {
        foreach (var host in seen.Where(s => s.Host is not null).GroupBy(s => s.Host!, StringComparer.Ordinal))
            await ClearAsync(connection, transaction, host.Key, host.Max(s => s.At));
    }

    /// <summary>The same for one host, inside a write transaction or not.</summary>
    internal static Task ClearAsync(System.Data.IDbConnection connection, System.Data.IDbTransaction? transaction, string host, DateTimeOffset now) =>
        connection.ExecuteAsync("""
            UPDATE delivery_hosts SET consecutive_failures = 0, first_failure_at = NULL, open_until = NULL, unavailable_since = NULL,
                last_success_at = @now
            WHERE host = @host AND consecutive_failures > 0
            """, new { host, now }, transaction);
}
