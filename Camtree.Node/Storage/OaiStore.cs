using System.Security.Cryptography;
using Camtree.Protocol.Oai;
using Dapper;

namespace Camtree.Node.Storage;

/// <summary>An OAI-PMH item as stored: its place in the change sequence, its datestamp, and the report (null once removed).</summary>
public sealed record OaiItem(long Seq, string Iri, DateTimeOffset Datestamp, ReportRow? Report)
{
    /// <summary>The themes the report is filed under (after merges), as its theme sets are: read with the page.</summary>
    public IReadOnlyList<string> Themes { get; init; } = [];

    public bool Deleted => Report is null || Report.DeletedAt is not null;
}

/// <summary>Which items a list reads: the repository's scope and the harvester's selection (§3.3, §3.4).</summary>
public sealed record OaiSelection(bool IncludeFederated, DateTimeOffset? From = null, DateTimeOffset? Until = null, OaiSetFilter? Set = null);

/// <summary>
/// The repository's records, read from <c>oai_changes</c> (maintained by triggers on <c>reports</c>, migration 16)
/// joined to the reports they stand for. Unverified or flagged copies are not disseminated.
/// </summary>
public sealed class OaiStore(Database database)
{
    private sealed record ChangeRow(long Seq, string ChangeIri, DateTimeOffset Datestamp);

    private const string Select = """
        SELECT c.seq AS Seq, c.iri AS ChangeIri, c.datestamp AS Datestamp, r.*
        FROM oai_changes c LEFT JOIN reports r ON r.iri = c.iri
        """;

    /// <summary>The next items of a list, after <paramref name="after"/> in the change sequence.</summary>
    public async Task<IReadOnlyList<OaiItem>> ListAsync(OaiSelection selection, long after, int limit)
    {
        var (where, parameters) = Where(selection);
        parameters.Add("after", after);
        parameters.Add("limit", limit);
        return await QueryAsync($"{Select} WHERE c.seq > @after AND {where} ORDER BY c.seq LIMIT @limit", parameters);
    }

    /// <summary>How many items the whole list holds (the resumption token's <c>completeListSize</c>).</summary>
    public async Task<int> CountAsync(OaiSelection selection)
    {
        var (where, parameters) = Where(selection);
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<int>($"SELECT count(*) FROM oai_changes c LEFT JOIN reports r ON r.iri = c.iri WHERE {where}", parameters);
    }

    public async Task<OaiItem?> FindAsync(string iri, bool includeFederated)
    {
        var (where, parameters) = Where(new OaiSelection(includeFederated));
        parameters.Add("iri", iri);
        return (await QueryAsync($"{Select} WHERE c.iri = @iri AND {where}", parameters)).SingleOrDefault();
    }

    /// <summary>The oldest datestamp in the repository (Identify's <c>earliestDatestamp</c>); null when it is empty.</summary>
    public async Task<DateTimeOffset?> EarliestAsync(bool includeFederated)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<DateTimeOffset?>(
            "SELECT min(datestamp) FROM oai_changes WHERE local = TRUE OR @includeFederated", new { includeFederated })).SingleOrDefault();
    }

    /// <summary>The values each set kind has among the repository's reports, in order (ListSets).</summary>
    public async Task<IReadOnlyList<(OaiSetKind Kind, string Value)>> SetValuesAsync(bool includeFederated)
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<(string Kind, string Value)>($$"""
            SELECT 'theme', t.theme FROM report_themes t JOIN reports r ON r.id = t.report_id
             WHERE (r.local_slug IS NOT NULL OR @includeFederated) AND {{Disseminated("r")}}
            UNION SELECT 'methodology', r.methodology FROM reports r
             WHERE r.methodology IS NOT NULL AND (r.local_slug IS NOT NULL OR @includeFederated) AND {{Disseminated("r")}}
            UNION SELECT 'country', r.country FROM reports r
             WHERE r.country IS NOT NULL AND (r.local_slug IS NOT NULL OR @includeFederated) AND {{Disseminated("r")}}
            ORDER BY 1, 2
            """, new { includeFederated });
        return rows.Select(r => (r.Kind switch { "theme" => OaiSetKind.Theme, "methodology" => OaiSetKind.Methodology, _ => OaiSetKind.Country }, r.Value)).ToList();
    }

    /// <summary>Whether any report here belongs to a set (a theme, a methodology or a country): else there is no set hierarchy.</summary>
    public async Task<bool> HasSetsAsync(bool includeFederated)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<bool>($"""
            SELECT EXISTS (SELECT 1 FROM reports r
             WHERE (r.local_slug IS NOT NULL OR @includeFederated) AND {Disseminated("r")}
               AND (r.methodology IS NOT NULL OR r.country IS NOT NULL OR EXISTS (SELECT 1 FROM report_themes t WHERE t.report_id = r.id)))
            """, new { includeFederated });
    }

    /// <summary>The key that signs resumption tokens: made once, kept, so tokens outlive a restart.</summary>
    public async Task<byte[]> SecretAsync(string name)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync("INSERT INTO node_secrets (name, value) VALUES (@name, @value) ON CONFLICT (name) DO NOTHING",
            new { name, value = RandomNumberGenerator.GetBytes(32) });
        return await connection.ExecuteScalarAsync<byte[]>("SELECT value FROM node_secrets WHERE name = @name", new { name }) ?? [];
    }

    /// <summary>
    /// Which reports a repository vouches for: its own, and of the federated ones those whose author's key vouched
    /// (not an unverified copy, a flagged one, or the placeholder of a withdrawal never held).
    /// </summary>
    private static string Disseminated(string r) => $"({r}.local_slug IS NOT NULL OR (NOT {r}.flagged AND {r}.verified_key_id IS NOT NULL))";

    private (string Where, DynamicParameters Parameters) Where(OaiSelection selection)
    {
        var parameters = new DynamicParameters();
        parameters.Add("includeFederated", selection.IncludeFederated);
        var where = $"(c.local = TRUE OR @includeFederated) AND (r.id IS NULL OR {Disseminated("r")})";
        if (selection.From is { } from)
        {
            where += " AND c.datestamp >= @from";
            parameters.Add("from", Stamp(from));
        }
        if (selection.Until is { } until)
        {
            where += " AND c.datestamp <= @until";
            parameters.Add("until", Stamp(until));
        }
        if (selection.Set is { } set)
        {
            parameters.Add("setValue", set.Value);
            where += set.Kind switch
            {
                OaiSetKind.Theme => " AND EXISTS (SELECT 1 FROM report_themes t WHERE t.report_id = r.id AND (@setValue IS NULL OR t.theme = @setValue))",
                OaiSetKind.Methodology => " AND r.methodology IS NOT NULL AND (@setValue IS NULL OR r.methodology = @setValue)",
                _ => " AND r.country IS NOT NULL AND (@setValue IS NULL OR r.country = @setValue)",
            };
        }
        return (where, parameters);
    }

    /// <summary>A datestamp bound as the dialect stores it: OAI's own text on SQLite (seconds, UTC), timestamptz on PostgreSQL.</summary>
    private object Stamp(DateTimeOffset time) =>
        database.Dialect == SqlDialect.Sqlite ? OaiDate.Format(time) : time.ToUniversalTime();

    private async Task<IReadOnlyList<OaiItem>> QueryAsync(string sql, DynamicParameters parameters)
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<ChangeRow, ReportRow?, OaiItem>(sql,
            (change, report) => new OaiItem(change.Seq, change.ChangeIri, change.Datestamp,
                report is { Id: > 0 } ? report : null),
            parameters, splitOn: "id");
        var items = rows.ToList();
        var ids = items.Where(i => i.Report is not null).Select(i => i.Report!.Id).ToList();
        if (ids.Count == 0) return items;
        var themes = (await connection.QueryAsync<(long ReportId, string Theme)>(
                $"SELECT report_id, theme FROM report_themes WHERE {database.In("report_id", "@ids")} ORDER BY theme", new { ids = ids.ToArray() }))
            .ToLookup(t => t.ReportId, t => t.Theme);
        return [.. items.Select(i => i.Report is { } r ? i with { Themes = [.. themes[r.Id]] } : i)];
    }
}
