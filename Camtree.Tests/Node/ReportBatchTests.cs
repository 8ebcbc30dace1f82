using Dapper;
using Camtree.Node.Cli;
using Camtree.Node.Storage;

namespace Camtree.Tests.Node;

/// <summary>
/// A library page written in one transaction (<see cref="ReportStore.ApplyRemoteAsync"/>): what it stores, the count of
/// live reports it reports back (a subscription keeps its record count by it), and the flagged reports an operator lists.
/// Against SQLite, without HTTP.
/// </summary>
public sealed class ReportBatchTests : IAsyncLifetime
{
    private const string Origin = "https://lib.example";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "camtree-tests", $"batch-{Guid.NewGuid():N}");
    private SqliteDatabase _database = null!;
    private ReportStore _reports = null!;
    private readonly DateTimeOffset _now = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _database = new SqliteDatabase(Path.Combine(_directory, "camtree.db"));
        await Migrator.MigrateAsync(_database);
        _reports = new ReportStore(_database);
    }

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }

    private ReportRow Remote(int n, string title = "Exit tickets", string? failure = null) => new()
    {
        Iri = $"{Origin}/reports/{n}", AuthorIri = $"{Origin}/users/ana", AuthorName = "Ana", Title = $"{title} {n}",
        SummaryHtml = "<p>What we found.</p>", ContentHtml = "<p>What we did.</p>", Language = "en", License = "https://creativecommons.org/licenses/by/4.0/",
        Themes = "assessment oracy", Url = $"{Origin}/reports/{n}", PublishedAt = _now.AddDays(-n), ReceivedAt = _now,
        ProofVerified = failure is null, VerifiedKeyId = failure is null ? $"{Origin}/users/ana#ed25519-key" : null,
        ProofCheckedAt = _now, ProofFailure = failure, Flagged = failure is not null,
    };

    [Fact]
    public async Task A_page_reports_how_many_more_live_reports_the_library_holds()
    {
        Assert.Equal(3, await _reports.ApplyRemoteAsync([Remote(1), Remote(2), Remote(3)], [], _now));
        // The same reports again, one edited: nothing more is held.
        Assert.Equal(0, await _reports.ApplyRemoteAsync([Remote(1, "Exit tickets, revised"), Remote(2)], [], _now));
        Assert.Equal("Exit tickets, revised 1", (await _reports.FindByIriAsync($"{Origin}/reports/1"))!.Title);
        // A withdrawal of a held report is one fewer; of one never held, a placeholder that is not live.
        Assert.Equal(-1, await _reports.ApplyRemoteAsync([], [($"{Origin}/reports/2", _now.AddDays(-2))], _now));
        Assert.Equal(0, await _reports.ApplyRemoteAsync([], [($"{Origin}/reports/9", _now.AddDays(-9))], _now));
        // A withdrawn report is not brought back by a stale copy of it.
        Assert.Equal(0, await _reports.ApplyRemoteAsync([Remote(2)], [], _now));
        Assert.Equal(2, await _reports.CountFromOriginAsync(Origin));
        // Themes are written with the rows.
        await using var connection = await _database.OpenAsync();
        Assert.Equal(2, await Dapper.SqlMapper.ExecuteScalarAsync<int>(connection,
            "SELECT count(*) FROM report_themes t JOIN reports r ON r.id = t.report_id WHERE r.iri = @iri", new { iri = $"{Origin}/reports/1" }));
    }

    [Fact]
    public async Task Flagged_reports_are_listed_with_their_reason_per_origin_and_on_the_command_line()
    {
        await _reports.ApplyRemoteAsync([Remote(1), Remote(2, failure: "the proof does not verify with key k")], [], _now);

        var flagged = Assert.Single(await _reports.FlaggedAsync(null, 10));
        Assert.Equal($"{Origin}/reports/2", flagged.Iri);
        Assert.Equal("the proof does not verify with key k", flagged.ProofFailure);
        Assert.Equal(_now, flagged.ProofCheckedAt);
        Assert.Equal(1, (await _reports.FlaggedCountsAsync())[Origin]);
        Assert.Empty(await _reports.FlaggedAsync("https://other.example", 10));

        var output = new StringWriter();
        Assert.Equal(0, await NodeCommandLine.RunAsync(["library", "flagged", "--data-dir", _directory], output));
        var line = output.ToString().Split('\n').Single(l => l.StartsWith($"{Origin}/reports/2\t", StringComparison.Ordinal));
        Assert.Contains("\tlib.example\t", line);
        Assert.EndsWith("the proof does not verify with key k", line.TrimEnd());
    }

    [Fact]
    public async Task A_home_feed_holds_the_reports_of_followed_authors_and_of_followed_libraries_nodes()
    {
        var me = await new ActorStore(_database).CreateAsync(new LocalActor
        {
            Username = "bea", ActorType = "Person", DisplayName = "Bea", PrivateKeyPem = "-", PublicKeyPem = "-", CreatedAt = _now,
        });
        ReportRow At(string origin, int n, string author) => Remote(n) with
        {
            Iri = $"{origin}/reports/{n}", Url = $"{origin}/reports/{n}", AuthorIri = $"{origin}/users/{author}",
        };
        await _reports.ApplyRemoteAsync([At(Origin, 1, "ana"), At(Origin, 2, "carl"), At("https://country.example", 3, "dora"),
            At("https://other.example", 4, "eve")], [], _now);
        await using (var connection = await _database.OpenAsync())
            await connection.ExecuteAsync("""
                INSERT INTO following (local_actor_id, target_iri, follow_activity_iri, state, created_at) VALUES
                    (@id, 'https://lib.example/users/ana', 'f1', 'accepted', @now),
                    (@id, 'https://country.example/users/library', 'f2', 'accepted', @now),
                    (@id, 'https://other.example/users/eve', 'f3', 'pending', @now)
                """, new { id = me.Id, now = _now });

        var feed = await _reports.FeedAsync(me.Id, 10);

        // Ana (followed), Dora (her node's library is followed); not Carl (not followed), not Eve (the follow is pending).
        Assert.Equal(new[] { "https://country.example/reports/3", "https://lib.example/reports/1" }, feed.Select(r => r.Iri).Order(StringComparer.Ordinal));
    }
}
