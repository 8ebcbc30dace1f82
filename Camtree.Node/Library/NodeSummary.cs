using Camtree.Node.Storage;
using Dapper;

namespace Camtree.Node.Library;

/// <summary>What this node holds, as the directory of the network reads it (NodeInfo's <c>metadata.camtree</c>).</summary>
public sealed record NodeSummary(int LocalReports, int LibraryReports, IReadOnlyDictionary<string, int> Languages,
    IReadOnlyList<(string Theme, int Reports)> Themes, int Subscriptions);

/// <summary>
/// Counts what this node holds for NodeInfo: its own live reports by language, its most used themes, the whole
/// library and its subscriptions. Crawlers ask often and the counts read many rows, so they are kept for ten minutes.
/// </summary>
public sealed class NodeSummaries(Database database, TimeProvider time)
{
    /// <summary>How many themes are listed (the most used first).</summary>
    public const int Themes = 20;
    private static readonly TimeSpan KeptFor = TimeSpan.FromMinutes(10);
    private (NodeSummary Summary, DateTimeOffset At)? _last;

    public async Task<NodeSummary> CurrentAsync()
    {
        if (_last is { } last && time.GetUtcNow() - last.At < KeptFor) return last.Summary;
        await using var connection = await database.OpenAsync();
        var languages = (await connection.QueryAsync<(string Language, int Count)>($"""
            SELECT language, count(*) FROM reports {database.IndexedBy("reports_local_live")}
            WHERE local_slug IS NOT NULL AND deleted_at IS NULL GROUP BY language ORDER BY count(*) DESC, language
            """)).ToDictionary(l => l.Language, l => l.Count);
        var themes = (await connection.QueryAsync<(string Theme, int Count)>("""
            SELECT t.theme, count(*) FROM report_themes t JOIN reports r ON r.id = t.report_id
            WHERE r.local_slug IS NOT NULL AND r.deleted_at IS NULL GROUP BY t.theme ORDER BY count(*) DESC, t.theme LIMIT @Themes
            """, new { Themes })).ToList();
        // The library as search offers it (live, unflagged, consented): the facets table is that set, and narrower to count than reports.
        var library = await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM search_facets");
        var subscriptions = await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM library_subscriptions");
        var summary = new NodeSummary(languages.Values.Sum(), library, languages, themes, subscriptions);
        _last = (summary, time.GetUtcNow());
        return summary;
    }

    /// <summary>The most used themes of the reports held from another node (its origin, scheme://host[:port]), at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<(string Theme, int Reports)>> ThemesFromAsync(string origin, int limit = 5)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<(string Theme, int Count)>("""
            SELECT t.theme, count(*) FROM report_themes t JOIN reports r ON r.id = t.report_id
            WHERE r.local_slug IS NULL AND r.deleted_at IS NULL AND r.iri >= @lower AND r.iri < @upper
            GROUP BY t.theme ORDER BY count(*) DESC, t.theme LIMIT @limit
            """, new { lower = origin + "/", upper = origin + "0", limit })).ToList();
    }
}
