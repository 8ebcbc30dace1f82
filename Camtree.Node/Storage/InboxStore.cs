using Dapper;
using Microsoft.Data.Sqlite;

namespace Camtree.Node.Storage;

/// <summary>A received activity, recorded after its signature verified and before its side effects.</summary>
public sealed record InboxEntry
{
    public long Id { get; init; }
    public string ActivityIri { get; init; } = "";
    public string ActivityType { get; init; } = "";
    public string ActorIri { get; init; } = "";
    public string SignerKeyId { get; init; } = "";
    /// <summary>True when <see cref="SignerKeyId"/> is the key of a verified object proof (not only the HTTP signature's).</summary>
    public bool ProofVerified { get; init; }
    /// <summary>The activity as received; empty once pruned, and for types this node does not act on (only the id is kept).</summary>
    public string Json { get; init; } = "";
    public DateTimeOffset ReceivedAt { get; init; }
    public DateTimeOffset? ProcessedAt { get; init; }
    public int Attempts { get; init; }
    public DateTimeOffset RetryAt { get; init; }
    public string? LastError { get; init; }
    /// <summary>Set when the last attempt failed: the activity is given up, <see cref="LastError"/> says why.</summary>
    public DateTimeOffset? FailedAt { get; init; }
    public DateTimeOffset? PrunedAt { get; init; }
}

/// <summary>
/// The durable inbox on SQLite (<see cref="IInboxStore"/>): each activity id once; claimed and applied by
/// <see cref="Jobs.InboxWorker"/>. Received activities are recorded by group commit
/// (<see cref="GroupCommit{TItem,TResult}"/>): the inbox POSTs arriving together share one transaction, and each is
/// answered after its own row is committed; the worker's claims and bookkeeping go through the same writer.
/// </summary>
public sealed class InboxStore : IInboxStore, IAsyncDisposable
{
    /// <summary>See <see cref="InboxRetries.Delays"/>.</summary>
    public static IReadOnlyList<TimeSpan> RetryDelays => InboxRetries.Delays;

    /// <summary>See <see cref="InboxRetries.MaxAttempts"/>.</summary>
    public static int MaxAttempts => InboxRetries.MaxAttempts;

    private readonly SqliteDatabase _database;
    /// <summary>
    /// The inbox table's hot writes, one writer: received activities, the worker's claims and its bookkeeping. Through
    /// one queue they never wait on each other's lock (SQLite's busy handler polls, and under a flood the worker's
    /// writes starved behind the receiving side's: 27,604 and, with claims outside the queue, 53,254 activities behind
    /// at the end of the benchmark's window). Each write's result is what its public method returns.
    /// </summary>
    private readonly GroupCommit<InboxWrite, object?> _writes;

    public InboxStore(SqliteDatabase database)
    {
        _database = database;
        _writes = new GroupCommit<InboxWrite, object?>(database, WriteAsync);
    }

    /// <summary>Transactions the group commit has written (each holds one or more writes).</summary>
    public long WriteTransactions => _writes.Transactions;

    /// <summary>
    /// Records an activity unless one with the same id is already recorded; returns whether it was new, once the row
    /// is committed. An entry with <see cref="InboxEntry.ProcessedAt"/> set is recorded as done (an activity type
    /// nothing here acts on). <paramref name="senderHost"/>, when given, is a host that has just signed a request to
    /// us: its delivery failure record is cleared in the same transaction (see <see cref="HostHealthStore.ClearAsync"/>),
    /// so that the common case, a healthy host, costs no statement of its own on the request's path.
    /// </summary>
    public async Task<bool> RecordAsync(InboxEntry entry, string? senderHost = null, CancellationToken cancellationToken = default) =>
        (bool)(await _writes.SubmitAsync(new Arrival(entry, senderHost), cancellationToken))!;

    private abstract record InboxWrite;
    private sealed record Arrival(InboxEntry Entry, string? SenderHost) : InboxWrite;
    private sealed record Processed(IReadOnlyCollection<long> Ids, DateTimeOffset At) : InboxWrite;
    private sealed record Claim(DateTimeOffset Now, int Limit, IReadOnlyCollection<long> ProcessedBefore) : InboxWrite;

    private static async Task<object?[]> WriteAsync(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<InboxWrite> writes)
    {
        var results = new object?[writes.Count];
        var arrivals = writes.Select((w, i) => (Write: w as Arrival, Index: i)).Where(a => a.Write is not null).ToList();
        if (arrivals.Count > 0)
        {
            var recorded = await WriteArrivalsAsync(connection, transaction, arrivals.Select(a => a.Write!).ToList());
            for (var i = 0; i < arrivals.Count; i++) results[arrivals[i].Index] = recorded[i];
        }
        for (var i = 0; i < writes.Count; i++)
        {
            if (writes[i] is Claim claim)
            {
                await MarkProcessedAsync(connection, transaction, claim.ProcessedBefore, claim.Now);
                results[i] = await ClaimAsync(connection, transaction, claim);
            }
            else if (writes[i] is Processed processed)
                results[i] = await MarkProcessedAsync(connection, transaction, processed.Ids, processed.At) > 0;
        }
        return results;
    }

    private static async Task<int> MarkProcessedAsync(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyCollection<long> ids, DateTimeOffset at) =>
        ids.Count == 0 ? 0 : await connection.ExecuteAsync("""
            UPDATE inbox SET processed_at = @at, attempts = attempts + 1, last_error = NULL, claimed_until = NULL
            WHERE id IN (SELECT value FROM json_each(@ids))
            """, new { ids = System.Text.Json.JsonSerializer.Serialize(ids), at }, transaction);

    private static async Task<bool[]> WriteArrivalsAsync(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<Arrival> arrivals)
    {
        // One prepared statement, bound once per row: the batch is on the path of every inbox POST in it.
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO inbox (activity_iri, activity_type, actor_iri, signer_key_id, proof_verified, json, received_at, retry_at, processed_at)
            VALUES ($iri, $type, $actor, $key, $proof, $json, $received, $received, $processed)
            ON CONFLICT (activity_iri) DO NOTHING
            """;
        var iri = insert.Parameters.Add("$iri", SqliteType.Text);
        var type = insert.Parameters.Add("$type", SqliteType.Text);
        var actor = insert.Parameters.Add("$actor", SqliteType.Text);
        var key = insert.Parameters.Add("$key", SqliteType.Text);
        var proof = insert.Parameters.Add("$proof", SqliteType.Integer);
        var json = insert.Parameters.Add("$json", SqliteType.Text);
        var received = insert.Parameters.Add("$received", SqliteType.Text);
        var processed = insert.Parameters.Add("$processed", SqliteType.Text);
        insert.Prepare();
        var results = new bool[arrivals.Count];
        for (var i = 0; i < arrivals.Count; i++)
        {
            var entry = arrivals[i].Entry;
            iri.Value = entry.ActivityIri;
            type.Value = entry.ActivityType;
            actor.Value = entry.ActorIri;
            key.Value = entry.SignerKeyId;
            proof.Value = entry.ProofVerified ? 1 : 0;
            json.Value = entry.Json;
            received.Value = Database.FormatTime(entry.ReceivedAt);
            processed.Value = entry.ProcessedAt is { } at ? Database.FormatTime(at) : DBNull.Value;
            results[i] = await insert.ExecuteNonQueryAsync() > 0;
        }

        await HostHealthStore.ClearAllAsync(connection, transaction, arrivals.Select(a => (a.SenderHost, a.Entry.ReceivedAt)));
        return results;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<InboxEntry>> ClaimDueAsync(DateTimeOffset now, int limit, IReadOnlyCollection<long>? processedBefore = null) =>
        (IReadOnlyList<InboxEntry>)(await _writes.SubmitAsync(new Claim(now, limit, processedBefore ?? [])))!;

    private static async Task<IReadOnlyList<InboxEntry>> ClaimAsync(SqliteConnection connection, SqliteTransaction transaction, Claim claim)
    {
        var claimed = await connection.QueryAsync<InboxEntry>("""
            UPDATE inbox SET claimed_until = @until
            WHERE id IN (SELECT id FROM inbox WHERE processed_at IS NULL AND failed_at IS NULL AND retry_at <= @now
                           AND (claimed_until IS NULL OR claimed_until <= @now)
                         ORDER BY retry_at, id LIMIT @limit)
            RETURNING *
            """, new { now = claim.Now, until = claim.Now + InboxLease.Length, limit = claim.Limit }, transaction);
        return claimed.OrderBy(e => e.RetryAt).ThenBy(e => e.Id).ToList();
    }

    /// <inheritdoc />
    public async Task ReleaseOrphanedClaimsAsync()
    {
        await using var connection = await _database.OpenAsync();
        await connection.ExecuteAsync("UPDATE inbox SET claimed_until = NULL WHERE claimed_until IS NOT NULL AND processed_at IS NULL");
    }

    /// <summary>Activities still to process whose (re)try time has come, oldest first, claimed or not (for tests and operators).</summary>
    public async Task<IReadOnlyList<InboxEntry>> NextUnprocessedAsync(DateTimeOffset now, int limit)
    {
        await using var connection = await _database.OpenAsync();
        return (await connection.QueryAsync<InboxEntry>("""
            SELECT * FROM inbox WHERE processed_at IS NULL AND failed_at IS NULL AND retry_at <= @now ORDER BY retry_at, id LIMIT @limit
            """, new { now, limit })).ToList();
    }

    /// <summary>Marks many activities processed in one statement (the inbox worker's bookkeeping for a pass).</summary>
    public async Task MarkProcessedAsync(IReadOnlyCollection<long> ids, DateTimeOffset at)
    {
        if (ids.Count > 0) await _writes.SubmitAsync(new Processed(ids, at));
    }

    /// <summary>
    /// Records a failed attempt with its reason and when to try again; after the last attempt the activity is
    /// given up (<see cref="InboxEntry.FailedAt"/>). Returns when it is tried again, or null when given up.
    /// </summary>
    public async Task<DateTimeOffset?> MarkFailedAsync(InboxEntry entry, string error, DateTimeOffset now)
    {
        var attempts = entry.Attempts + 1;
        var retryAt = InboxRetries.RetryAt(entry.Attempts, now);
        error = InboxRetries.Kept(error);
        await using var connection = await _database.OpenAsync();
        await connection.ExecuteAsync("""
            UPDATE inbox SET attempts = @attempts, last_error = @error, retry_at = COALESCE(@retryAt, retry_at), claimed_until = NULL,
                failed_at = CASE WHEN @retryAt IS NULL THEN @now END
            WHERE id = @id
            """, new { id = entry.Id, attempts, error, retryAt, now });
        return retryAt;
    }

    /// <summary>
    /// Drops the bodies of activities processed or given up before <paramref name="before"/>, a batch at a time,
    /// keeping their ids (an activity sent again is still recognised). Returns how many were pruned.
    /// </summary>
    public async Task<int> PruneAsync(DateTimeOffset before, DateTimeOffset now, int batch = 1000)
    {
        await using var connection = await _database.OpenAsync();
        return await connection.ExecuteAsync("""
            UPDATE inbox SET json = '', pruned_at = @now
            WHERE id IN (SELECT id FROM inbox WHERE pruned_at IS NULL
                           AND ((processed_at IS NOT NULL AND processed_at < @before) OR (failed_at IS NOT NULL AND failed_at < @before))
                         LIMIT @batch)
            """, new { before, now, batch });
    }

    public async Task<InboxEntry?> FindAsync(string activityIri)
    {
        await using var connection = await _database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<InboxEntry>("SELECT * FROM inbox WHERE activity_iri = @activityIri", new { activityIri });
    }

    public async Task<int> CountAsync()
    {
        await using var connection = await _database.OpenAsync();
        return await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM inbox");
    }

    public async Task<int> CountPendingAsync()
    {
        await using var connection = await _database.OpenAsync();
        return await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM inbox WHERE processed_at IS NULL AND failed_at IS NULL");
    }

    /// <summary>Writes what was submitted, then refuses more (the host is stopping).</summary>
    public ValueTask DisposeAsync() => _writes.DisposeAsync();
}
