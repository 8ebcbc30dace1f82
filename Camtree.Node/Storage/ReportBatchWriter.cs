using System.Data.Common;

namespace Camtree.Node.Storage;

/// <summary>
/// Writes many reports in one transaction through statements prepared once. Microsoft.Data.Sqlite prepares a command's
/// SQL again every time a new command runs it, and a write to <c>reports</c> compiles its search triggers with it:
/// written one Dapper call per row, a library page of 100 reports spent most of its time preparing (a backfill took
/// 200 reports/s; measured with <c>Camtree.Benchmarks backfill</c>). Here each statement is prepared on its first row
/// and bound again for the others. The same statements run on PostgreSQL (<paramref name="dialect"/> says how values are bound).
/// </summary>
internal sealed class ReportBatchWriter(DbConnection connection, DbTransaction transaction, SqlDialect dialect) : IDisposable
{
    private readonly Dictionary<string, DbCommand> _commands = new(StringComparer.Ordinal);

    /// <summary>How many more live reports the library holds than before this batch: what a subscription adds to its count.</summary>
    public int LiveAdded { get; private set; }

    /// <summary>Stores a received report or refreshes the copy held (<see cref="ReportStore.UpsertRemoteSql"/>); whether anything was stored.</summary>
    public bool UpsertRemote(ReportRow report)
    {
        var wasLive = IsLive(report.Iri);
        var stored = Run(ReportStore.UpsertRemoteSql, Values(report)) > 0;
        if (stored) SetThemes(report.Iri, report.ThemeList);
        if (stored && !wasLive) LiveAdded++;
        return stored;
    }

    /// <summary>Inserts a local report (<see cref="ReportStore.InsertSql"/>) and its themes.</summary>
    public void Insert(ReportRow report)
    {
        Run(ReportStore.InsertSql, Values(report));
        SetThemes(report.Iri, report.ThemeList);
    }

    /// <summary>Withdraws a received report (<see cref="ReportStore.WithdrawRemoteSql"/>).</summary>
    public void WithdrawRemote(string iri, DateTimeOffset published, DateTimeOffset at)
    {
        // A live received report is always withdrawn by this (only local reports are left alone, and IsLive is never one).
        var wasLive = IsLive(iri);
        Run(ReportStore.WithdrawRemoteSql, [("@iri", iri), ("@published", published), ("@at", at)]);
        if (wasLive) LiveAdded--;
    }

    /// <summary>Whether the library holds a live received report with this IRI.</summary>
    private bool IsLive(string iri) =>
        Scalar("SELECT count(*) FROM reports WHERE iri = @iri AND local_slug IS NULL AND deleted_at IS NULL", [("@iri", iri)]) > 0;

    private void SetThemes(string iri, IReadOnlyList<string> themes)
    {
        Run("DELETE FROM report_themes WHERE report_id = (SELECT id FROM reports WHERE iri = @iri)", [("@iri", iri)]);
        foreach (var theme in themes.Distinct())
            Run($"INSERT INTO report_themes (theme, report_id) SELECT {ThemeGroupStore.FiledUnderSql}, id FROM reports WHERE iri = @iri ON CONFLICT DO NOTHING", [("@theme", theme), ("@iri", iri)]);
    }

    private int Run(string sql, IEnumerable<(string Name, object? Value)> values) => Prepare(sql, values).ExecuteNonQuery();

    private long Scalar(string sql, IEnumerable<(string Name, object? Value)> values) => Convert.ToInt64(Prepare(sql, values).ExecuteScalar());

    private DbCommand Prepare(string sql, IEnumerable<(string Name, object? Value)> values)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            _commands[sql] = command;
        }
        foreach (var (name, value) in values)
        {
            var stored = (value, dialect) switch
            {
                (null, _) => DBNull.Value,
                (DateTimeOffset time, SqlDialect.Sqlite) => Database.FormatTime(time),
                (DateTimeOffset time, _) => time.ToUniversalTime(),
                (bool flag, SqlDialect.Sqlite) => flag ? 1L : 0L,
                _ => value,
            };
            // The type of each value is taken from the value (a null is sent untyped, and PostgreSQL takes the column's).
            if (command.Parameters.Contains(name)) command.Parameters[name].Value = stored;
            else
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = stored;
                command.Parameters.Add(parameter);
            }
        }
        return command;
    }

    /// <summary>Every parameter the report statements name, as Dapper would bind them from the row.</summary>
    private static IEnumerable<(string, object?)> Values(ReportRow r) =>
    [
        ("@Iri", r.Iri), ("@LocalSlug", r.LocalSlug), ("@LocalAuthorId", r.LocalAuthorId), ("@AuthorIri", r.AuthorIri), ("@AuthorName", r.AuthorName),
        ("@Title", r.Title), ("@SummaryHtml", r.SummaryHtml), ("@ContentHtml", r.ContentHtml), ("@ContentMarkdown", r.ContentMarkdown),
        ("@Language", r.Language), ("@Methodology", r.Methodology), ("@EducationalLevel", r.EducationalLevel), ("@SubjectArea", r.SubjectArea),
        ("@Country", r.Country), ("@Setting", r.Setting), ("@ResearchContext", r.ResearchContext), ("@Aims", r.Aims), ("@Methods", r.Methods),
        ("@Findings", r.Findings), ("@License", r.License), ("@Themes", r.Themes), ("@Url", r.Url), ("@PublishedAt", r.PublishedAt),
        ("@ReceivedAt", r.ReceivedAt), ("@VerifiedKeyId", r.VerifiedKeyId), ("@SignedJson", r.SignedJson), ("@ContentText", ReportStore.ContentText(r)),
        ("@ReviewStatus", r.ReviewStatus), ("@CopiedFrom", r.CopiedFrom), ("@ProofVerified", r.ProofVerified), ("@OriginUpdated", r.OriginUpdated),
        ("@Flagged", r.Flagged), ("@ProofCheckedAt", r.ProofCheckedAt), ("@ProofFailure", r.ProofFailure),
        ("@Translations", r.Translations), ("@Attachments", r.Attachments),
    ];

    public void Dispose()
    {
        foreach (var command in _commands.Values) command.Dispose();
    }
}
