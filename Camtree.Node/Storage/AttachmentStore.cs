using System.Data;
using System.Security.Cryptography;
using Dapper;

namespace Camtree.Node.Storage;

/// <summary>A file a local report carries: where it is served, what it is, and who may change it.</summary>
public sealed record AttachmentRow
{
    public long Id { get; init; }
    /// <summary>The random part of its address (<c>/attachments/{PublicId}/{FileName}</c>).</summary>
    public string PublicId { get; init; } = "";
    public long OwnerActorId { get; init; }
    /// <summary>The report it travels with; null while it belongs to a draft.</summary>
    public long? ReportId { get; init; }
    /// <summary>The draft it waits in (private to its author) until the draft is published.</summary>
    public long? DraftId { get; init; }
    public string FileName { get; init; } = "";
    public string MediaType { get; init; } = "";
    public long Size { get; init; }
    public string Sha256 { get; init; } = "";
    /// <summary>What it is, in words: an image's text alternative, a document's title.</summary>
    public string Description { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>What a file belongs to: a published report, or a draft (exactly one of them).</summary>
public sealed record AttachmentHolder(long? ReportId, long? DraftId)
{
    public static AttachmentHolder Report(long id) => new(id, null);
    public static AttachmentHolder Draft(long id) => new(null, id);
}

/// <summary>The files of local reports and drafts: rows in the database, bytes in the data directory under their SHA-256.</summary>
public interface IAttachmentStore
{
    /// <summary>Stores the bytes of a checked file (content-addressed: the same file twice is kept once) and its row.</summary>
    Task<AttachmentRow> AddAsync(AttachmentRow attachment, ReadOnlyMemory<byte> content);
    Task<IReadOnlyList<AttachmentRow>> ForAsync(AttachmentHolder holder);
    Task<AttachmentRow?> FindAsync(string publicId);
    /// <summary>Removes a file of <paramref name="holder"/>, and its bytes when no other row names them. False when it has no such file.</summary>
    Task<bool> RemoveAsync(string publicId, AttachmentHolder holder);
    /// <summary>A published draft's files become the report's, in the transaction that stores the report.</summary>
    Task MoveToReportAsync(UnitOfWork work, long draftId, long reportId);
    /// <summary>The bytes of a stored file.</summary>
    Stream Open(AttachmentRow attachment);
}

public sealed class AttachmentStore(Database database, Microsoft.Extensions.Options.IOptions<Configuration.NodeOptions> options) : IAttachmentStore
{
    private const string Columns = "id, public_id, owner_actor_id, report_id, draft_id, file_name, media_type, size, sha256, description, created_at";

    private string PathOf(string sha256) =>
        Path.Combine(Path.GetFullPath(options.Value.DataDirectory), "attachments", sha256[..2], sha256);

    public async Task<AttachmentRow> AddAsync(AttachmentRow attachment, ReadOnlyMemory<byte> content)
    {
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(content.Span));
        var path = PathOf(sha256);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            // Written beside, then moved: a reader never sees half a file, and a crash leaves no file under its hash.
            var partial = $"{path}.{Guid.NewGuid():N}.partial";
            await File.WriteAllBytesAsync(partial, content);
            File.Move(partial, path, overwrite: true);
        }
        var row = attachment with { Sha256 = sha256, Size = content.Length, PublicId = Federation.LocalUris.NewId() };
        await using var connection = await database.OpenAsync();
        var id = await connection.ExecuteScalarAsync<long>("""
            INSERT INTO attachments (public_id, owner_actor_id, report_id, draft_id, file_name, media_type, size, sha256, description, created_at)
            VALUES (@PublicId, @OwnerActorId, @ReportId, @DraftId, @FileName, @MediaType, @Size, @Sha256, @Description, @CreatedAt) RETURNING id
            """, row);
        return row with { Id = id };
    }

    public async Task<IReadOnlyList<AttachmentRow>> ForAsync(AttachmentHolder holder)
    {
        await using var connection = await database.OpenAsync();
        return [.. await connection.QueryAsync<AttachmentRow>(holder.ReportId is not null
            ? $"SELECT {Columns} FROM attachments WHERE report_id = @ReportId ORDER BY id"
            : $"SELECT {Columns} FROM attachments WHERE draft_id = @DraftId ORDER BY id", holder)];
    }

    public Task MoveToReportAsync(UnitOfWork work, long draftId, long reportId) =>
        work.ExecuteAsync("UPDATE attachments SET report_id = @reportId, draft_id = NULL WHERE draft_id = @draftId", new { draftId, reportId });

    public async Task<AttachmentRow?> FindAsync(string publicId)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<AttachmentRow>($"SELECT {Columns} FROM attachments WHERE public_id = @publicId", new { publicId });
    }

    public async Task<bool> RemoveAsync(string publicId, AttachmentHolder holder)
    {
        await using var connection = await database.OpenAsync();
        var sha256 = await connection.ExecuteScalarAsync<string?>(
            "DELETE FROM attachments WHERE public_id = @publicId AND (report_id = @ReportId OR draft_id = @DraftId) RETURNING sha256",
            new { publicId, holder.ReportId, holder.DraftId });
        if (sha256 is null) return false;
        if (await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM attachments WHERE sha256 = @sha256", new { sha256 }) == 0)
        {
            try { File.Delete(PathOf(sha256)); }
            catch (IOException) { } // kept: an orphan file costs disk, never correctness
        }
        return true;
    }

    public Stream Open(AttachmentRow attachment) =>
        new FileStream(PathOf(attachment.Sha256), FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true);
}
