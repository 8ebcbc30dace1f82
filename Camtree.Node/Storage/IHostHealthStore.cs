using Camtree.Protocol.Delivery;

namespace Camtree.Node.Storage;

/// <summary>
/// The state of <see cref="HostCircuit"/> per receiving host, shared by every process of a node: a healthy host has no
/// record, a failure is counted atomically in the database, an answer or a signed request clears it. One implementation
/// per database (<see cref="HostHealthStore"/>, <see cref="Postgres.PostgresHostHealthStore"/>), one contract
/// (<c>Camtree.Tests/Node/Contracts/HostHealthStoreContract.cs</c>).
/// </summary>
public interface IHostHealthStore
{
    Task<HostHealth> GetAsync(string host);

    /// <summary>Stores a host's state as given (operators' tools and tests; the worker uses the two below).</summary>
    Task SaveAsync(HostHealth health);

    /// <summary>Counts one failure (<see cref="HostCircuit.RecordFailure"/>) and returns the new state; concurrent failures each count.</summary>
    Task<HostHealth> RecordFailureAsync(string host, DateTimeOffset now);

    /// <summary>Clears a host's failure record after it answered or sent a signed request; cheap when there is nothing to clear.</summary>
    Task ClearAsync(string host, DateTimeOffset now);
}
