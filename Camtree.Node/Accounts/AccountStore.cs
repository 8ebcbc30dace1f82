using System.Globalization;
using Camtree.Node.Storage;
using Dapper;
using Microsoft.AspNetCore.Identity;

namespace Camtree.Node.Accounts;

/// <summary>
/// ASP.NET Core Identity's user store over the <c>accounts</c> table (Dapper): users, passwords, security stamps and
/// lockout. Identity does the hashing, the lockout counting and the stamp checks; this only keeps the rows.
/// </summary>
public sealed class AccountStore(Database database) :
    IUserPasswordStore<Account>, IUserSecurityStampStore<Account>, IUserLockoutStore<Account>
{
    private const string Columns = """
        local_actor_id AS LocalActorId, (SELECT username FROM local_actors WHERE id = accounts.local_actor_id) AS UserName,
        normalized_user_name AS NormalizedUserName, email AS Email, normalized_email AS NormalizedEmail, password_hash AS PasswordHash,
        security_stamp AS SecurityStamp, concurrency_stamp AS ConcurrencyStamp, role AS Role, lockout_enabled AS LockoutEnabled,
        lockout_end AS LockoutEnd, access_failed_count AS AccessFailedCount, suspended_at AS SuspendedAt, created_at AS CreatedAt
        """;

    /// <summary>Each account's role and whether it is suspended, by local actor (what the operator page lists).</summary>
    public async Task<IReadOnlyDictionary<long, (string Role, bool Suspended)>> StandingsAsync()
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<(long Id, string Role, string? SuspendedAt)>("SELECT local_actor_id, role, suspended_at FROM accounts"))
            .ToDictionary(a => a.Id, a => (a.Role, a.SuspendedAt is not null));
    }

    public async Task<IdentityResult> CreateAsync(Account user, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var created = await connection.ExecuteAsync("""
            INSERT INTO accounts (local_actor_id, normalized_user_name, email, normalized_email, password_hash, security_stamp, concurrency_stamp,
                role, lockout_enabled, lockout_end, access_failed_count, suspended_at, created_at)
            VALUES (@LocalActorId, @NormalizedUserName, @Email, @NormalizedEmail, @PasswordHash, @SecurityStamp, @ConcurrencyStamp,
                @Role, @LockoutEnabled, @LockoutEnd, @AccessFailedCount, @SuspendedAt, @CreatedAt)
            ON CONFLICT DO NOTHING
            """, user);
        return created == 1 ? IdentityResult.Success
            : IdentityResult.Failed(new IdentityError { Code = "DuplicateAccount", Description = "this practitioner already has an account" });
    }

    /// <summary>Saves the account when nobody else changed it since it was read (its concurrency stamp).</summary>
    public async Task<IdentityResult> UpdateAsync(Account user, CancellationToken cancellationToken)
    {
        var read = user.ConcurrencyStamp;
        user.ConcurrencyStamp = Guid.NewGuid().ToString("N");
        await using var connection = await database.OpenAsync(cancellationToken);
        var updated = await connection.ExecuteAsync("""
            UPDATE accounts SET normalized_user_name = @NormalizedUserName, email = @Email, normalized_email = @NormalizedEmail,
                password_hash = @PasswordHash, security_stamp = @SecurityStamp, concurrency_stamp = @ConcurrencyStamp, role = @Role,
                lockout_enabled = @LockoutEnabled, lockout_end = @LockoutEnd, access_failed_count = @AccessFailedCount, suspended_at = @SuspendedAt
            WHERE local_actor_id = @LocalActorId AND concurrency_stamp = @read
            """, new
        {
            user.NormalizedUserName, user.Email, user.NormalizedEmail, user.PasswordHash, user.SecurityStamp, user.ConcurrencyStamp, user.Role,
            user.LockoutEnabled, user.LockoutEnd, user.AccessFailedCount, user.SuspendedAt, user.LocalActorId, read,
        });
        return updated == 1 ? IdentityResult.Success : IdentityResult.Failed(new IdentityErrorDescriber().ConcurrencyFailure());
    }

    public async Task<IdentityResult> DeleteAsync(Account user, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync("DELETE FROM accounts WHERE local_actor_id = @LocalActorId", user);
        return IdentityResult.Success;
    }

    public async Task<Account?> FindByIdAsync(string userId, CancellationToken cancellationToken)
    {
        if (!long.TryParse(userId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)) return null;
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Account>($"SELECT {Columns} FROM accounts WHERE local_actor_id = @id", new { id });
    }

    public async Task<Account?> FindByNameAsync(string normalizedUserName, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Account>($"SELECT {Columns} FROM accounts WHERE normalized_user_name = @normalizedUserName",
            new { normalizedUserName });
    }

    // The user id is the practitioner's actor id: the same number the API's bearer tokens carry.
    public Task<string> GetUserIdAsync(Account user, CancellationToken cancellationToken) => Task.FromResult(user.LocalActorId.ToString(CultureInfo.InvariantCulture));
    public Task<string?> GetUserNameAsync(Account user, CancellationToken cancellationToken) => Task.FromResult<string?>(user.UserName);
    public Task SetUserNameAsync(Account user, string? userName, CancellationToken cancellationToken) { user.UserName = userName ?? ""; return Task.CompletedTask; }
    public Task<string?> GetNormalizedUserNameAsync(Account user, CancellationToken cancellationToken) => Task.FromResult<string?>(user.NormalizedUserName);
    public Task SetNormalizedUserNameAsync(Account user, string? normalizedName, CancellationToken cancellationToken) { user.NormalizedUserName = normalizedName ?? ""; return Task.CompletedTask; }

    public Task SetPasswordHashAsync(Account user, string? passwordHash, CancellationToken cancellationToken) { user.PasswordHash = passwordHash; return Task.CompletedTask; }
    public Task<string?> GetPasswordHashAsync(Account user, CancellationToken cancellationToken) => Task.FromResult(user.PasswordHash);
    public Task<bool> HasPasswordAsync(Account user, CancellationToken cancellationToken) => Task.FromResult(user.PasswordHash is not null);

    public Task SetSecurityStampAsync(Account user, string stamp, CancellationToken cancellationToken) { user.SecurityStamp = stamp; return Task.CompletedTask; }
    public Task<string?> GetSecurityStampAsync(Account user, CancellationToken cancellationToken) => Task.FromResult<string?>(user.SecurityStamp);

    public Task<DateTimeOffset?> GetLockoutEndDateAsync(Account user, CancellationToken cancellationToken) => Task.FromResult(user.LockoutEnd);
    public Task SetLockoutEndDateAsync(Account user, DateTimeOffset? lockoutEnd, CancellationToken cancellationToken) { user.LockoutEnd = lockoutEnd; return Task.CompletedTask; }
    public Task<int> IncrementAccessFailedCountAsync(Account user, CancellationToken cancellationToken) => Task.FromResult(++user.AccessFailedCount);
    public Task ResetAccessFailedCountAsync(Account user, CancellationToken cancellationToken) { user.AccessFailedCount = 0; return Task.CompletedTask; }
    public Task<int> GetAccessFailedCountAsync(Account user, CancellationToken cancellationToken) => Task.FromResult(user.AccessFailedCount);
    public Task<bool> GetLockoutEnabledAsync(Account user, CancellationToken cancellationToken) => Task.FromResult(user.LockoutEnabled);
    public Task SetLockoutEnabledAsync(Account user, bool enabled, CancellationToken cancellationToken) { user.LockoutEnabled = enabled; return Task.CompletedTask; }

    public void Dispose() { }
}
