namespace Camtree.Node.Accounts;

/// <summary>
/// A practitioner's sign-in: what ASP.NET Core Identity needs of a user (password hash, security stamp, lockout),
/// one per local practitioner and keyed by the practitioner's actor id. The profile (name, summary, consent) stays on
/// the actor; this is only about signing in.
/// </summary>
public sealed class Account
{
    public long LocalActorId { get; set; }
    /// <summary>The practitioner's username (lower case, as in their handle).</summary>
    public string UserName { get; set; } = "";
    public string NormalizedUserName { get; set; } = "";
    public string? Email { get; set; }
    public string? NormalizedEmail { get; set; }
    public string? PasswordHash { get; set; }
    public string SecurityStamp { get; set; } = Guid.NewGuid().ToString("N");
    public string ConcurrencyStamp { get; set; } = Guid.NewGuid().ToString("N");
    /// <summary><see cref="AccountRoles.Practitioner"/> or <see cref="AccountRoles.Operator"/>.</summary>
    public string Role { get; set; } = AccountRoles.Practitioner;
    public bool LockoutEnabled { get; set; } = true;
    public DateTimeOffset? LockoutEnd { get; set; }
    public int AccessFailedCount { get; set; }
    /// <summary>Set by an operator: the account cannot sign in, and its cookies stop working.</summary>
    public DateTimeOffset? SuspendedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// The roles an account has. Reviewers and editors come with the review workflow: a role is a value here and a claim
/// on the principal, so adding one is adding a value (and the column's CHECK).
/// </summary>
public static class AccountRoles
{
    public const string Practitioner = "practitioner";
    public const string Operator = "operator";
}
