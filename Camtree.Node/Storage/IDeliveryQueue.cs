namespace Camtree.Node.Storage;

/// <summary>
/// The delivery worker's side of the delivery queue: due rows are claimed (so that no other slot or process sends them
/// too), and each claim ends when its outcome is recorded or its lease lapses. Claims respect the host limits of
/// <see cref="Camtree.Protocol.Delivery.HostCircuit"/>: a host whose circuit is open gets nothing, a host being probed
/// one row, and no host more than its share, counting the rows already claimed for it. One implementation per database
/// (<see cref="SqliteDeliveryQueue"/>, claims in the one process's memory; <see cref="Postgres.PostgresDeliveryQueue"/>,
/// claims in the rows, shared by every process), one contract (<c>Camtree.Tests/Node/Contracts/DeliveryQueueContract.cs</c>).
/// </summary>
public interface IDeliveryQueue
{
    /// <summary>Claims up to <paramref name="limit"/> due rows, oldest first, at most <paramref name="perHost"/> in flight per host.</summary>
    Task<IReadOnlyList<DueDelivery>> ClaimDueAsync(DateTimeOffset now, int limit, int perHost);

    /// <summary>
    /// Records a delivery done and ends its claim. <paramref name="hostUp"/>, when given, is the host that took it: its
    /// failure record is cleared in the same transaction.
    /// </summary>
    Task MarkDeliveredAsync(long id, int? status, DateTimeOffset at, string? hostUp = null);

    /// <summary>Records a failed attempt and ends its claim: tried again at <paramref name="retryAt"/>, or failed for good when it is null.</summary>
    Task MarkAttemptFailedAsync(long id, int? status, string? error, DateTimeOffset? retryAt);
}

/// <summary>How long a claimed delivery is held before another slot or process may send it, unless configured (<see cref="Configuration.NodeOptions.DeliveryLease"/>).</summary>
public static class DeliveryLease
{
    /// <summary>
    /// Well beyond a delivery's longest run (its timeout, 30 s by default, at most a minute), so that only a claim whose
    /// process died, or whose outcome the database refused to record, ever lapses. Such a row is sent again (receivers
    /// dedupe by activity id).
    /// </summary>
    public static readonly TimeSpan Length = TimeSpan.FromMinutes(5);
}
