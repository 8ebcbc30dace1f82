using System.Security.Claims;
using System.Text.Encodings.Web;
using Camtree.Node.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Camtree.Node.Api;

/// <summary>
/// Authenticates JSON API calls by <c>Authorization: Bearer &lt;token&gt;</c>, tokens issued with
/// <c>camtree token issue</c>. The principal carries the local actor's id.
/// </summary>
public sealed class BearerTokenAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, TokenStore tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";
    public const string ActorIdClaim = "camtree:actor_id";
    public const string OperatorRole = "operator";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        if (await tokens.FindAsync(header[7..].Trim()) is not { } found) return AuthenticateResult.Fail("unknown token");
        var claims = new List<Claim> { new(ActorIdClaim, found.ActorId.ToString()) };
        if (found.IsOperator) claims.Add(new Claim(ClaimTypes.Role, OperatorRole));
        var identity = new ClaimsIdentity(claims, SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = 403;
        return Response.WriteAsJsonAsync(new { error = "an operator token is required (camtree token issue --operator)" });
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = 401;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Response.WriteAsJsonAsync(new { error = "a valid bearer token is required (camtree token issue)" });
    }

    /// <summary>The local actor id of an authenticated API caller.</summary>
    public static long ActorId(ClaimsPrincipal user) => long.Parse(user.FindFirstValue(ActorIdClaim)!);
}
