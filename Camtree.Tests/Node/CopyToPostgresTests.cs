using System.Net.Http.Json;
using System.Text.Json;
using Camtree.Node.Cli;
using Camtree.Node.Storage;
using Camtree.Tests.Support;

namespace Camtree.Tests.Node;

/// <summary>
/// <c>storage copy-to-postgres</c>: a node that outgrew SQLite moves to PostgreSQL with one command, and comes back up
/// the same node: its library, its actors' keys, its search, its OAI-PMH datestamps, its sign-ins. A second copy into
/// the same database is refused and changes nothing.
/// </summary>
public sealed class CopyToPostgresTests
{
    [Fact]
    public async Task A_node_copied_to_PostgreSQL_comes_back_up_the_same_node()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        await using var sqlite = await TestNode.StartAsync("copy-from", seedDemo: true, postgres: false);
        var author = await sqlite.AddPractitionerAsync("copied_author", "Copied Author");
        await sqlite.SignInAsync("copied_author", "a password kept across");
        var before = await SnapshotAsync(sqlite);
        var earliest = (await Oai.GetAsync(sqlite, "verb=Identify")).Text("//o:earliestDatestamp");
        await sqlite.StopAsync();

        var output = new StringWriter();
        var exit = await NodeCommandLine.RunAsync(
            ["storage", "copy-to-postgres", "--data-dir", sqlite.DataDirectory, "--connection-string", connectionString], output);
        Assert.True(exit == 0, output.ToString());
        Assert.Contains("reports\t", output.ToString());

        await using var postgres = await TestNode.StartAsync("copy-to", postgres: false, settings: new Dictionary<string, string?>
        {
            ["Camtree:PublicUrl"] = sqlite.BaseUrl, // the same node: its ids start with its URL
            ["Camtree:Storage:Provider"] = "Postgres",
            ["Camtree:Storage:ConnectionString"] = connectionString,
        });
        Assert.Equal(before, await SnapshotAsync(postgres));
        Assert.Equal(earliest, (await Oai.GetAsync(postgres, "verb=Identify")).Text("//o:earliestDatestamp"));
        await postgres.SignInAsync("copied_author", "a password kept across");

        // A second copy finds the node there and copies nothing.
        var again = new StringWriter();
        Assert.Equal(1, await NodeCommandLine.RunAsync(
            ["storage", "copy-to-postgres", "--data-dir", sqlite.DataDirectory, "--connection-string", connectionString], again));
        Assert.Contains("already holds a node's data", again.ToString());
        Assert.Equal(before, await SnapshotAsync(postgres));
        _ = author;
    }

    /// <summary>What a node shows: its reports, a search and its facets, and an actor's document (its keys).</summary>
    private static async Task<string> SnapshotAsync(TestNode node)
    {
        var reports = await node.Http.GetFromJsonAsync<JsonElement>("/api/v1/reports?limit=100");
        var search = await node.Http.GetFromJsonAsync<JsonElement>("/api/v1/search?q=talk&pageSize=50");
        var actor = await node.ActivityPubAsync($"{node.BaseUrl}/users/copied_author");
        return string.Join("\n", reports.ToString(), search.ToString(), actor.GetProperty("publicKey").ToString());
    }
}

/// <summary>A copy that meets a value it cannot convert stops, says where, and leaves the PostgreSQL database as it was.</summary>
public sealed class CopyToPostgresRefusalTests
{
    [Fact]
    public async Task A_value_that_is_not_what_its_column_holds_stops_the_copy_and_nothing_is_left_half_copied()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        await using var sqlite = await TestNode.StartAsync("copy-broken", seedDemo: true, postgres: false);
        await using (var connection = await sqlite.Get<SqliteDatabase>().OpenAsync())
            await Dapper.SqlMapper.ExecuteAsync(connection, "UPDATE reports SET received_at = 'last tuesday' WHERE id = (SELECT max(id) FROM reports)");
        await sqlite.StopAsync();

        var output = new StringWriter();
        Assert.Equal(1, await NodeCommandLine.RunAsync(
            ["storage", "copy-to-postgres", "--data-dir", sqlite.DataDirectory, "--connection-string", connectionString], output));
        Assert.Contains("nothing was copied: reports.received_at: 'last tuesday' is not a time", output.ToString());
        await using var postgres = new Camtree.Node.Storage.Postgres.PostgresDatabase(connectionString);
        await using var check = await postgres.OpenAsync();
        Assert.Equal(0, await Dapper.SqlMapper.ExecuteScalarAsync<long>(check, "SELECT count(*) FROM local_actors"));
    }
}
