using Camtree.Node.Storage;
using Camtree.Protocol.Delivery;
using Microsoft.Data.Sqlite;

namespace Camtree.Tests.Node.Contracts;

/// <summary>The inbox contract against SQLite (<see cref="InboxStore"/>, with its group commit).</summary>
public sealed class SqliteInboxStoreContract : InboxStoreContract
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "camtree-tests", $"inbox-{Guid.NewGuid():N}");
    private Database _database = null!;
    private InboxStore? _store;

    protected override bool ReleasesOrphanedClaims => true;

    protected override async Task<IInboxStore> CreateAsync()
    {
        Directory.CreateDirectory(_directory);
        _database = new Database(Path.Combine(_directory, "camtree.db"));
        await Migrator.MigrateAsync(_database);
        return _store = new InboxStore(_database);
    }

    protected override Task SeedFailingHostAsync(string host, int failures) =>
        new HostHealthStore(_database).SaveAsync(new HostHealth(host, failures, Now.AddDays(-1), Now.AddHours(-1), Now.AddHours(1), null));

    protected override async Task<int> FailuresOfAsync(string host) => (await new HostHealthStore(_database).GetAsync(host)).ConsecutiveFailures;

    protected override async Task CleanUpAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
