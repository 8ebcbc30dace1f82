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
    /// <summary>The practitioner's school, university or organisation, as they write it.</summary>
    public string Affiliation { get; init; } = "";
    /// <summary>Their ORCID iD as its URI (<c>https://orcid.org/…</c>), checked when set.</summary>
    public string? Orcid { get; init; }
    /// <summary>Where they work: ISO 3166-1 alpha-2.</summary>
    public string? Country { get; init; }
    /// <summary>The languages they read and write: BCP 47 tags, space-separated.</summary>
    public string Languages { get; init; } = "";

    public IReadOnlyList<string> LanguageList => Languages.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>What a practitioner's profile says about them, as the settings page changes it all at once.</summary>
public sealed record ProfileFields(string DisplayName, string Summary, bool ManuallyApprovesFollowers, string Affiliation, string? Orcid,
    string? Country, IReadOnlyList<string> Languages);

/// <summary>Local actors: practitioners and the library actor.</summary>
public sealed class ActorStore(Database database)
{
    private const string Columns = "id, username, actor_type, display_name, summary, manually_approves_followers, indexable, discoverable, private_key_pem, public_key_pem, created_at, affiliation, orcid, country, languages";

    /// <summary>Changes a practitioner's search consent; the actor document says so from then on.</summary>
    public async Task SetConsentAsync(long id, bool indexable, bool discoverable)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync("UPDATE local_actors SET indexable = @indexable, discoverable = @discoverable WHERE id = @id", new { id, indexable, discoverable });
    }

    /// <summary>Changes a practitioner's public profile: name, the line about them, whether they approve followers, affiliation, ORCID iD, country, languages.</summary>
    public async Task SetProfileAsync(long id, ProfileFields profile)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync("""
            UPDATE local_actors SET display_name = @DisplayName, summary = @Summary, manually_approves_followers = @ManuallyApprovesFollowers,
                affiliation = @Affiliation, orcid = @Orcid, country = @Country, languages = @languages
            WHERE id = @id
            """,
            new { id, profile.DisplayName, profile.Summary, profile.ManuallyApprovesFollowers, profile.Affiliation, profile.Orcid, profile.Country,
                languages = string.Join(' ', profile.Languages) });
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
