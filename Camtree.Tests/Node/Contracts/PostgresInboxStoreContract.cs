using Camtree.Node.Storage;
using Camtree.Node.Storage.Postgres;
using Camtree.Tests.Support;
using Npgsql;

namespace Camtree.Tests.Node.Contracts;

/// <summary>The inbox contract against a real PostgreSQL (<see cref="PostgresInboxStore"/>), a fresh database per test.</summary>
public sealed class PostgresInboxStoreContract : InboxStoreContract
{
    private PostgresDatabase _database = null!;

    protected override bool ReleasesOrphanedClaims => false;

    protected override async Task<IInboxStore> CreateAsync()
    {
        _database = await PostgresServer.CreateMigratedDatabaseAsync();
        return new PostgresInboxStore(_database);
    }

    protected override async Task SeedFailingHostAsync(string host, int failures)
    {
        await using var connection = await _database.OpenNpgsqlAsync();
        await using var insert = new NpgsqlCommand("INSERT INTO delivery_hosts (host, consecutive_failures, first_failure_at) VALUES ($1, $2, now())", connection);
        insert.Parameters.AddWithValue(host);
        insert.Parameters.AddWithValue(failures);
        await insert.ExecuteNonQueryAsync();
    }

    protected override async Task<int> FailuresOfAsync(string host)
    {
        await using var connection = await _database.OpenNpgsqlAsync();
        await using var read = new NpgsqlCommand("SELECT consecutive_failures FROM delivery_hosts WHERE host = $1", connection);
        read.Parameters.AddWithValue(host);
        return (int)(await read.ExecuteScalarAsync())!;
    }

    protected override async Task CleanUpAsync()
    {
        if (_database is not null) await _database.DisposeAsync();
    }
}
