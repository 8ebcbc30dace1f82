using System.Security.Cryptography;
using System.Text;
using Dapper;

namespace Camtree.Node.Storage;

/// <summary>
/// Bearer tokens for the JSON API. A token is 32 random bytes shown once; only its SHA-256 is stored, so a
/// copy of the database does not hand out access.
/// </summary>
public sealed class TokenStore(Database database, TimeProvider time)
{
    /// <summary>
    /// Issues a new token for a local actor and returns it (the only time it is seen). An operator token also
    /// opens the node's administration endpoints.
    /// </summary>
    public async Task<string> IssueAsync(long localActorId, string label, bool isOperator = false)
    {
        var token = "ct_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync(
            "INSERT INTO api_tokens (token_hash, local_actor_id, label, is_operator, created_at) VALUES (@hash, @localActorId, @label, @isOperator, @at)",
            new { hash = Hash(token), localActorId, label, isOperator, at = time.GetUtcNow() });
        return token;
    }

    /// <summary>The actor a token belongs to and whether it is an operator token, or null.</summary>
    public async Task<(long ActorId, bool IsOperator)?> FindAsync(string token)
    {
        await using var connection = await database.OpenAsync();
        var row = await connection.QuerySingleOrDefaultAsync<(long ActorId, long IsOperator)?>(
            "SELECT local_actor_id, is_operator FROM api_tokens WHERE token_hash = @hash", new { hash = Hash(token) });
        return row is { } found ? (found.ActorId, found.IsOperator != 0) : null;
    }

    private static string Hash(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
