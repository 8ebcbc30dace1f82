using Camtree.Node.Storage;
using Camtree.Protocol.Delivery;
using Camtree.Tests.Support;

namespace Camtree.Tests.Node.Contracts;

/// <summary>The inbox contract against SQLite (<see cref="InboxStore"/>, with its group commit).</summary>
public sealed class SqliteInboxStoreContract : InboxStoreContract
{
    private ScratchDatabase _scratch = null!;
    private SqliteDatabase _database = null!;
    private InboxStore? _store;

    protected override bool ReleasesOrphanedClaims => true;

    protected override async Task<IInboxStore> CreateAsync()
    {
        _database = (_scratch = await ScratchDatabase.CreateAsync("inbox")).Database;
        return _store = new InboxStore(_database);
    }

    protected override Task SeedFailingHostAsync(string host, int failures) =>
        new HostHealthStore(_database).SaveAsync(new HostHealth(host, failures, Now.AddDays(-1), Now.AddHours(-1), Now.AddHours(1), null));

    protected override async Task<int> FailuresOfAsync(string host) => (await new HostHealthStore(_database).GetAsync(host)).ConsecutiveFailures;

    protected override async Task CleanUpAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
        await _scratch.DisposeAsync();
    }
}
