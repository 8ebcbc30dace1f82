using System.Data;
using Dapper;

namespace Camtree.Node.Storage;

/// <summary>A follow relation, seen from this node: a remote follower of a local actor, or a local actor's follow.</summary>
public sealed record FollowRow
{
    public long LocalActorId { get; init; }
    /// <summary>The other side: the follower (for <c>followers</c>) or the followed actor (for <c>following</c>).</summary>
    public string OtherIri { get; init; } = "";
    public string FollowActivityIri { get; init; } = "";
    public string State { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>Follow states as stored.</summary>
public static class FollowStates
{
    public const string Pending = "pending";
    public const string Accepted = "accepted";
}

/// <summary>Both directions of following: remote actors following local ones, and local actors following others.</summary>
public sealed class FollowStore(Database database)
{
    // Followers of local actors.

    public Task AddFollowerAsync(UnitOfWork work, long localActorId, string followerIri, string followIri, string state, DateTimeOffset at) =>
        work.ExecuteAsync("""
            INSERT INTO followers (local_actor_id, follower_iri, follow_activity_iri, state, created_at)
            VALUES (@localActorId, @followerIri, @followIri, @state, @at)
            ON CONFLICT (local_actor_id, follower_iri) DO UPDATE SET follow_activity_iri = excluded.follow_activity_iri, state = excluded.state
            """, new { localActorId, followerIri, followIri, state, at });

    public async Task AddFollowerAsync(long localActorId, string followerIri, string followIri, string state, DateTimeOffset at)
    {
        await database.InTransactionAsync(work => AddFollowerAsync(work, localActorId, followerIri, followIri, state, at));
    }

    public Task RemoveFollowerAsync(UnitOfWork work, long localActorId, string followerIri) =>
        work.ExecuteAsync("DELETE FROM followers WHERE local_actor_id = @localActorId AND follower_iri = @followerIri",
            new { localActorId, followerIri });

    /// <summary>Removes the follower who sent the given Follow; returns whether there was one.</summary>
    public async Task<bool> RemoveFollowerByFollowAsync(string followIri, string followerIri)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteAsync("DELETE FROM followers WHERE follow_activity_iri = @followIri AND follower_iri = @followerIri",
            new { followIri, followerIri }) > 0;
    }

    /// <summary>Ends every follow to and from an actor (its account is gone).</summary>
    public async Task RemoveActorAsync(string actorIri)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync("DELETE FROM followers WHERE follower_iri = @actorIri; DELETE FROM following WHERE target_iri = @actorIri;", new { actorIri });
    }

    /// <summary>Removes a follower; returns whether there was one.</summary>
    public async Task<bool> RemoveFollowerAsync(long localActorId, string followerIri)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteAsync("DELETE FROM followers WHERE local_actor_id = @localActorId AND follower_iri = @followerIri",
            new { localActorId, followerIri }) > 0;
    }

    /// <param name="limit">At most this many, newest first (a library may have thousands of followers).</param>
    public async Task<IReadOnlyList<FollowRow>> ListFollowersAsync(long localActorId, string? state = FollowStates.Accepted, int limit = int.MaxValue)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<FollowRow>("""
            SELECT local_actor_id, follower_iri AS other_iri, follow_activity_iri, state, created_at FROM followers
            WHERE local_actor_id = @localActorId AND (@state IS NULL OR state = @state) ORDER BY created_at DESC LIMIT @limit
            """, new { localActorId, state, limit })).ToList();
    }

    /// <summary>Where to deliver to a local actor's accepted followers: (inbox, shared inbox) of each.</summary>
    public async Task<IReadOnlyList<(string Inbox, string? SharedInbox)>> FollowerInboxesAsync(UnitOfWork work, long localActorId) =>
        (await work.QueryAsync<(string, string?)>("""
            SELECT r.inbox, r.shared_inbox FROM followers f JOIN remote_actors r ON r.iri = f.follower_iri
            WHERE f.local_actor_id = @localActorId AND f.state = 'accepted' ORDER BY f.created_at
            """, new { localActorId })).ToList();

    // Local actors' follows of others.

    public Task AddFollowingAsync(UnitOfWork work, long localActorId, string targetIri, string followIri, DateTimeOffset at) =>
        work.ExecuteAsync("""
            INSERT INTO following (local_actor_id, target_iri, follow_activity_iri, state, created_at)
            VALUES (@localActorId, @targetIri, @followIri, 'pending', @at)
            ON CONFLICT (local_actor_id, target_iri) DO UPDATE SET follow_activity_iri = excluded.follow_activity_iri, state = 'pending'
            """, new { localActorId, targetIri, followIri, at });

    /// <summary>Marks a follow accepted by its target; returns whether a matching follow existed.</summary>
    public async Task<bool> AcceptFollowingAsync(string followIri, string targetIri)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteAsync(
            "UPDATE following SET state = 'accepted' WHERE follow_activity_iri = @followIri AND target_iri = @targetIri",
            new { followIri, targetIri }) > 0;
    }

    /// <summary>Removes a follow (rejected by its target, or undone); returns whether it existed.</summary>
    public async Task<bool> RemoveFollowingAsync(string followIri, string targetIri)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteAsync(
            "DELETE FROM following WHERE follow_activity_iri = @followIri AND target_iri = @targetIri", new { followIri, targetIri }) > 0;
    }

    public Task RemoveFollowingAsync(UnitOfWork work, long localActorId, string targetIri) =>
        work.ExecuteAsync("DELETE FROM following WHERE local_actor_id = @localActorId AND target_iri = @targetIri",
            new { localActorId, targetIri });

    public async Task<FollowRow?> FindFollowingAsync(long localActorId, string targetIri)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<FollowRow>("""
            SELECT local_actor_id, target_iri AS other_iri, follow_activity_iri, state, created_at FROM following
            WHERE local_actor_id = @localActorId AND target_iri = @targetIri
            """, new { localActorId, targetIri });
    }

    public async Task<IReadOnlyList<FollowRow>> ListFollowingAsync(long localActorId, string? state = null)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<FollowRow>("""
            SELECT local_actor_id, target_iri AS other_iri, follow_activity_iri, state, created_at FROM following
            WHERE local_actor_id = @localActorId AND (@state IS NULL OR state = @state) ORDER BY created_at DESC
            """, new { localActorId, state })).ToList();
    }

    /// <summary>True when some local actor has an accepted follow of <paramref name="targetIri"/>.</summary>
    public async Task<bool> IsFollowedLocallyAsync(string targetIri)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM following WHERE target_iri = @targetIri AND state = 'accepted'", new { targetIri }) > 0;
    }
}
