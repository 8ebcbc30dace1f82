namespace Camtree.Node.Storage;

/// <summary>
/// The durable inbox, as the node's receiving side and its inbox worker use it: each activity recorded once by id,
/// claimed by one worker at a time for <see cref="InboxLease.Length"/> (a claim not finished in that time, say by a
/// killed process, returns to the queue), then marked processed, or failed and retried, or given up. One
/// implementation per database (<see cref="InboxStore"/> on SQLite, <see cref="Postgres.PostgresInboxStore"/>); both pass
/// the same contract tests (<c>Camtree.Tests/Node/Contracts/InboxStoreContract.cs</c>).
/// </summary>
public interface IInboxStore
{
    /// <summary>
    /// Records an activity unless one with the same id is already recorded; returns whether it was new, once the row is
    /// committed. <paramref name="senderHost"/>, when given, has just signed a request to us: its delivery failure record
    /// is cleared in the same transaction.
    /// </summary>
    Task<bool> RecordAsync(InboxEntry entry, string? senderHost = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims up to <paramref name="limit"/> activities whose (re)try time has come and that no live claim holds, oldest
    /// first, until <paramref name="now"/> + <see cref="InboxLease.Length"/>. <paramref name="processedBefore"/>, the
    /// previous pass's activities done, are marked processed first in the same write (one write per pass, not two).
    /// </summary>
    Task<IReadOnlyList<InboxEntry>> ClaimDueAsync(DateTimeOffset now, int limit, IReadOnlyCollection<long>? processedBefore = null);

    /// <summary>
    /// Called once when this process's inbox worker starts. On SQLite one process owns the database, so a claim found
    /// then was left by a process that stopped (a crash, a kill) and is released at once: a restarted node goes on where
    /// it was, instead of waiting out the lease. On PostgreSQL other live processes hold claims; theirs lapse instead.
    /// </summary>
    Task ReleaseOrphanedClaimsAsync();

    /// <summary>Marks activities processed (and their claims done).</summary>
    Task MarkProcessedAsync(IReadOnlyCollection<long> ids, DateTimeOffset at);

    /// <summary>
    /// Records a failed attempt with its reason and releases the claim; tried again <see cref="InboxRetries.Delays"/>
    /// later, or given up after <see cref="InboxRetries.MaxAttempts"/>. Returns when it is tried again, or null when given up.
    /// </summary>
    Task<DateTimeOffset?> MarkFailedAsync(InboxEntry entry, string error, DateTimeOffset now);

    /// <summary>Drops the bodies of activities done before <paramref name="before"/>, a batch at a time, keeping their ids.</summary>
    Task<int> PruneAsync(DateTimeOffset before, DateTimeOffset now, int batch = 1000);

    Task<InboxEntry?> FindAsync(string activityIri);

    Task<int> CountAsync();

    /// <summary>Activities still to apply (not processed, not given up): the worker's backlog.</summary>
    Task<int> CountPendingAsync();
}

/// <summary>How long a claim on inbox activities lasts.</summary>
public static class InboxLease
{
    /// <summary>
    /// Long enough for a pass (<see cref="Jobs.InboxWorker.PassSize"/> activities, most done in milliseconds); a pass of
    /// slow handlers that outlives it may see another worker apply some again, which the handlers tolerate (they upsert).
    /// </summary>
    public static readonly TimeSpan Length = TimeSpan.FromMinutes(10);
}

/// <summary>How an activity that failed is tried again, whichever database keeps it.</summary>
public static class InboxRetries
{
    /// <summary>How long to wait before trying a failed activity again, by failures so far; then it is given up.</summary>
    public static readonly IReadOnlyList<TimeSpan> Delays =
        [TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(3)];

    /// <summary>How often processing an activity is tried before it is given up.</summary>
    public static int MaxAttempts => Delays.Count + 1;

    /// <summary>The longest error text kept on a row.</summary>
    public const int MaxErrorLength = 1000;

    /// <summary>When a failed activity is tried again (null: given up), by its attempts so far.</summary>
    public static DateTimeOffset? RetryAt(int attemptsSoFar, DateTimeOffset now) =>
        attemptsSoFar + 1 < MaxAttempts ? now + Delays[attemptsSoFar] : null;

    /// <summary>The error text as kept on a row: cut to <see cref="MaxErrorLength"/>.</summary>
    public static string Kept(string error) => error.Length > MaxErrorLength ? error[..MaxErrorLength] : error;
}
