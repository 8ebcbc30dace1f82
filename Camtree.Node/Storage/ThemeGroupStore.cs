using System.Data;
using Dapper;

namespace Camtree.Node.Storage;

/// <summary>A theme's Group actor: its theme, the actor, and the theme it was merged into (if it was).</summary>
public sealed record ThemeGroup(string Theme, long ActorId, string Username, string? MergedInto)
{
    /// <summary>The theme its reports are filed under now: itself, or the one it was merged into.</summary>
    public string Current => MergedInto ?? Theme;
}

/// <summary>A theme in the directory: its group, how many live reports carry it, how many follow it.</summary>
public sealed record ThemeListing(string Theme, string Username, int Reports, int Followers);

/// <summary>The theme groups (<c>theme_groups</c>, one row per theme with a Group actor).</summary>
public sealed class ThemeGroupStore(Database database)
{
    private const string Select = """
        SELECT g.theme AS Theme, g.actor_id AS ActorId, a.username AS Username, g.merged_into AS MergedInto
        FROM theme_groups g JOIN local_actors a ON a.id = g.actor_id
        """;

    public async Task<ThemeGroup?> FindAsync(string theme)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<ThemeGroup>($"{Select} WHERE g.theme = @theme", new { theme });
    }

    public async Task<ThemeGroup?> FindByActorAsync(long actorId)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<ThemeGroup>($"{Select} WHERE g.actor_id = @actorId", new { actorId });
    }

    /// <summary>The groups of these themes that exist, with the groups of the themes merged into any of them.</summary>
    public async Task<IReadOnlyList<ThemeGroup>> ForThemesAsync(IReadOnlyList<string> themes)
    {
        if (themes.Count == 0) return [];
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<ThemeGroup>(
            $"{Select} WHERE {database.In("g.theme", "@themes")} OR {database.In("g.merged_into", "@themes")} ORDER BY g.theme", new { themes = themes.ToArray() })).ToList();
    }

    /// <summary>How many actors follow a group (accepted follows).</summary>
    public async Task<int> FollowersAsync(long actorId)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM followers WHERE local_actor_id = @actorId AND state = 'accepted'", new { actorId });
    }

    /// <summary>Records a theme's group; false when the theme has one already (another request made it first).</summary>
    public async Task<bool> InsertAsync(string theme, long actorId, DateTimeOffset at)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteAsync(
            "INSERT INTO theme_groups (theme, actor_id, created_at) VALUES (@theme, @actorId, @at) ON CONFLICT (theme) DO NOTHING",
            new { theme, actorId, at }) == 1;
    }

    /// <summary>The themes of live local reports that have no group yet (older reports, before groups existed).</summary>
    public async Task<IReadOnlyList<string>> ThemesWithoutGroupAsync()
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<string>("""
            SELECT DISTINCT t.theme FROM report_themes t JOIN reports r ON r.id = t.report_id
            WHERE r.local_slug IS NOT NULL AND r.deleted_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM theme_groups g WHERE g.theme = t.theme)
            ORDER BY t.theme
            """)).ToList();
    }

    /// <summary>
    /// The themes that are not merged into another, most followed first: how many live reports in the library carry
    /// each and how many actors follow its group. At most <paramref name="limit"/>.
    /// </summary>
    public async Task<IReadOnlyList<ThemeListing>> ListAsync(int limit)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<(string Theme, string Username, int Reports, int Followers)>("""
            SELECT g.theme AS Theme, a.username AS Username,
                (SELECT count(*) FROM report_themes t JOIN reports r ON r.id = t.report_id
                 WHERE t.theme = g.theme AND r.deleted_at IS NULL) AS Reports,
                (SELECT count(*) FROM followers f WHERE f.local_actor_id = g.actor_id AND f.state = 'accepted') AS Followers
            FROM theme_groups g JOIN local_actors a ON a.id = g.actor_id
            WHERE g.merged_into IS NULL
            ORDER BY Followers DESC, Reports DESC, g.theme
            LIMIT @limit
            """, new { limit })).Select(t => new ThemeListing(t.Theme, t.Username, t.Reports, t.Followers)).ToList();
    }

    /// <summary>
    /// Merges <paramref name="source"/> into <paramref name="target"/>, in one transaction: the themes merged into the
    /// source are merged into the target now, and every report filed under the source is filed under the target. Both
    /// groups stay (their handles keep working); the caller has checked both exist and differ.
    /// </summary>
    public Task MergeAsync(string source, string target) =>
        database.InTransactionAsync(async work =>
        {
            await work.ExecuteAsync(
                "UPDATE theme_groups SET merged_into = @target WHERE theme = @source OR merged_into = @source", new { source, target });
            // The target is filed under itself, even if it was once merged into the source.
            await work.ExecuteAsync("UPDATE theme_groups SET merged_into = NULL WHERE theme = @target", new { target });
            await work.ExecuteAsync(
                "INSERT INTO report_themes (theme, report_id) SELECT @target, report_id FROM report_themes WHERE theme = @source ON CONFLICT DO NOTHING",
                new { source, target });
            await work.ExecuteAsync("DELETE FROM report_themes WHERE theme = @source", new { source });
            return 0;
        });

    /// <summary>
    /// What a report's theme is filed under, for writers of <c>report_themes</c>: the theme, or the theme it was merged into.
    /// </summary>
    public const string FiledUnderSql = "coalesce((SELECT merged_into FROM theme_groups WHERE theme = @theme), @theme)";
}
