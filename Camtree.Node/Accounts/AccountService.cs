using Camtree.Node.Configuration;
using Camtree.Node.Library;
using Camtree.Node.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Camtree.Node.Accounts;

/// <summary>What went wrong with a sign-up, a password or a profile, field by field (the form lists them and keeps what was typed).</summary>
public sealed class AccountException(IReadOnlyList<(string Field, string Message)> errors)
    : Exception(string.Join("; ", errors.Select(e => e.Message)))
{
    public IReadOnlyList<(string Field, string Message)> Errors { get; } = errors;
}

/// <summary>
/// Joining and passwords, over Identity's <see cref="UserManager{TUser}"/> (which hashes, validates and stamps):
/// sign-up by invitation or open registration, as <see cref="NodeOptions.Registration"/> says; a password set by the
/// operator's command line; signing out everywhere.
/// </summary>
public sealed class AccountService(
    UserManager<Account> users, PractitionerService practitioners, ActorStore actors, InvitationStore invitations,
    IOptions<NodeOptions> options, TimeProvider time)
{
    public RegistrationMode Registration => options.Value.Registration;

    /// <summary>
    /// A new practitioner with an account. Checked before anything is made (username, name, password, the invitation
    /// when one is needed); the invitation is used up with it. Throws <see cref="AccountException"/>.
    /// </summary>
    public async Task<Account> SignUpAsync(string? username, string? displayName, string? password, string? invitation)
    {
        if (Registration == RegistrationMode.Closed) throw new AccountException([("username", "this library is not taking new members")]);
        if (Registration == RegistrationMode.Invite && !await invitations.IsValidAsync(invitation))
            throw new AccountException([("username", "this invitation link does not work any more: ask for a new one")]);
        var errors = new List<(string, string)>();
        username = (username ?? "").Trim().ToLowerInvariant();
        if (!PractitionerService.IsValidUsername(username)) errors.Add(("username", "a username is 1 to 30 letters a-z, digits or _"));
        else if (username == Federation.LocalUris.LibraryUsername || await actors.FindByUsernameAsync(username) is not null)
            errors.Add(("username", $"the username {username} is taken"));
        if (string.IsNullOrWhiteSpace(displayName)) errors.Add(("displayName", "say your name as readers should see it"));
        else if (displayName.Length > 100) errors.Add(("displayName", "a name is at most 100 characters"));
        errors.AddRange(await PasswordErrorsAsync(password));
        if (errors.Count > 0) throw new AccountException(errors);

        var actor = await practitioners.CreatePractitionerAsync(username, displayName!.Trim());
        if (Registration == RegistrationMode.Invite && !await invitations.UseAsync(invitation!, actor.Id))
            throw new AccountException([("username", "this invitation link was used meanwhile: ask for a new one")]);
        return await CreateAccountAsync(actor, password!);
    }

    /// <summary>Sets a practitioner's password, making their account if they have none (the operator's command line, the demo seed).</summary>
    public async Task SetPasswordAsync(string username, string password, string role = AccountRoles.Practitioner)
    {
        var actor = await actors.FindByUsernameAsync(username.Trim().ToLowerInvariant());
        if (actor is null || actor.ActorType != Protocol.Vocabulary.AsTypes.Person) throw new AccountException([("username", $"no practitioner {username}")]);
        var errors = await PasswordErrorsAsync(password);
        if (errors.Count > 0) throw new AccountException(errors);
        if (await users.FindByIdAsync(actor.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)) is not { } account)
        {
            await CreateAccountAsync(actor, password, role);
            return;
        }
        // A new password is a new security stamp (Identity does it): browsers signed in with the old one are signed out.
        Check(await users.RemovePasswordAsync(account));
        Check(await users.AddPasswordAsync(account, password));
    }

    /// <summary>
    /// Suspends an account (it cannot sign in, and its cookies stop working: a new security stamp), or lifts the
    /// suspension. False when the practitioner has no account.
    /// </summary>
    public async Task<bool> SetSuspendedAsync(long localActorId, bool suspended)
    {
        if (await users.FindByIdAsync(localActorId.ToString(System.Globalization.CultureInfo.InvariantCulture)) is not { } account) return false;
        account.SuspendedAt = suspended ? account.SuspendedAt ?? time.GetUtcNow() : null;
        Check(await users.UpdateSecurityStampAsync(account));
        return true;
    }

    /// <summary>Signs every browser out: a new security stamp makes the cookies issued before it invalid.</summary>
    public async Task SignOutEverywhereAsync(Account account) => Check(await users.UpdateSecurityStampAsync(account));

    private async Task<Account> CreateAccountAsync(LocalActor actor, string password, string role = AccountRoles.Practitioner)
    {
        var account = new Account { LocalActorId = actor.Id, UserName = actor.Username, Role = role, CreatedAt = time.GetUtcNow() };
        Check(await users.CreateAsync(account, password));
        return account;
    }

    private async Task<List<(string, string)>> PasswordErrorsAsync(string? password)
    {
        if (string.IsNullOrEmpty(password)) return [("password", "choose a password")];
        var errors = new List<(string, string)>();
        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, null!, password);
            errors.AddRange(result.Errors.Select(e => ("password", e.Description)));
        }
        return errors;
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded) throw new AccountException([.. result.Errors.Select(e => ("password", e.Description))]);
    }
}
