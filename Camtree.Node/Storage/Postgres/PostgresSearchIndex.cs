using Dapper;

namespace Camtree.Node.Storage.Postgres;

/// <summary>
/// The PostgreSQL search: a stored tsvector per searchable report under a GIN index (<c>report_search</c>), the facets in
/// <c>search_facets</c>, both kept by a trigger (migration 0005). Same window, totals, facets and result shape as
/// <see cref="SearchIndex"/> on SQLite: candidates are the newest <see cref="SearchIndex.Window"/> matches that pass the
/// filters; relevance is <c>ts_rank</c> with the fields weighted as SQLite's bm25 weighs them (title 10, abstract 5,
/// themes 3, body 1), over those candidates; facets are counted over them; a text search's total is exact within the
/// window, a browse's is counted up to <see cref="SearchIndex.CountCap"/>.
/// </summary>
public sealed class PostgresSearchIndex(PostgresDatabase database) : ISearchIndex
{
    /// <summary>ts_rank's weights, in its order: D (body), C (themes), B (abstract), A (title).</summary>
    private const string Weights = "'{0.1, 0.3, 0.5, 1.0}'";

    public async Task<SearchResult> SearchAsync(SearchRequest request, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var (filters, parameters) = SearchResults.Filters(request);
        parameters.Add("window", SearchIndex.Window);
        List<long> candidates;
        if (request.Match is null)
            candidates = (await connection.QueryAsync<long>(
                $"SELECT f.report_id FROM search_facets f WHERE {filters} ORDER BY f.published_at DESC, f.report_id DESC LIMIT @window", parameters)).ToList();
        else
        {
            parameters.Add("query", PostgresTextQuery.FromFts(request.Match));
            candidates = (await connection.QueryAsync<long>($"""
                SELECT s.report_id FROM report_search s JOIN search_facets f ON f.report_id = s.report_id
                WHERE s.document @@ to_tsquery('camtree', @query) AND {filters}
                ORDER BY s.report_id DESC LIMIT @window
                """, parameters)).ToList();
        }
        var complete = candidates.Count < SearchIndex.Window;
        var facets = await FacetsAsync(connection, candidates);

        int total;
        bool exact;
        if (complete) (total, exact) = (candidates.Count, true);
        else if (request.Match is null)
        {
            parameters.Add("cap", SearchIndex.CountCap + 1);
            var counted = await connection.ExecuteScalarAsync<int>($"SELECT count(*) FROM (SELECT 1 FROM search_facets f WHERE {filters} LIMIT @cap) c", parameters);
            (total, exact) = (Math.Min(counted, SearchIndex.CountCap), counted <= SearchIndex.CountCap);
        }
        else (total, exact) = (SearchIndex.Window, false);

        List<long> ordered;
        if (request.Match is null) ordered = candidates; // read newest first
        else if (request.Sort == SearchSort.Relevance)
            ordered = candidates.Count == 0 ? [] : (await connection.QueryAsync<long>($"""
                SELECT report_id FROM report_search WHERE report_id = ANY(@ids)
                ORDER BY ts_rank({Weights}, document, to_tsquery('camtree', @query)) DESC, report_id DESC
                """, new { ids = candidates.ToArray(), query = PostgresTextQuery.FromFts(request.Match) })).ToList();
        else
        {
            // Text matches come in the order reports arrived, not when they were published.
            var published = facets.PublishedAt;
            ordered = [.. candidates.Where(published.ContainsKey).OrderByDescending(id => published[id], StringComparer.Ordinal).ThenByDescending(id => id)];
        }
        var pageIds = ordered.Skip((request.Page - 1) * request.PageSize).Take(request.PageSize).ToList();
        var hits = pageIds.Count == 0 ? [] : SearchResults.Hits((await connection.QueryAsync<SearchResults.HitRow>($"""
            SELECT {SearchResults.HitColumns}
            FROM reports r JOIN search_facets f ON f.report_id = r.id
            LEFT JOIN remote_actors a ON a.iri = r.author_iri LEFT JOIN local_actors l ON l.id = r.local_author_id
            WHERE r.id = ANY(@ids)
            """, new { ids = pageIds.ToArray() })).ToDictionary(r => r.Id), pageIds, request.Match);
        return new SearchResult(total, exact, request.Page, request.PageSize, hits, facets.Counts, !complete);
    }

    private static async Task<SearchResults.WindowFacets> FacetsAsync(System.Data.Common.DbConnection connection, List<long> candidates)
    {
        if (candidates.Count == 0) return SearchResults.Count([], []);
        var ids = candidates.ToArray();
        var rows = (await connection.QueryAsync<SearchResults.FacetRow>("""
            SELECT report_id, node, language, methodology, educational_level, subject_area, country, review_status, year,
                   to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS published_at
            FROM search_facets WHERE report_id = ANY(@ids)
            """, new { ids })).ToList();
        var themes = (await connection.QueryAsync<(string Theme, long Count)>(
            "SELECT theme, count(*) FROM report_themes WHERE report_id = ANY(@ids) GROUP BY theme ORDER BY count(*) DESC, theme COLLATE \"C\" LIMIT 50",
            new { ids })).Select(t => new FacetCount(t.Theme, (int)t.Count)).ToList();
        return SearchResults.Count(rows, themes);
    }
}
