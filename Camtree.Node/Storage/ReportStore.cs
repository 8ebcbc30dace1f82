using System.Data;
using Dapper;

namespace Camtree.Node.Storage;

/// <summary>A research report as the node stores it: written here, or received from another node.</summary>
public sealed record ReportRow
{
    public long Id { get; init; }
    public string Iri { get; init; } = "";
    /// <summary>Set for reports written on this node: the last segment of their IRI.</summary>
    public string? LocalSlug { get; init; }
    public long? LocalAuthorId { get; init; }
    public string AuthorIri { get; init; } = "";
    public string AuthorName { get; init; } = "";
    public string Title { get; init; } = "";
    public string SummaryHtml { get; init; } = "";
    public string ContentHtml { get; init; } = "";
    public string? ContentMarkdown { get; init; }
    public string Language { get; init; } = "";
    public string? Methodology { get; init; }
    public string? EducationalLevel { get; init; }
    public string? SubjectArea { get; init; }
    public string? Country { get; init; }
    public string? Setting { get; init; }
    public string? ResearchContext { get; init; }
    public string? Aims { get; init; }
    public string? Methods { get; init; }
    public string? Findings { get; init; }
    public string License { get; init; } = "";
    /// <summary>Theme names, space-separated.</summary>
    public string Themes { get; init; } = "";
    public string Url { get; init; } = "";
    public DateTimeOffset PublishedAt { get; init; }
    public DateTimeOffset ReceivedAt { get; init; }
    /// <summary>
    /// For received reports: the key that vouches for it — the author's Ed25519 key when its object proof
    /// verified, else the key whose HTTP signature delivered it from the author's own server. Null for an
    /// unverified copy (see <see cref="CopiedFrom"/>).
    /// </summary>
    public string? VerifiedKeyId { get; init; }
    /// <summary>Where a copy was taken from when that was not the report's own origin (a mirror, an index).</summary>
    public string? CopiedFrom { get; init; }
    /// <summary>True when <see cref="VerifiedKeyId"/> vouched through the report's object proof.</summary>
    public bool ProofVerified { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }
    /// <summary>Set once the report was deleted: it answers 410 with a Tombstone and leaves the library.</summary>
    public DateTimeOffset? DeletedAt { get; init; }
    /// <summary>Local reports: the signed Article as its IRI serves it (null until first needed, for reports older than the column).</summary>
    public string? SignedJson { get; init; }
    /// <summary>Received reports: the Article's <c>updated</c> as its origin sent it.</summary>
    public DateTimeOffset? OriginUpdated { get; init; }
    /// <summary>Read from a library collection with a proof that failed: kept out of search, listed for the operator.</summary>
    public bool Flagged { get; init; }
    /// <summary>Received reports: when their proof was checked (verified, or found to fail).</summary>
    public DateTimeOffset? ProofCheckedAt { get; init; }
    /// <summary>Received reports whose proof failed: why (what the operator reads in the flagged list).</summary>
    public string? ProofFailure { get; init; }
    /// <summary>
    /// Not a column: the text for search, made off the writer's path (a backfill makes it while verifying, in parallel).
    /// Set it only on a row whose HTML will not change before it is written.
    /// </summary>
    public string? PreparedContentText { get; init; }
    /// <summary>The report's review status (Camtree's <c>reviewStatus</c>), when known.</summary>
    public string? ReviewStatus { get; init; }

    /// <summary>Versions in other languages, as JSON (see <see cref="ReportTranslation"/>); null when there are none.</summary>
    public string? Translations { get; init; }

    /// <summary>The files its Article carries (AS2 <c>attachment</c> Documents), as JSON; null when it has none.</summary>
    public string? Attachments { get; init; }

    public bool IsLocal => LocalSlug is not null;
    public IReadOnlyList<Protocol.Vocabulary.AttachmentDocument> AttachmentList => AttachmentColumn.FromColumn(Attachments);
    public IReadOnlyList<ReportTranslation> TranslationList => ReportTranslation.FromColumn(Translations);
    public IReadOnlyList<string> ThemeList => Themes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>Reports, local and federated: one table, one library.</summary>
public sealed class ReportStore(Database database)
{
    /// <summary>The parameters of a write: the row, with the text search reads.</summary>
    private static DynamicParameters Parameters(ReportRow report)
    {
        var parameters = new DynamicParameters(report);
        parameters.Add("ContentText", ContentText(report));
        return parameters;
    }

    /// <summary>The report's text without markup, as full-text search reads it (made beforehand, when it was).</summary>
    internal static string ContentText(ReportRow report) =>
        report.PreparedContentText ?? string.Join(' ', [SearchText.Plain(report.SummaryHtml), SearchText.Plain(report.ContentHtml),
            // A version in another language is found by its own words too.
            .. report.TranslationList.SelectMany(t => new[] { t.Title, SearchText.Plain(t.SummaryHtml), SearchText.Plain(t.ContentHtml) })]);

    internal const string InsertSql = """
        INSERT INTO reports (iri, local_slug, local_author_id, author_iri, author_name, title, summary_html, content_html, content_markdown,
            language, methodology, educational_level, subject_area, country, setting, research_context, aims, methods, findings,
            license, themes, url, published_at, received_at, verified_key_id, signed_json, content_text, review_status, translations, attachments)
        VALUES (@Iri, @LocalSlug, @LocalAuthorId, @AuthorIri, @AuthorName, @Title, @SummaryHtml, @ContentHtml, @ContentMarkdown,
            @Language, @Methodology, @EducationalLevel, @SubjectArea, @Country, @Setting, @ResearchContext, @Aims, @Methods, @Findings,
            @License, @Themes, @Url, @PublishedAt, @ReceivedAt, @VerifiedKeyId, @SignedJson, @ContentText, @ReviewStatus, @Translations, @Attachments)
        """;

    /// <summary>
    /// Stores a received report, or refreshes the copy held: same IRI, same author (another actor, even on the same
    /// server, cannot overwrite it), never a local or withdrawn one.
    /// </summary>
    internal const string UpsertRemoteSql = """
        INSERT INTO reports (iri, author_iri, author_name, title, summary_html, content_html, language, methodology, educational_level,
            subject_area, country, setting, research_context, aims, methods, findings, license, themes, url, published_at, received_at, verified_key_id, copied_from, proof_verified,
            origin_updated, flagged, content_text, review_status, proof_checked_at, proof_failure, translations, attachments)
        VALUES (@Iri, @AuthorIri, @AuthorName, @Title, @SummaryHtml, @ContentHtml, @Language, @Methodology, @EducationalLevel,
            @SubjectArea, @Country, @Setting, @ResearchContext, @Aims, @Methods, @Findings, @License, @Themes, @Url, @PublishedAt, @ReceivedAt, @VerifiedKeyId, @CopiedFrom, @ProofVerified,
            @OriginUpdated, @Flagged, @ContentText, @ReviewStatus, @ProofCheckedAt, @ProofFailure, @Translations, @Attachments)
        ON CONFLICT (iri) DO UPDATE SET author_name = excluded.author_name, title = excluded.title, summary_html = excluded.summary_html,
            content_html = excluded.content_html, language = excluded.language, methodology = excluded.methodology,
            educational_level = excluded.educational_level, subject_area = excluded.subject_area, country = excluded.country,
            setting = excluded.setting, research_context = excluded.research_context, aims = excluded.aims, methods = excluded.methods,
            findings = excluded.findings, license = excluded.license, themes = excluded.themes, url = excluded.url,
            received_at = excluded.received_at, verified_key_id = excluded.verified_key_id, updated_at = excluded.received_at,
            published_at = excluded.published_at,
            copied_from = excluded.copied_from, proof_verified = excluded.proof_verified,
            origin_updated = excluded.origin_updated, flagged = excluded.flagged, content_text = excluded.content_text,
            review_status = excluded.review_status, proof_checked_at = excluded.proof_checked_at, proof_failure = excluded.proof_failure,
            translations = excluded.translations, attachments = excluded.attachments
        WHERE reports.local_slug IS NULL AND reports.author_iri = excluded.author_iri AND reports.deleted_at IS NULL
        """;

    /// <summary>
    /// Withdraws a received report, or keeps a withdrawn placeholder when none is held (so that both sides' partition
    /// digests agree). Local reports are never touched.
    /// </summary>
    internal const string WithdrawRemoteSql = """
        INSERT INTO reports (iri, author_iri, author_name, title, summary_html, content_html, language, license, url, published_at, received_at, deleted_at)
        VALUES (@iri, '', '', '', '', '', 'und', '', @iri, @published, @at, @at)
        ON CONFLICT (iri) DO UPDATE SET deleted_at = COALESCE(reports.deleted_at, excluded.deleted_at) WHERE reports.local_slug IS NULL
        """;

    public async Task<long> InsertAsync(UnitOfWork work, ReportRow report)
    {
        var id = await work.ExecuteScalarAsync<long>(InsertSql + " RETURNING id", Parameters(report));
        await SetThemesAsync(work, id, report.ThemeList);
        return id;
    }

    /// <summary>Replaces a report's rows in <c>report_themes</c>.</summary>
    private static async Task SetThemesAsync(UnitOfWork work, long id, IReadOnlyList<string> themes)
    {
        await work.ExecuteAsync("DELETE FROM report_themes WHERE report_id = @id", new { id });
        foreach (var theme in themes.Distinct())
            await work.ExecuteAsync($"INSERT INTO report_themes (theme, report_id) VALUES ({ThemeGroupStore.FiledUnderSql}, @id) ON CONFLICT DO NOTHING", new { theme, id });
    }

    private static async Task SetThemesAsync(UnitOfWork work, string iri, IReadOnlyList<string> themes)
    {
        if (await work.ExecuteScalarAsync<long?>("SELECT id FROM reports WHERE iri = @iri", new { iri }) is { } id)
            await SetThemesAsync(work, id, themes);
    }

    /// <summary>
    /// Stores a report received from another node, or refreshes the copy already held (same IRI, same author:
    /// another actor, even on the same server, cannot overwrite it). Returns whether anything was stored.
    /// </summary>
    public async Task<bool> UpsertRemoteAsync(ReportRow report)
    {
        return await database.InTransactionAsync(work => UpsertRemoteAsync(work, report));
    }

    /// <summary>
    /// Applies a page of a library in one transaction: the reports upserted (as <see cref="UpsertRemoteAsync(ReportRow)"/>),
    /// the withdrawn ones withdrawn (as <see cref="WithdrawRemoteAsync"/>). Returns how many more live reports the library
    /// holds after it than before (negative when more were withdrawn), so that a subscription keeps its count without
    /// counting every report of its origin after each page (which made a long backfill quadratic).
    /// </summary>
    public async Task<int> ApplyRemoteAsync(IEnumerable<ReportRow> reports, IEnumerable<(string Iri, DateTimeOffset Published)> withdrawn, DateTimeOffset at)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        using var writer = new ReportBatchWriter(connection, transaction, database.Dialect);
        foreach (var report in reports) writer.UpsertRemote(report);
        foreach (var (iri, published) in withdrawn) writer.WithdrawRemote(iri, published, at);
        await transaction.CommitAsync();
        return writer.LiveAdded;
    }

    /// <summary>Inserts many local reports in one transaction (imports, benchmarks), each as <see cref="InsertAsync"/> does.</summary>
    public async Task InsertManyAsync(IEnumerable<ReportRow> reports)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        using (var writer = new ReportBatchWriter(connection, transaction, database.Dialect))
            foreach (var report in reports) writer.Insert(report);
        await transaction.CommitAsync();
    }

    private static async Task<bool> UpsertRemoteAsync(UnitOfWork work, ReportRow report)
    {
        var stored = await work.ExecuteAsync(UpsertRemoteSql, Parameters(report)) > 0;
        if (stored) await SetThemesAsync(work, report.Iri, report.ThemeList);
        return stored;
    }

    /// <summary>
    /// Stores a copy from a mirror whose proof did not verify, flagged, only when the library has no copy of that
    /// report yet: an unverified copy never replaces anything.
    /// </summary>
    public async Task<bool> InsertFlaggedCopyAsync(ReportRow report)
    {
        return await database.InTransactionAsync(async work =>
        {
            var stored = await work.ExecuteAsync("""
                INSERT INTO reports (iri, author_iri, author_name, title, summary_html, content_html, language, methodology, educational_level,
                    subject_area, country, setting, research_context, aims, methods, findings, license, themes, url, published_at, received_at, copied_from, content_text, translations, attachments)
                VALUES (@Iri, @AuthorIri, @AuthorName, @Title, @SummaryHtml, @ContentHtml, @Language, @Methodology, @EducationalLevel,
                    @SubjectArea, @Country, @Setting, @ResearchContext, @Aims, @Methods, @Findings, @License, @Themes, @Url, @PublishedAt, @ReceivedAt, @CopiedFrom, @ContentText, @Translations, @Attachments)
                ON CONFLICT (iri) DO NOTHING
                """, Parameters(report)) > 0;
            if (stored) await SetThemesAsync(work, report.Iri, report.ThemeList);
            return stored;
        });
    }

    public async Task<ReportRow?> FindAsync(long id)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<ReportRow>("SELECT * FROM reports WHERE id = @id", new { id });
    }

    public async Task<ReportRow?> FindBySlugAsync(string slug)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<ReportRow>("SELECT * FROM reports WHERE local_slug = @slug", new { slug });
    }

    public async Task<ReportRow?> FindByIriAsync(string iri)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<ReportRow>("SELECT * FROM reports WHERE iri = @iri", new { iri });
    }

    /// <summary>
    /// One page of the library, newest first: all reports, or only local or only federated ones, of one local author or
    /// with one theme when given, older than <paramref name="before"/> when given.
    /// </summary>
    public async Task<IReadOnlyList<ReportRow>> ListAsync(ReportOrigin origin = ReportOrigin.All, long? localAuthorId = null, int limit = 50,
        LibraryCursor? before = null, string? theme = null)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<ReportRow>("""
            SELECT * FROM reports
            WHERE deleted_at IS NULL
              AND (@origin = 0 OR (@origin = 1 AND local_slug IS NOT NULL) OR (@origin = 2 AND local_slug IS NULL))
              AND (@localAuthorId IS NULL OR local_author_id = @localAuthorId)
              AND (@theme IS NULL OR id IN (SELECT report_id FROM report_themes WHERE theme = @theme))
              AND (@beforePublished IS NULL OR published_at < @beforePublished OR (published_at = @beforePublished AND id < @beforeId))
            ORDER BY published_at DESC, id DESC LIMIT @limit
            """, new
            {
                origin = (int)origin, localAuthorId, limit,
                theme = theme?.ToLowerInvariant(),
                beforePublished = before?.PublishedAt, beforeId = before?.Id,
            })).ToList();
    }

    /// <summary>
    /// A practitioner's home feed, newest first: reports by the actors they follow (accepted follows), and, for a
    /// followed library actor, the reports of that library's node. Their own reports are not in it.
    /// </summary>
    public async Task<IReadOnlyList<ReportRow>> FeedAsync(long localActorId, int limit, LibraryCursor? before = null)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<ReportRow>("""
            WITH followed AS (SELECT target_iri FROM following WHERE local_actor_id = @localActorId AND state = 'accepted'),
                 libraries AS (SELECT substr(f.target_iri, 1, length(f.target_iri) - length('/users/library')) AS origin FROM followed f
                               WHERE f.target_iri LIKE '%/users/library')
            SELECT * FROM reports r
            WHERE r.deleted_at IS NULL AND (r.local_author_id IS NULL OR r.local_author_id <> @localActorId)
              AND (r.author_iri IN (SELECT target_iri FROM followed)
                   OR EXISTS (SELECT 1 FROM libraries l WHERE r.iri >= l.origin || '/' AND r.iri < l.origin || '0'))
              AND (@beforePublished IS NULL OR r.published_at < @beforePublished OR (r.published_at = @beforePublished AND r.id < @beforeId))
            ORDER BY r.published_at DESC, r.id DESC LIMIT @limit
            """, new { localActorId, limit, beforePublished = before?.PublishedAt, beforeId = before?.Id })).ToList();
    }

    /// <summary>The reports tagged with a theme, newest first.</summary>
    public Task<IReadOnlyList<ReportRow>> ListByThemeAsync(string theme, int limit = 100, LibraryCursor? before = null) =>
        ListAsync(ReportOrigin.All, null, limit, before, theme);

    /// <summary>
    /// Local reports in the order they were published here (the library collection's order), withdrawn ones included,
    /// after a position; within one publication-time range when given.
    /// </summary>
    public async Task<IReadOnlyList<ReportRow>> LocalInOrderAsync(long after, int limit, DateTimeOffset? publishedFrom = null, DateTimeOffset? publishedUntil = null)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<ReportRow>("""
            SELECT * FROM reports WHERE local_slug IS NOT NULL AND id > @after
              AND (@publishedFrom IS NULL OR (published_at >= @publishedFrom AND published_at < @publishedUntil))
            ORDER BY id LIMIT @limit
            """, new { after, limit, publishedFrom, publishedUntil })).ToList();
    }

    /// <summary>Every local report, withdrawn ones included (the library collection's size).</summary>
    public async Task<int> CountLocalIncludingWithdrawnAsync()
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM reports WHERE local_slug IS NOT NULL");
    }

    /// <summary>The state of every report of a kind: local ones (null origin), or those received from one origin.</summary>
    public async Task<IReadOnlyList<Protocol.Indexing.LibraryItemState>> StatesAsync(string? origin)
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<(string Iri, DateTimeOffset PublishedAt, DateTimeOffset? Updated, DateTimeOffset? DeletedAt)>(origin is null
            ? "SELECT iri, published_at, updated_at, deleted_at FROM reports WHERE local_slug IS NOT NULL"
            : "SELECT iri, published_at, origin_updated, deleted_at FROM reports WHERE local_slug IS NULL AND iri >= @from AND iri < @to",
            new { from = origin + "/", to = origin + "0" });
        return rows.Select(r => new Protocol.Indexing.LibraryItemState(r.Iri, r.PublishedAt, r.Updated, r.DeletedAt is not null)).ToList();
    }

    /// <summary>
    /// Records that a report of another node was withdrawn there: marks the copy held withdrawn, or keeps a withdrawn
    /// placeholder when none is held (so that both sides' partition digests agree). Local reports are never touched.
    /// </summary>
    public async Task WithdrawRemoteAsync(string iri, DateTimeOffset published, DateTimeOffset at)
    {
        await database.InTransactionAsync(work => WithdrawRemoteAsync(work, iri, published, at));
    }

    private static Task WithdrawRemoteAsync(UnitOfWork work, string iri, DateTimeOffset published, DateTimeOffset at) =>
        work.ExecuteAsync(WithdrawRemoteSql, new { iri, published, at });

    /// <summary>Reports of another origin published within a time range (a partition), withdrawn ones included: their IRIs.</summary>
    public async Task<IReadOnlyList<string>> RemoteIrisPublishedAsync(string origin, DateTimeOffset from, DateTimeOffset until)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<string>("""
            SELECT iri FROM reports WHERE local_slug IS NULL AND iri >= @lower AND iri < @upper AND published_at >= @from AND published_at < @until
            """, new { lower = origin + "/", upper = origin + "0", from, until })).ToList();
    }

    /// <summary>How many live reports of another origin the library holds.</summary>
    public async Task<int> CountFromOriginAsync(string origin)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM reports WHERE local_slug IS NULL AND deleted_at IS NULL AND iri >= @lower AND iri < @upper",
            new { lower = origin + "/", upper = origin + "0" });
    }

    /// <summary>How many live flagged reports (a proof that failed) the library holds, per origin (scheme://host[:port]).</summary>
    public async Task<IReadOnlyDictionary<string, int>> FlaggedCountsAsync()
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<(string Origin, int Count)>($"""
            SELECT {database.OriginOf("iri")} AS origin, count(*)
            FROM reports WHERE flagged AND deleted_at IS NULL GROUP BY origin
            """)).ToDictionary(r => r.Origin, r => r.Count, StringComparer.Ordinal);
    }

    /// <summary>The newest live flagged reports, of one origin when given: what the operator reviews.</summary>
    public async Task<IReadOnlyList<ReportRow>> FlaggedAsync(string? origin, int limit)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<ReportRow>("""
            SELECT * FROM reports WHERE flagged AND deleted_at IS NULL AND (@origin IS NULL OR (iri >= @lower AND iri < @upper))
            ORDER BY id DESC LIMIT @limit
            """, new { origin, lower = origin + "/", upper = origin + "0", limit })).ToList();
    }

    /// <summary>
    /// Removes what a library subscription brought, when it ends: the reports of that origin, except those whose author
    /// a practitioner here still follows.
    /// </summary>
    public async Task<int> RemoveFromOriginAsync(string origin, long libraryActorId)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteAsync("""
            DELETE FROM reports WHERE local_slug IS NULL AND iri >= @lower AND iri < @upper
              AND author_iri NOT IN (SELECT target_iri FROM following WHERE state = 'accepted' AND local_actor_id <> @libraryActorId)
            """, new { lower = origin + "/", upper = origin + "0", libraryActorId });
    }

    /// <summary>
    /// Indexes an author's reports again for search, after their consent may have changed: the search triggers take each
    /// touched report in or out by the author's current <c>indexable</c>.
    /// </summary>
    public async Task ReindexAuthorAsync(string authorIri)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync("UPDATE reports SET title = title WHERE author_iri = @authorIri", new { authorIri });
    }

    /// <summary>Keeps a local report's signed Article.</summary>
    public async Task SetSignedJsonAsync(long id, string json)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync("UPDATE reports SET signed_json = @json WHERE id = @id AND local_slug IS NOT NULL", new { id, json });
    }

    public async Task<int> CountLocalAsync()
    {
        await using var connection = await database.OpenAsync();
        // The partial index of live local reports (migration 0015): the planner would otherwise visit every local row.
        return await connection.ExecuteScalarAsync<int>(
            $"SELECT count(*) FROM reports {database.IndexedBy("reports_local_live")} WHERE local_slug IS NOT NULL AND deleted_at IS NULL");
    }

    /// <summary>Replaces what its author wrote in a local report (metadata, abstract, body).</summary>
    public async Task UpdateLocalAsync(UnitOfWork work, ReportRow report)
    {
        await work.ExecuteAsync("""
            UPDATE reports SET title = @Title, summary_html = @SummaryHtml, content_html = @ContentHtml, content_markdown = @ContentMarkdown,
                language = @Language, methodology = @Methodology, educational_level = @EducationalLevel, subject_area = @SubjectArea,
                country = @Country, setting = @Setting, research_context = @ResearchContext, aims = @Aims, methods = @Methods,
                findings = @Findings, license = @License, themes = @Themes, updated_at = @UpdatedAt, signed_json = @SignedJson,
                content_text = @ContentText, translations = @Translations, attachments = @Attachments
            WHERE id = @Id AND local_slug IS NOT NULL AND deleted_at IS NULL
            """, Parameters(report));
        await SetThemesAsync(work, report.Id, report.ThemeList);
    }

    /// <summary>Marks a report deleted, if it is by that author; returns whether it was.</summary>
    public async Task<bool> MarkDeletedAsync(string iri, string authorIri, DateTimeOffset at, UnitOfWork? work = null)
    {
        const string sql = "UPDATE reports SET deleted_at = @at WHERE iri = @iri AND author_iri = @authorIri AND deleted_at IS NULL";
        if (work is not null) return await work.ExecuteAsync(sql, new { iri, authorIri, at }) > 0;
        await using var own = await database.OpenAsync();
        return await own.ExecuteAsync(sql, new { iri, authorIri, at }) > 0;
    }

    /// <summary>Marks every report of an author deleted (the author's account is gone).</summary>
    public async Task<int> MarkAllDeletedAsync(string authorIri, DateTimeOffset at)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteAsync(
            "UPDATE reports SET deleted_at = @at WHERE author_iri = @authorIri AND local_slug IS NULL AND deleted_at IS NULL", new { authorIri, at });
    }
}

/// <summary>
/// Where a page of the library ends: the publication time and id of its last report. Written into links as
/// <c>{unix milliseconds}.{id}</c>; it stays valid while reports are added.
/// </summary>
public sealed record LibraryCursor(DateTimeOffset PublishedAt, long Id)
{
    public static LibraryCursor After(ReportRow last) => new(last.PublishedAt, last.Id);

    public override string ToString() => $"{PublishedAt.ToUnixTimeMilliseconds()}.{Id}";

    /// <summary>Reads a cursor; false for anything that is not one.</summary>
    public static bool TryParse(string? text, out LibraryCursor? cursor)
    {
        cursor = null;
        var parts = text?.Split('.') ?? [];
        if (parts.Length != 2 || !long.TryParse(parts[0], System.Globalization.NumberStyles.None, null, out var ms)
            || !long.TryParse(parts[1], System.Globalization.NumberStyles.None, null, out var id)
            || ms > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()) return false;
        // Stored times have millisecond precision: the cursor compares equal to the stored text.
        cursor = new LibraryCursor(DateTimeOffset.FromUnixTimeMilliseconds(ms), id);
        return true;
    }
}

/// <summary>Which reports a library listing shows.</summary>
public enum ReportOrigin { All = 0, Local = 1, Federated = 2 }
