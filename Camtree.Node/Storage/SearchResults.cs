using Dapper;

namespace Camtree.Node.Storage;

/// <summary>
/// What the two search indexes (<see cref="SearchIndex"/> on SQLite, <see cref="Postgres.PostgresSearchIndex"/>) share
/// once each has found its candidates: the filters, the facet counts over the window, and the hits as a list shows them.
/// </summary>
internal static class SearchResults
{
    /// <summary>The facet columns of one candidate, as both databases read them (the time as stored on SQLite).</summary>
    internal sealed record FacetRow
    {
        public long ReportId { get; init; }
        public string Node { get; init; } = "";
        public string Language { get; init; } = "";
        public string? Methodology { get; init; }
        public string? EducationalLevel { get; init; }
        public string? SubjectArea { get; init; }
        public string? Country { get; init; }
        public string? ReviewStatus { get; init; }
        public string Year { get; init; } = "";
        /// <summary>ISO-8601 UTC text (<see cref="Database.FormatTime"/>): sorts as the time does.</summary>
        public string PublishedAt { get; init; } = "";
    }

    /// <summary>What is counted of the window: each facet's values, and each candidate's publication time (to order text matches by it).</summary>
    internal sealed record WindowFacets(IReadOnlyDictionary<string, IReadOnlyList<FacetCount>> Counts, IReadOnlyDictionary<long, string> PublishedAt);

    /// <summary>
    /// The filters of a search as SQL over <c>search_facets f</c>, and their parameters (times bound as each database stores
    /// them, by <see cref="Database"/>'s time handler); with no filter the condition is true.
    /// </summary>
    internal static (string Sql, DynamicParameters Parameters) Filters(SearchRequest request)
    {
        var clauses = new List<string>();
        var parameters = new DynamicParameters();
        void Equal(string column, string name, string? value)
        {
            if (value is null) return;
            clauses.Add($"f.{column} = @{name}");
            parameters.Add(name, value);
        }
        Equal("methodology", "methodology", request.Methodology);
        Equal("educational_level", "level", request.EducationalLevel);
        Equal("subject_area", "subject", request.SubjectArea);
        Equal("country", "country", request.Country);
        Equal("language", "language", request.Language);
        Equal("node", "node", request.Node);
        Equal("review_status", "review", request.ReviewStatus);
        if (request.Theme is not null)
        {
            clauses.Add("f.report_id IN (SELECT report_id FROM report_themes WHERE theme = @theme)");
            parameters.Add("theme", request.Theme);
        }
        if (request.From is { } from) { clauses.Add("f.published_at >= @from"); parameters.Add("from", from); }
        if (request.Until is { } until) { clauses.Add("f.published_at < @until"); parameters.Add("until", until); }
        return (clauses.Count == 0 ? "1 = 1" : string.Join(" AND ", clauses), parameters);
    }

    /// <summary>The facet counts over the candidates' rows, with the theme counts read apart (themes are a table of their own).</summary>
    internal static WindowFacets Count(IReadOnlyCollection<FacetRow> rows, IReadOnlyList<FacetCount> themes)
    {
        static IReadOnlyList<FacetCount> Of(IEnumerable<string?> values) => values.Where(v => !string.IsNullOrEmpty(v))
            .GroupBy(v => v!).Select(g => new FacetCount(g.Key, g.Count())).OrderByDescending(c => c.Count).ThenBy(c => c.Value, StringComparer.Ordinal).ToList();
        var counts = new Dictionary<string, IReadOnlyList<FacetCount>>
        {
            ["methodology"] = Of(rows.Select(r => r.Methodology)),
            ["educationalLevel"] = Of(rows.Select(r => r.EducationalLevel)),
            ["subjectArea"] = Of(rows.Select(r => r.SubjectArea)),
            ["country"] = Of(rows.Select(r => r.Country)),
            ["language"] = Of(rows.Select(r => r.Language)),
            ["theme"] = themes,
            ["node"] = Of(rows.Select(r => r.Node)),
            ["reviewStatus"] = Of(rows.Select(r => r.ReviewStatus)),
            ["year"] = Of(rows.Select(r => r.Year)).OrderByDescending(c => c.Value, StringComparer.Ordinal).ToList(),
        };
        return new WindowFacets(counts, rows.ToDictionary(r => r.ReportId, r => r.PublishedAt));
    }

    /// <summary>The columns a hit is made from, for a query over <c>reports r</c>, <c>search_facets f</c> and the author tables.</summary>
    internal const string HitColumns = """
        r.id, r.iri, r.url, r.local_slug, r.title, r.summary_html, r.findings, r.research_context, r.aims, r.methods, r.content_text,
        r.author_iri, r.author_name, r.language, r.published_at,
        r.methodology, r.educational_level, r.subject_area, r.country, r.review_status, r.themes, r.proof_verified, r.verified_key_id,
        COALESCE(a.username, l.username) AS author_username, f.node
        """;

    /// <summary>The hits in the order of <paramref name="ids"/>, each with a snippet around the words of <paramref name="match"/>.</summary>
    internal static IReadOnlyList<SearchHit> Hits(IReadOnlyDictionary<long, HitRow> rows, IEnumerable<long> ids, string? match)
    {
        var terms = match is null ? null : Snippets.Terms(match);
        string SnippetOf(HitRow r)
        {
            if (terms is null) return Library.ReportRendering.Excerpt(r.Findings, 280);
            // The abstract first (it says what the report found), else the body.
            var abstractText = string.Join(' ', new[] { r.Findings, r.ResearchContext, r.Aims, r.Methods }.Where(t => !string.IsNullOrWhiteSpace(t)));
            var fromAbstract = Snippets.Make(abstractText, terms);
            return fromAbstract.Contains(SearchIndex.MarkStart) || string.IsNullOrWhiteSpace(r.ContentText) ? fromAbstract : Snippets.Make(r.ContentText, terms);
        }
        return ids.Where(rows.ContainsKey).Select(id =>
        {
            var r = rows[id];
            return new SearchHit
            {
                Id = r.Id, Iri = r.Iri, Url = r.Url, IsLocal = r.LocalSlug is not null, Title = r.Title, SummaryHtml = r.SummaryHtml,
                Snippet = SnippetOf(r),
                AuthorIri = r.AuthorIri, AuthorName = r.AuthorName, AuthorUsername = r.AuthorUsername, Node = r.Node, Language = r.Language,
                PublishedAt = r.PublishedAt, Methodology = r.Methodology, EducationalLevel = r.EducationalLevel, SubjectArea = r.SubjectArea,
                Country = r.Country, ReviewStatus = r.ReviewStatus, Themes = r.Themes.Split(' ', StringSplitOptions.RemoveEmptyEntries),
                Verified = r.LocalSlug is not null || (r.ProofVerified && r.VerifiedKeyId is not null),
            };
        }).ToList();
    }

    internal sealed record HitRow
    {
        public long Id { get; init; }
        public string Iri { get; init; } = "";
        public string Url { get; init; } = "";
        public string? LocalSlug { get; init; }
        public string Title { get; init; } = "";
        public string SummaryHtml { get; init; } = "";
        public string? Findings { get; init; }
        public string? ResearchContext { get; init; }
        public string? Aims { get; init; }
        public string? Methods { get; init; }
        public string ContentText { get; init; } = "";
        public string AuthorIri { get; init; } = "";
        public string AuthorName { get; init; } = "";
        public string Language { get; init; } = "";
        public DateTimeOffset PublishedAt { get; init; }
        public string? Methodology { get; init; }
        public string? EducationalLevel { get; init; }
        public string? SubjectArea { get; init; }
        public string? Country { get; init; }
        public string? ReviewStatus { get; init; }
        public string Themes { get; init; } = "";
        public bool ProofVerified { get; init; }
        public string? VerifiedKeyId { get; init; }
        public string? AuthorUsername { get; init; }
        public string Node { get; init; } = "";
    }
}
