using System.Security.Cryptography;
using System.Text;
using Camtree.Node.Storage;
using Dapper;

namespace Camtree.Node.Accounts;

/// <summary>
/// Invitations to join (when <c>Camtree:Registration</c> is <c>Invite</c>): a secret in a link, stored only as its
/// SHA-256, valid until it expires or is used once.
/// </summary>
public sealed class InvitationStore(Database database, TimeProvider time)
{
    /// <summary>How long an invitation link works.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(14);

    /// <summary>Makes an invitation and returns its secret (the only time it is seen).</summary>
    public async Task<string> CreateAsync(string? email, long? createdBy)
    {
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_').TrimEnd('=');
        var now = time.GetUtcNow();
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync("""
            INSERT INTO invitations (token_hash, email, created_by, created_at, expires_at) VALUES (@hash, @email, @createdBy, @now, @expires)
            """, new { hash = Hash(secret), email, createdBy, now, expires = now + Lifetime });
        return secret;
    }

    /// <summary>Whether the secret is a live invitation (unused, not expired).</summary>
    public async Task<bool> IsValidAsync(string? secret)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length > 100) return false;
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM invitations WHERE token_hash = @hash AND used_at IS NULL AND expires_at > @now",
            new { hash = Hash(secret), now = time.GetUtcNow() }) > 0;
    }

    /// <summary>Uses the invitation up, once: false when it was not live (used meanwhile, expired, unknown).</summary>
    public async Task<bool> UseAsync(string secret, long usedBy)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteAsync(
            "UPDATE invitations SET used_at = @now, used_by = @usedBy WHERE token_hash = @hash AND used_at IS NULL AND expires_at > @now",
            new { hash = Hash(secret), now = time.GetUtcNow(), usedBy }) == 1;
    }

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
