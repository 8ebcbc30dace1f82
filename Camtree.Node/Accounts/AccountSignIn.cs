using System.Security.Claims;
using Camtree.Node.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Camtree.Node.Accounts;

/// <summary>
/// The signed-in principal: Identity's claims (id, name, security stamp) plus the actor id claim the API's bearer tokens
/// carry and the account's role, so that code reading the actor or the role works the same for both.
/// </summary>
public sealed class AccountClaimsFactory(UserManager<Account> users, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<Account>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(Account user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(BearerTokenAuthentication.ActorIdClaim, user.LocalActorId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        identity.AddClaim(new Claim(ClaimTypes.Role, user.Role));
        return identity;
    }
}

/// <summary>Identity's sign-in, with Camtree's one extra rule: a suspended account cannot sign in.</summary>
public sealed class AccountSignInManager(
    UserManager<Account> users, IHttpContextAccessor context, IUserClaimsPrincipalFactory<Account> claims, IOptions<IdentityOptions> options,
    ILogger<SignInManager<Account>> logger, IAuthenticationSchemeProvider schemes, IUserConfirmation<Account> confirmation)
    : SignInManager<Account>(users, context, claims, options, logger, schemes, confirmation)
{
    public override async Task<bool> CanSignInAsync(Account user) => user.SuspendedAt is null && await base.CanSignInAsync(user);
}
