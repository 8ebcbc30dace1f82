using System.Text.Json;
using Camtree.Node.Library.Editor;
using Dapper;

namespace Camtree.Node.Storage;

/// <summary>A saved draft: whose, what the form held, when.</summary>
public sealed record Draft(long Id, long LocalActorId, EditorFields Fields, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>Drafts from the report editor. Every read and write names the owner: nobody reaches another's draft.</summary>
public interface IDraftStore
{
    Task<long> CreateAsync(long owner, EditorFields fields);
    /// <summary>False when there is no such draft of this owner.</summary>
    Task<bool> UpdateAsync(long id, long owner, EditorFields fields);
    Task<Draft?> FindAsync(long id, long owner);
    Task<IReadOnlyList<Draft>> ListAsync(long owner);
    Task<bool> DeleteAsync(long id, long owner);
}

public sealed class DraftStore(Database database, TimeProvider time) : IDraftStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<long> CreateAsync(long owner, EditorFields fields)
    {
        var now = time.GetUtcNow();
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(
            "INSERT INTO drafts (local_actor_id, fields, created_at, updated_at) VALUES (@owner, @fields, @now, @now) RETURNING id",
            new { owner, fields = JsonSerializer.Serialize(fields, Json), now });
    }

    public async Task<bool> UpdateAsync(long id, long owner, EditorFields fields)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteAsync("UPDATE drafts SET fields = @fields, updated_at = @now WHERE id = @id AND local_actor_id = @owner",
            new { id, owner, fields = JsonSerializer.Serialize(fields, Json), now = time.GetUtcNow() }) == 1;
    }

    public async Task<Draft?> FindAsync(long id, long owner)
    {
        await using var connection = await database.OpenAsync();
        var row = await connection.QuerySingleOrDefaultAsync<Row>("SELECT * FROM drafts WHERE id = @id AND local_actor_id = @owner", new { id, owner });
        return row?.ToDraft();
    }

    public async Task<IReadOnlyList<Draft>> ListAsync(long owner)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<Row>("SELECT * FROM drafts WHERE local_actor_id = @owner ORDER BY updated_at DESC LIMIT 200", new { owner }))
            .Select(r => r.ToDraft()).ToList();
    }

    public async Task<bool> DeleteAsync(long id, long owner)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteAsync("DELETE FROM drafts WHERE id = @id AND local_actor_id = @owner", new { id, owner }) == 1;
    }

    private sealed record Row
    {
        public long Id { get; init; }
        public long LocalActorId { get; init; }
        public string Fields { get; init; } = "{}";
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }
        public Draft ToDraft() => new(Id, LocalActorId, JsonSerializer.Deserialize<EditorFields>(Fields, Json) ?? new EditorFields(), CreatedAt, UpdatedAt);
    }
}
