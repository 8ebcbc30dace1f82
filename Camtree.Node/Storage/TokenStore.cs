using System.Security.Cryptography;
using System.Text;
using Dapper;

namespace Camtree.Node.Storage;

/// <summary>An API token as operators see it: never the token itself, only its public id and what it is for.</summary>
public sealed record TokenInfo
{
    /// <summary>The first 12 hex digits of the token's hash: enough to name it, useless to use it.</summary>
    public string Id { get; init; } = "";
    [System.Text.Json.Serialization.JsonIgnore] public long LocalActorId { get; init; }
    public string Username { get; init; } = "";
    public string Label { get; init; } = "";
    public bool IsOperator { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
}

/// <summary>
/// Bearer tokens for the JSON API. A token is 32 random bytes shown once; only its SHA-256 is stored, so a
/// copy of the database does not hand out access. Tokens can expire, and operators can revoke them.
/// </summary>
public sealed class TokenStore(Database database, TimeProvider time)
{
    /// <summary>Length of a token's public id (hex digits of its hash).</summary>
    public const int IdLength = 12;

    /// <summary>
    /// Issues a new token for a local actor and returns it (the only time it is seen). An operator token also
    /// opens the node's administration endpoints. A token with <paramref name="expiresAt"/> stops working then.
    /// </summary>
    public async Task<string> IssueAsync(long localActorId, string label, bool isOperator = false, DateTimeOffset? expiresAt = null)
    {
        var token = "ct_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync("""
            INSERT INTO api_tokens (token_hash, local_actor_id, label, is_operator, created_at, expires_at)
            VALUES (@hash, @localActorId, @label, @isOperator, @at, @expiresAt)
            """, new { hash = Hash(token), localActorId, label, isOperator, at = time.GetUtcNow(), expiresAt });
        return token;
    }

    /// <summary>The actor a live token belongs to and whether it is an operator token; null for an unknown, expired or revoked token.</summary>
    public async Task<(long ActorId, bool IsOperator)?> FindAsync(string token)
    {
        await using var connection = await database.OpenAsync();
        var row = await connection.QuerySingleOrDefaultAsync<(long ActorId, bool IsOperator)?>("""
            SELECT local_actor_id, is_operator FROM api_tokens
            WHERE token_hash = @hash AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > @now)
            """, new { hash = Hash(token), now = time.GetUtcNow() });
        return row is { } found ? (found.ActorId, found.IsOperator) : null;
    }

    /// <summary>Every token, newest first, by its public id.</summary>
    public Task<IReadOnlyList<TokenInfo>> ListAsync() => ListAsync(null);

    /// <summary>One practitioner's tokens, newest first.</summary>
    public Task<IReadOnlyList<TokenInfo>> ListForAsync(long localActorId) => ListAsync((long?)localActorId);

    private async Task<IReadOnlyList<TokenInfo>> ListAsync(long? localActorId)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<TokenInfo>("""
            SELECT lower(substr(t.token_hash, 1, @IdLength)) AS id, t.local_actor_id, a.username, t.label, t.is_operator, t.created_at, t.expires_at, t.revoked_at
            FROM api_tokens t JOIN local_actors a ON a.id = t.local_actor_id
            WHERE @localActorId IS NULL OR t.local_actor_id = @localActorId ORDER BY t.created_at DESC
            """, new { IdLength, localActorId })).ToList();
    }

    /// <summary>Revokes one of this practitioner's tokens by its public id; false when they have no such live token.</summary>
    public async Task<bool> RevokeForAsync(string id, long localActorId)
    {
        if (id.Length != IdLength || !id.All(char.IsAsciiHexDigit)) return false;
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteAsync(
            "UPDATE api_tokens SET revoked_at = @now WHERE substr(token_hash, 1, @IdLength) = @prefix AND local_actor_id = @localActorId AND revoked_at IS NULL",
            new { now = time.GetUtcNow(), IdLength, prefix = id.ToUpperInvariant(), localActorId }) > 0;
    }

    /// <summary>Revokes the token with that public id; returns whether a live one was revoked.</summary>
    public async Task<bool> RevokeAsync(string id)
    {
        if (id.Length != IdLength || !id.All(char.IsAsciiHexDigit)) return false;
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteAsync(
            "UPDATE api_tokens SET revoked_at = @now WHERE substr(token_hash, 1, @IdLength) = @prefix AND revoked_at IS NULL",
            new { now = time.GetUtcNow(), IdLength, prefix = id.ToUpperInvariant() }) > 0;
    }

    private static string Hash(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
