using Camtree.Node.Library.Search;
using Camtree.Node.Storage;
using Camtree.Tests.Support;
using Dapper;

namespace Camtree.Tests.Node.Contracts;

/// <summary>
/// The search contract (<see cref="ISearchIndex"/>), at the store level against a real database and no HTTP, the same on
/// SQLite and PostgreSQL: diacritics, phrases, prefixes, exclusions, filters and facet counts, paging, snippets, search
/// consent, withdrawals, and the query parser's refusals.
/// </summary>
public abstract class SearchIndexContract : IAsyncLifetime
{
    private Database _database = null!;
    private ReportStore _reports = null!;
    private ISearchIndex _index = null!;
    private long _localAuthor;
    private int _next;

    /// <summary>A migrated database of the dialect under test, and its search index.</summary>
    protected abstract Task<(Database Database, ISearchIndex Index)> CreateAsync();

    protected abstract Task CleanUpAsync();

    public async Task InitializeAsync()
    {
        (_database, _index) = await CreateAsync();
        _reports = new ReportStore(_database);
        _localAuthor = (await new ActorStore(_database).CreateAsync(new LocalActor
        {
            Username = "ana", ActorType = "Person", DisplayName = "Ana", PrivateKeyPem = "-", PublicKeyPem = "-", CreatedAt = DateTimeOffset.UtcNow,
        })).Id;
    }

    public Task DisposeAsync() => CleanUpAsync();

    private async Task<ReportRow> LocalAsync(string title, string findings = "", string methodology = "lesson-study", string language = "en",
        string themes = "", string body = "", string country = "GB", int year = 2026)
    {
        var slug = $"r{++_next}";
        var row = new ReportRow
        {
            Iri = $"https://here.example/reports/{slug}", LocalSlug = slug, LocalAuthorId = _localAuthor, AuthorIri = "https://here.example/users/ana",
            AuthorName = "Ana", Title = title, SummaryHtml = "", ContentHtml = $"<p>{body}</p>", Language = language, Methodology = methodology,
            Country = country, Findings = findings, License = "", Themes = themes, Url = $"https://here.example/reports/{slug}",
            PublishedAt = new DateTimeOffset(year, 3, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(_next), ReceivedAt = DateTimeOffset.UtcNow,
        };
        var id = await _database.InTransactionAsync(work => _reports.InsertAsync(work, row));
        return row with { Id = id };
    }

    private async Task<SearchResult> SearchAsync(params (string Name, string Value)[] query)
    {
        var (request, errors) = SearchQuery.Parse(name => query.FirstOrDefault(q => q.Name == name).Value);
        Assert.True(request is not null, string.Join("; ", errors.Select(e => $"{e.Key}: {e.Value[0]}")));
        return await _index.SearchAsync(request);
    }

    private static List<string> Titles(SearchResult result) => result.Results.Select(r => r.Title).ToList();

    [Fact]
    public async Task Diacritics_are_folded_both_ways()
    {
        await LocalAsync("Evaluación formativa en matemáticas", language: "es");
        await LocalAsync("Avaliacao diagnostica", language: "pt-BR");
        Assert.Equal(["Evaluación formativa en matemáticas"], Titles(await SearchAsync(("q", "evaluacion"))));
        Assert.Equal(["Avaliacao diagnostica"], Titles(await SearchAsync(("q", "avaliação"))));
        Assert.Equal(["Evaluación formativa en matemáticas"], Titles(await SearchAsync(("q", "MATEMATICAS"))));
    }

    [Fact]
    public async Task Phrases_prefixes_and_exclusions()
    {
        await LocalAsync("Exit tickets in Year 8", findings: "Exit tickets helped.");
        await LocalAsync("Tickets at the exit door", findings: "A different thing.");
        await LocalAsync("Dialogic teaching in primary", themes: "oracy");
        await LocalAsync("Oracy in secondary", themes: "oracy");
        Assert.Equal(["Exit tickets in Year 8"], Titles(await SearchAsync(("q", "\"exit tickets\""))));
        Assert.Equal(2, (await SearchAsync(("q", "exit tickets"))).Total);
        Assert.Equal(["Dialogic teaching in primary"], Titles(await SearchAsync(("q", "dialog*"))));
        Assert.Equal(["Oracy in secondary"], Titles(await SearchAsync(("q", "oracy -primary"))));
        // Operators and column filters are text, not syntax.
        Assert.Equal(0, (await SearchAsync(("q", "title:exit OR NEAR(x)"))).Total);
    }

    [Fact]
    public async Task Results_are_ranked_with_the_title_first_and_snippets_mark_the_words()
    {
        await LocalAsync("A study of questioning", findings: "Nothing about feedback here.", body: "We looked at feedback once.");
        await LocalAsync("Feedback that moves learning on", findings: "Written feedback in science.");
        var result = await SearchAsync(("q", "feedback"));
        Assert.Equal("Feedback that moves learning on", result.Results[0].Title);
        Assert.Contains(SearchIndex.MarkStart + "feedback" + SearchIndex.MarkEnd, result.Results[1].Snippet, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<mark>", SnippetHtml.From(result.Results[1].Snippet));
        Assert.DoesNotContain(SearchIndex.MarkStart.ToString(), SnippetHtml.From(result.Results[1].Snippet));
    }

    [Fact]
    public async Task Beyond_the_window_title_matches_come_first_and_the_total_is_a_lower_bound()
    {
        await LocalAsync("Common ground in the title", findings: "An old report.", year: 2019);
        await _database.InTransactionAsync(async work =>
        {
            for (var i = 0; i < SearchIndex.Window + 5; i++)
                await _reports.InsertAsync(work, new ReportRow
                {
                    Iri = $"https://here.example/reports/bulk{i}", LocalSlug = $"bulk{i}", LocalAuthorId = _localAuthor, AuthorIri = "https://here.example/users/ana",
                    AuthorName = "Ana", Title = $"Report {i}", SummaryHtml = "", ContentHtml = "", Language = "en", Findings = "common words in the findings",
                    License = "", Url = $"https://here.example/reports/bulk{i}", PublishedAt = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(i),
                    ReceivedAt = DateTimeOffset.UtcNow,
                });
            return 0;
        });
        await LocalAsync("Common again in a title", findings: "Newest.", year: 2026);
        var result = await SearchAsync(("q", "common"));
        Assert.False(result.TotalIsExact);
        Assert.Equal(SearchIndex.Window, result.Total);
        Assert.True(result.FacetsSampled);
        // The newest title match first; the old one is outside the window of the newest matches.
        Assert.Equal("Common again in a title", result.Results[0].Title);
        Assert.Equal("Report 1004", result.Results[1].Title);
    }

    [Fact]
    public void Snippets_mark_the_query_words_as_the_index_matches_them()
    {
        var terms = Snippets.Terms(SearchQuery.ToFts("evaluacion dialog* \"exit tickets\" -primary").Expression!);
        Assert.Equal([("evaluacion", false), ("dialog", true), ("exit", false), ("tickets", false)], terms);
        var snippet = Snippets.Make("La Evaluación formativa y la enseñanza dialógica, not primary exit", terms);
        Assert.Contains($"{SearchIndex.MarkStart}Evaluación{SearchIndex.MarkEnd}", snippet);
        Assert.Contains($"{SearchIndex.MarkStart}dialógica{SearchIndex.MarkEnd}", snippet);
        Assert.DoesNotContain($"{SearchIndex.MarkStart}primary", snippet);
        var long_ = Snippets.Make(string.Join(' ', Enumerable.Range(0, 100).Select(i => $"w{i}")) + " evaluacion end", terms);
        Assert.StartsWith("…", long_);
        Assert.Contains($"{SearchIndex.MarkStart}evaluacion{SearchIndex.MarkEnd}", long_);
    }

    [Fact]
    public async Task Snippets_are_html_encoded()
    {
        await LocalAsync("Script in findings", findings: "<script>alert(1)</script> questioning");
        var snippet = SnippetHtml.From((await SearchAsync(("q", "questioning"))).Results[0].Snippet);
        Assert.DoesNotContain("<script>", snippet);
        Assert.Contains("&lt;/script&gt;", snippet);
    }

    [Fact]
    public async Task Filters_and_facet_counts()
    {
        await LocalAsync("Talk one", methodology: "lesson-study", themes: "oracy", country: "GB", year: 2025);
        await LocalAsync("Talk two", methodology: "lesson-study", themes: "oracy assessment", country: "CL", language: "es");
        await LocalAsync("Talk three", methodology: "action-research", themes: "assessment", country: "CL", language: "es");
        var all = await SearchAsync(("q", "talk"));
        Assert.Equal(3, all.Total);
        Assert.False(all.FacetsSampled);
        Assert.Equal([new FacetCount("lesson-study", 2), new FacetCount("action-research", 1)], all.Facets["methodology"]);
        Assert.Equal([new FacetCount("CL", 2), new FacetCount("GB", 1)], all.Facets["country"]);
        Assert.Equal([new FacetCount("assessment", 2), new FacetCount("oracy", 2)], all.Facets["theme"]);
        Assert.Equal([new FacetCount("2026", 2), new FacetCount("2025", 1)], all.Facets["year"]);
        Assert.Equal([new FacetCount("here.example", 3)], all.Facets["node"]);

        Assert.Equal(["Talk two"], Titles(await SearchAsync(("q", "talk"), ("methodology", "lesson-study"), ("country", "cl"))));
        Assert.Equal(["Talk three", "Talk two"], Titles(await SearchAsync(("theme", "assessment"))));
        Assert.Equal(["Talk one"], Titles(await SearchAsync(("from", "2025"), ("to", "2025"))));
        Assert.Equal(2, (await SearchAsync(("language", "es"))).Total);
        Assert.Equal("Lesson study", FacetLabels.Label("methodology", "lesson-study"));
        Assert.Equal("Chile", FacetLabels.Label("country", "CL"));
        Assert.Equal("Spanish", FacetLabels.Label("language", "es"));
    }

    [Fact]
    public async Task Paging_is_stable_and_sorts_by_newest_when_asked()
    {
        for (var i = 0; i < 5; i++) await LocalAsync($"Inquiry {i}", year: 2020 + i);
        var first = await SearchAsync(("q", "inquiry"), ("sort", "newest"), ("pageSize", "2"));
        var second = await SearchAsync(("q", "inquiry"), ("sort", "newest"), ("pageSize", "2"), ("page", "2"));
        var third = await SearchAsync(("q", "inquiry"), ("sort", "newest"), ("pageSize", "2"), ("page", "3"));
        Assert.Equal(["Inquiry 4", "Inquiry 3", "Inquiry 2", "Inquiry 1", "Inquiry 0"], Titles(first).Concat(Titles(second)).Concat(Titles(third)));
        Assert.Equal(5, first.Total);
        Assert.Empty((await SearchAsync(("q", "inquiry"), ("pageSize", "2"), ("page", "4"))).Results);
    }

    [Fact]
    public async Task Withdrawn_reports_and_authors_who_do_not_consent_are_not_found()
    {
        var gone = await LocalAsync("Withdrawn study of feedback");
        await _reports.MarkDeletedAsync(gone.Iri, gone.AuthorIri, DateTimeOffset.UtcNow);
        Assert.Equal(0, (await SearchAsync(("q", "withdrawn"))).Total);

        // A remote author without indexable (missing means no), then with it.
        await using (var connection = await _database.OpenAsync())
            await connection.ExecuteAsync("""
                INSERT INTO remote_actors (iri, actor_type, inbox, fetched_at, indexable) VALUES ('https://there.example/users/bo', 'Person', 'https://there.example/inbox', @at, FALSE)
                """, new { at = DateTimeOffset.UtcNow });
        await _reports.UpsertRemoteAsync(new ReportRow
        {
            Iri = "https://there.example/reports/1", AuthorIri = "https://there.example/users/bo", AuthorName = "Bo", Title = "Remote questioning study",
            SummaryHtml = "", ContentHtml = "", Language = "en", License = "", Url = "https://there.example/reports/1",
            PublishedAt = DateTimeOffset.UtcNow, ReceivedAt = DateTimeOffset.UtcNow,
        });
        Assert.Equal(0, (await SearchAsync(("q", "remote"))).Total);
        await using (var connection = await _database.OpenAsync())
            await connection.ExecuteAsync("UPDATE remote_actors SET indexable = TRUE WHERE iri = 'https://there.example/users/bo'");
        await _reports.ReindexAuthorAsync("https://there.example/users/bo");
        var found = await SearchAsync(("q", "remote"));
        Assert.Equal(1, found.Total);
        Assert.Equal("there.example", found.Results[0].Node);
    }

    [Theory]
    [InlineData("q", "-only -exclusions", "not only words to leave out")]
    [InlineData("q", "!!! ???", "nothing to search for")]
    [InlineData("country", "Chile", "ISO 3166-1")]
    [InlineData("sort", "random", "relevance or newest")]
    [InlineData("page", "0", "whole number")]
    [InlineData("pageSize", "500", "whole number")]
    [InlineData("page", "1000", "narrow the search")]
    [InlineData("from", "last week", "a year")]
    [InlineData("language", "en_GB!", "BCP 47")]
    public void Bad_parameters_are_refused_with_a_reason(string name, string value, string reason)
    {
        var (request, errors) = SearchQuery.Parse(n => n == name ? value : null);
        Assert.Null(request);
        Assert.Contains(reason, errors[name][0]);
    }
}

/// <summary>The search contract on SQLite (<see cref="SearchIndex"/>: FTS5).</summary>
public sealed class SqliteSearchIndexContract : SearchIndexContract
{
    private ScratchDatabase _scratch = null!;

    protected override async Task<(Database, ISearchIndex)> CreateAsync()
    {
        _scratch = await ScratchDatabase.CreateAsync("search");
        return (_scratch.Database, new SearchIndex(_scratch.Database));
    }

    protected override async Task CleanUpAsync() => await _scratch.DisposeAsync();
}

/// <summary>The search contract on PostgreSQL (<see cref="Camtree.Node.Storage.Postgres.PostgresSearchIndex"/>: tsvector and GIN).</summary>
public sealed class PostgresSearchIndexContract : SearchIndexContract
{
    private Camtree.Node.Storage.Postgres.PostgresDatabase _database = null!;

    protected override async Task<(Database, ISearchIndex)> CreateAsync()
    {
        _database = await PostgresServer.CreateMigratedDatabaseAsync();
        return (_database, new Camtree.Node.Storage.Postgres.PostgresSearchIndex(_database));
    }

    protected override async Task CleanUpAsync() => await _database.DisposeAsync();
}
