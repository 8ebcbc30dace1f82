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
    /// <summary>Issues a new token for a local actor and returns it (the only time it is seen).</summary>
    public async Task<string> IssueAsync(long localActorId, string label)
    {
        var token = "ct_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync(
            "INSERT INTO api_tokens (token_hash, local_actor_id, label, created_at) VALUES (@hash, @localActorId, @label, @at)",
            new { hash = Hash(token), localActorId, label, at = time.GetUtcNow() });
        return token;
    }

    /// <summary>The actor a token belongs to, or null.</summary>
    public async Task<long?> FindActorAsync(string token)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<long?>(
            "SELECT local_actor_id FROM api_tokens WHERE token_hash = @hash", new { hash = Hash(token) });
    }

    private static string Hash(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
