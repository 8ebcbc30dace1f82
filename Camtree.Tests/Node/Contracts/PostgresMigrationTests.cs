using Camtree.Node.Storage.Postgres;
using Camtree.Tests.Support;

namespace Camtree.Tests.Node.Contracts;

/// <summary>
/// The PostgreSQL migrations (<see cref="PostgresDatabase.ApplyMigrationsAsync"/>): each applied once, also when several node
/// processes start at the same moment on one database (the advisory lock makes them take turns).
/// </summary>
public sealed class PostgresMigrationTests
{
    [Fact]
    public async Task Processes_starting_together_apply_each_migration_once()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        var processes = Enumerable.Range(0, 4).Select(_ => new PostgresDatabase(connectionString)).ToList();
        try
        {
            var applied = await Task.WhenAll(processes.Select(p => Task.Run(() => p.ApplyMigrationsAsync())));

            var all = applied.SelectMany(a => a).ToList();
            Assert.Contains("0001_inbox_and_hosts.sql", all);
            Assert.Equal(all.Count, all.Distinct().Count()); // none twice
            Assert.Single(applied, a => a.Count > 0);         // one process applied them, the others found them done
            Assert.Empty(await processes[0].ApplyMigrationsAsync());
        }
        finally
        {
            foreach (var p in processes) await p.DisposeAsync();
        }
    }
}
