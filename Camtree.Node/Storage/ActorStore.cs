using Dapper;

namespace Camtree.Node.Storage;

/// <summary>An actor that lives on this node, with its key pair.</summary>
public sealed record LocalActor
{
    public long Id { get; init; }
    public string Username { get; init; } = "";
    public string ActorType { get; init; } = "";
    public string DisplayName { get; init; } = "";
    public string Summary { get; init; } = "";
    public bool ManuallyApprovesFollowers { get; init; }
    /// <summary>Whether the practitioner's public reports may be indexed for full-text search, here and elsewhere (FEP-5feb).</summary>
    public bool Indexable { get; init; } = true;
    /// <summary>Whether the practitioner may be listed in directories and suggested (FEP-5feb).</summary>
    public bool Discoverable { get; init; } = true;
    public string PrivateKeyPem { get; init; } = "";
    public string PublicKeyPem { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>Local actors: practitioners and the library actor.</summary>
public sealed class ActorStore(Database database)
{
    private const string Columns = "id, username, actor_type, display_name, summary, manually_approves_followers, indexable, discoverable, private_key_pem, public_key_pem, created_at";

    /// <summary>Changes a practitioner's search consent; the actor document says so from then on.</summary>
    public async Task SetConsentAsync(long id, bool indexable, bool discoverable)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync("UPDATE local_actors SET indexable = @indexable, discoverable = @discoverable WHERE id = @id", new { id, indexable, discoverable });
    }

    /// <summary>Changes a practitioner's public profile: their name, the line about them, whether they approve followers.</summary>
    public async Task SetProfileAsync(long id, string displayName, string summary, bool manuallyApprovesFollowers)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync(
            "UPDATE local_actors SET display_name = @displayName, summary = @summary, manually_approves_followers = @manuallyApprovesFollowers WHERE id = @id",
            new { id, displayName, summary, manuallyApprovesFollowers });
    }

    public async Task<LocalActor> CreateAsync(LocalActor actor)
    {
        await using var connection = await database.OpenAsync();
        var id = await connection.ExecuteScalarAsync<long>("""
            INSERT INTO local_actors (username, actor_type, display_name, summary, manually_approves_followers, private_key_pem, public_key_pem, created_at)
            VALUES (@Username, @ActorType, @DisplayName, @Summary, @ManuallyApprovesFollowers, @PrivateKeyPem, @PublicKeyPem, @CreatedAt)
            RETURNING id
            """, actor);
        return actor with { Id = id };
    }

    public async Task<LocalActor?> FindByUsernameAsync(string username)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<LocalActor>(
            $"SELECT {Columns} FROM local_actors WHERE username = @username", new { username });
    }

    public async Task<LocalActor?> FindAsync(long id)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<LocalActor>($"SELECT {Columns} FROM local_actors WHERE id = @id", new { id });
    }

    public async Task<IReadOnlyList<LocalActor>> ListAsync(string? actorType = null)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<LocalActor>(
            $"SELECT {Columns} FROM local_actors WHERE @actorType IS NULL OR actor_type = @actorType ORDER BY username",
            new { actorType })).ToList();
    }

    public async Task<int> CountAsync(string actorType)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM local_actors WHERE actor_type = @actorType", new { actorType });
    }
}
