using System.Text.Json;
using Dapper;

namespace Camtree.Node.Storage;

/// <summary>How results are ordered.</summary>
public enum SearchSort { Relevance, Newest }

/// <summary>A search as the index runs it: an FTS5 expression (already built from what a person typed), filters, order, page.</summary>
public sealed record SearchRequest
{
    /// <summary>The FTS5 match expression, or null to browse by filters alone.</summary>
    public string? Match { get; init; }
    public string? Methodology { get; init; }
    public string? EducationalLevel { get; init; }
    public string? SubjectArea { get; init; }
    public string? Country { get; init; }
    public string? Language { get; init; }
    public string? Theme { get; init; }
    /// <summary>host[:port] of the node a report comes from.</summary>
    public string? Node { get; init; }
    public string? ReviewStatus { get; init; }
    /// <summary>Published at or after.</summary>
    public DateTimeOffset? From { get; init; }
    /// <summary>Published before.</summary>
    public DateTimeOffset? Until { get; init; }
    public SearchSort Sort { get; init; } = SearchSort.Relevance;
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = 20;
}

/// <summary>One result: what a list shows of a report.</summary>
public sealed record SearchHit
{
    public long Id { get; init; }
    public string Iri { get; init; } = "";
    public string Url { get; init; } = "";
    public bool IsLocal { get; init; }
    public string Title { get; init; } = "";
    public string SummaryHtml { get; init; } = "";
    /// <summary>Plain text with the matched words between <see cref="SearchIndex.MarkStart"/> and <see cref="SearchIndex.MarkEnd"/>.</summary>
    public string Snippet { get; init; } = "";
    public string AuthorIri { get; init; } = "";
    public string AuthorName { get; init; } = "";
    public string? AuthorUsername { get; init; }
    public string Node { get; init; } = "";
    public string Language { get; init; } = "";
    public DateTimeOffset PublishedAt { get; init; }
    public string? Methodology { get; init; }
    public string? EducationalLevel { get; init; }
    public string? SubjectArea { get; init; }
    public string? Country { get; init; }
    public string? ReviewStatus { get; init; }
    public IReadOnlyList<string> Themes { get; init; } = [];
    public bool Verified { get; init; }
}

/// <summary>How many results have a facet value.</summary>
public sealed record FacetCount(string Value, int Count);

/// <summary>
/// A page of results, the total, and the facet counts. Facets are counted over the newest <see cref="SearchIndex.Window"/>
/// matches: exact when there are no more matches than that (<see cref="FacetsSampled"/> false), else the counts among
/// them. The total is exact when <see cref="TotalIsExact"/>; else it is a lower bound: the window, for a text search, or
/// <see cref="SearchIndex.CountCap"/>, when browsing by filters.
/// </summary>
public sealed record SearchResult(int Total, bool TotalIsExact, int Page, int PageSize, IReadOnlyList<SearchHit> Results,
    IReadOnlyDictionary<string, IReadOnlyList<FacetCount>> Facets, bool FacetsSampled);

/// <summary>Full-text search with facets over the library's searchable reports.</summary>
public interface ISearchIndex
{
    Task<SearchResult> SearchAsync(SearchRequest request, CancellationToken cancellationToken = default);
}

/// <summary>
/// The SQLite search (FTS5 over <c>report_search</c>, facets in <c>search_facets</c>, both kept by triggers). Built so that
/// no query scores or counts every match of a common word: candidates are the newest <see cref="Window"/> matches (read
/// from the FTS index in rowid order, a chunk at a time when filters thin them out, at most <see cref="MaxScanned"/>);
/// relevance (bm25, title and abstract weighted above the body) is computed for those only; facets are counted over them;
/// a text search's total is exact within the window ("more than" it beyond), a browse's is counted up to <see cref="CountCap"/>.
/// For a rare word every match is a candidate and all of it is exact.
/// </summary>
public sealed class SearchIndex(SqliteDatabase database) : ISearchIndex
{
    /// <summary>How many matches are ranked and counted for facets.</summary>
    public const int Window = 1_000;
    /// <summary>How far the total is counted.</summary>
    public const int CountCap = 10_000;
    /// <summary>How many text matches one search looks through when filters thin them out.</summary>
    public const int MaxScanned = 100_000;
    /// <summary>Private-use characters around matched words in snippets (never in report text: HTML-encoded, then replaced by <c>mark</c>).</summary>
    public const char MarkStart = '\uE000', MarkEnd = '\uE001';

    public static readonly string[] FacetNames = ["methodology", "educationalLevel", "subjectArea", "country", "language", "theme", "node", "reviewStatus", "year"];

    public async Task<SearchResult> SearchAsync(SearchRequest request, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenSqliteAsync(cancellationToken);
        var (filterSql, parameters) = SearchResults.Filters(request);
        var (candidates, complete) = request.Match is null
            ? await BrowseCandidatesAsync(connection, filterSql, parameters)
            : await TextCandidatesAsync(connection, request.Match, filterSql, parameters);
        var facets = await FacetsAsync(connection, candidates);

        // Past the window a text search's total is only said to be larger: counting every match of a common word or phrase
        // is what cost (a tenth of a second and more at a million reports, measured), and nobody pages that far. Browsing by
        // filters is counted through the facet indexes, up to the cap.
        int total;
        bool exact;
        if (complete) (total, exact) = (candidates.Count, true);
        else if (request.Match is null)
        {
            var counted = await CountAsync(connection, filterSql, parameters);
            (total, exact) = (Math.Min(counted, CountCap), counted <= CountCap);
        }
        else (total, exact) = (Window, false);

        List<long> ordered;
        if (request.Match is null) ordered = candidates; // read newest first
        else if (request.Sort == SearchSort.Relevance) ordered = await RankAsync(connection, request.Match, candidates, complete);
        else
        {
            // Text matches come in rowid order, which is the order reports arrived, not when they were published.
            var published = facets.PublishedAt;
            ordered = [.. candidates.Where(published.ContainsKey).OrderByDescending(id => published[id], StringComparer.Ordinal).ThenByDescending(id => id)];
        }
        var pageIds = ordered.Skip((request.Page - 1) * request.PageSize).Take(request.PageSize).ToList();
        var hits = await HitsAsync(connection, pageIds, request.Match);
        return new SearchResult(total, exact, request.Page, request.PageSize, hits, facets.Counts, !complete);
    }

    /// <summary>
    /// The facet columns of the candidates, read column by column from the data reader: this runs for up to
    /// <see cref="Window"/> rows on every search, and Dapper's mapping of them took a millisecond more than this (measured at a million reports).
    /// </summary>
    private static async Task<Dictionary<long, SearchResults.FacetRow>> FacetRowsAsync(Microsoft.Data.Sqlite.SqliteConnection connection, List<long> candidates)
    {
        var rows = new Dictionary<long, SearchResults.FacetRow>(candidates.Count);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT f.report_id, f.node, f.language, f.methodology, f.educational_level, f.subject_area, f.country, f.review_status, f.year, f.published_at
            FROM json_each($ids) j CROSS JOIN search_facets f ON f.report_id = j.value
            """;
        command.Parameters.AddWithValue("$ids", Ids(candidates));
        await using var reader = await command.ExecuteReaderAsync();
        string? Text(int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
        while (await reader.ReadAsync())
        {
            var row = new SearchResults.FacetRow
            {
                ReportId = reader.GetInt64(0), Node = reader.GetString(1), Language = reader.GetString(2), Methodology = Text(3),
                EducationalLevel = Text(4), SubjectArea = Text(5), Country = Text(6), ReviewStatus = Text(7), Year = reader.GetString(8),
                PublishedAt = reader.GetString(9),
            };
            rows[row.ReportId] = row;
        }
        return rows;
    }

    /// <summary>Browsing by filters: the newest <see cref="Window"/> reports that pass them (the published-at indexes serve the order).</summary>
    private static async Task<(List<long>, bool Complete)> BrowseCandidatesAsync(System.Data.IDbConnection connection, string filters, DynamicParameters parameters)
    {
        parameters.Add("window", Window);
        var candidates = (await connection.QueryAsync<long>(
            $"SELECT f.report_id FROM search_facets f WHERE {filters} ORDER BY f.published_at DESC, f.report_id DESC LIMIT @window", parameters)).ToList();
        return (candidates, candidates.Count < Window);
    }

    /// <summary>
    /// The newest <see cref="Window"/> text matches that pass the filters: FTS5 reads its matches newest first (rowid
    /// order), each is looked up in the facets table, and reading stops at the window, or after <see cref="MaxScanned"/> matches.
    /// Complete when every match was looked at and fewer than the window passed.
    /// </summary>
    private static async Task<(List<long>, bool Complete)> TextCandidatesAsync(System.Data.IDbConnection connection, string match, string filters, DynamicParameters parameters)
    {
        parameters.Add("match", match);
        parameters.Add("window", Window);
        parameters.Add("scan", MaxScanned);
        if (filters == "1 = 1")
        {
            var all = (await connection.QueryAsync<long>(
                "SELECT rowid FROM report_search WHERE report_search MATCH @match ORDER BY rowid DESC LIMIT @window", parameters)).ToList();
            return (all, all.Count < Window);
        }
        // The subquery streams the matches in rowid order; CROSS JOIN keeps it outermost (a lookup per match).
        var candidates = (await connection.QueryAsync<long>($"""
            SELECT s.rowid FROM (SELECT rowid FROM report_search WHERE report_search MATCH @match ORDER BY rowid DESC LIMIT @scan) s
            CROSS JOIN search_facets f ON f.report_id = s.rowid WHERE {filters} LIMIT @window
            """, parameters)).OrderByDescending(id => id).ToList();
        if (candidates.Count == Window) return (candidates, false);
        var matches = await connection.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM (SELECT 1 FROM report_search WHERE report_search MATCH @match LIMIT @scan)", parameters);
        return (candidates, matches < MaxScanned);
    }

    /// <summary>How many reports pass the filters, counted as far as <see cref="CountCap"/> + 1.</summary>
    private static async Task<int> CountAsync(System.Data.IDbConnection connection, string filters, DynamicParameters parameters)
    {
        parameters.Add("cap", CountCap + 1);
        return await connection.ExecuteScalarAsync<int>($"SELECT count(*) FROM (SELECT 1 FROM search_facets f WHERE {filters} LIMIT @cap)", parameters);
    }

    /// <summary>
    /// Orders the candidates by relevance. When they are every match, by bm25 (title 10, abstract 5, body 1, themes 3).
    /// When they are a window of a larger set, bm25 is not used: FTS5 computes it from the number of reports containing
    /// each term, which it counts by reading the term's whole list (74 ms for a common word at a million reports,
    /// measured). Then reports whose title matches come first, newest first, then the others, newest first.
    /// </summary>
    private static async Task<List<long>> RankAsync(System.Data.IDbConnection connection, string match, List<long> candidates, bool complete)
    {
        if (candidates.Count == 0) return [];
        // The rowid range is a constraint FTS5 itself applies (an IN list is not: it would be tested against every match);
        // matches in the range that filters left out are dropped here.
        var wanted = candidates.ToHashSet();
        var lowest = candidates.Min();
        if (complete)
            return (await connection.QueryAsync<long>("""
                SELECT rowid FROM report_search WHERE report_search MATCH @match AND rowid >= @lowest
                ORDER BY bm25(report_search, 10.0, 5.0, 1.0, 3.0), rowid DESC
                """, new { match, lowest })).Where(wanted.Contains).ToList();
        var inTitle = (await connection.QueryAsync<long>(
            "SELECT rowid FROM report_search WHERE report_search MATCH @match AND rowid >= @lowest ORDER BY rowid DESC",
            new { match = $"title : ({match})", lowest })).Where(wanted.Contains).ToList();
        var titled = inTitle.ToHashSet();
        return [.. inTitle, .. candidates.Where(id => !titled.Contains(id))];
    }

    private static async Task<IReadOnlyList<SearchHit>> HitsAsync(System.Data.IDbConnection connection, List<long> ids, string? match)
    {
        if (ids.Count == 0) return [];
        var rows = (await connection.QueryAsync<SearchResults.HitRow>($"""
            SELECT {SearchResults.HitColumns}
            FROM json_each(@ids) j CROSS JOIN reports r ON r.id = j.value JOIN search_facets f ON f.report_id = r.id
            LEFT JOIN remote_actors a ON a.iri = r.author_iri LEFT JOIN local_actors l ON l.id = r.local_author_id
            """, new { ids = Ids(ids) })).ToDictionary(r => r.Id);
        return SearchResults.Hits(rows, ids, match);
    }

    /// <summary>The facet counts over the candidates.</summary>
    private static async Task<SearchResults.WindowFacets> FacetsAsync(Microsoft.Data.Sqlite.SqliteConnection connection, List<long> candidates)
    {
        var rows = (await FacetRowsAsync(connection, candidates)).Values;
        // CROSS JOIN keeps the id list first: a lookup per id, never a scan of the table probing the list.
        var themes = candidates.Count == 0 ? [] : (await connection.QueryAsync<(string Theme, int Count)>(
            "SELECT t.theme, count(*) FROM json_each(@ids) j CROSS JOIN report_themes t ON t.report_id = j.value GROUP BY t.theme ORDER BY count(*) DESC, t.theme LIMIT 50",
            new { ids = Ids(candidates) })).Select(t => new FacetCount(t.Theme, t.Count)).ToList();
        return SearchResults.Count(rows, themes);
    }

    private static string Ids(IEnumerable<long> ids) => JsonSerializer.Serialize(ids);
}
