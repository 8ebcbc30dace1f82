using System.Security.Claims;
using Camtree.Node.Accounts;
using Camtree.Node.Api;
using Camtree.Node.Configuration;
using Camtree.Node.Federation;
using Camtree.Node.Storage;
using Camtree.Node.Web.Components;
using Camtree.Node.Web.ViewModels;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Camtree.Node.Web;

/// <summary>
/// Signing in and out, joining, and the settings page, as forms that work without script. Every POST form carries an
/// antiforgery token (ASP.NET Core antiforgery refuses a form without a valid one: 400); sign-in is rate limited per
/// address and Identity locks an account for 15 minutes after 5 wrong passwords.
/// </summary>
public static class AccountEndpoints
{
    /// <summary>The demo seed's password for its practitioners; the sign-in page and the README say it.</summary>
    public const string DemoPassword = "camtree-demo";

    /// <summary>Pages that need a signed-in practitioner (the cookie; never a bearer token, so that forms are the cookie's).</summary>
    public const string SignedIn = "signed-in";

    public static void MapAccounts(this IEndpointRouteBuilder app)
    {
        app.MapGet("/sign-in", (string? returnUrl, HttpContext context, IAntiforgery antiforgery, IOptions<NodeOptions> options, ActorStore actors) =>
            SignInPageAsync(context, antiforgery, options.Value, actors, "", LocalOnly(returnUrl), []));
        app.MapPost("/sign-in", SignInAsync).RequireRateLimiting(Security.RateLimits.SignInPolicy);
        app.MapPost("/sign-out", async (HttpContext context, IAntiforgery antiforgery, SignInManager<Account> signIn) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context)) return WebForms.BadForm();
            await signIn.SignOutAsync();
            return Results.Redirect("/");
        });
        app.MapPost("/sign-out-everywhere", async (HttpContext context, IAntiforgery antiforgery, ClaimsPrincipal user, UserManager<Account> users,
            AccountService accounts, SignInManager<Account> signIn) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context)) return WebForms.BadForm();
            if (await users.GetUserAsync(user) is { } account) await accounts.SignOutEverywhereAsync(account);
            await signIn.SignOutAsync();
            return Results.Redirect("/sign-in");
        }).RequireAuthorization(SignedIn);
        app.MapGet("/sign-up", async (string? invitation, HttpContext context, IAntiforgery antiforgery, IOptions<NodeOptions> options,
            InvitationStore invitations) =>
        {
            var site = new SiteModel(options.Value.NodeName);
            if (options.Value.Registration == RegistrationMode.Closed)
                return ErrorPage(site, StatusCodes.Status403Forbidden, "This library is not taking new members", "Ask its operator.");
            if (options.Value.Registration == RegistrationMode.Invite && !await invitations.IsValidAsync(invitation))
                return ErrorPage(site, StatusCodes.Status403Forbidden, "Joining is by invitation",
                    "This library takes new members by invitation. The link you followed does not work any more, or there was none: ask its operator for one.");
            return WebForms.Page<SignUpPage>(new SignUpPageModel(site, WebForms.Antiforgery(context, antiforgery), invitation, "", "", []));
        });
        app.MapPost("/sign-up", SignUpAsync).RequireRateLimiting(Security.RateLimits.SignInPolicy);
        // The language switch: remembered in a cookie for a year, then back to the page it was used on.
        app.MapGet("/language", (string? to, HttpContext context, Localization.InterfaceLanguages languages) =>
        {
            if (languages.Cultures.FirstOrDefault(c => string.Equals(c.Name, to, StringComparison.OrdinalIgnoreCase)) is not { } culture)
                return HttpExchange.Error(StatusCodes.Status400BadRequest, $"the interface speaks {string.Join(", ", languages.Cultures.Select(c => c.Name))}");
            context.Response.Cookies.Append(Microsoft.AspNetCore.Localization.CookieRequestCultureProvider.DefaultCookieName,
                Microsoft.AspNetCore.Localization.CookieRequestCultureProvider.MakeCookieValue(new Microsoft.AspNetCore.Localization.RequestCulture(culture)),
                new CookieOptions { MaxAge = TimeSpan.FromDays(365), HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true });
            var back = Uri.TryCreate(context.Request.Headers.Referer.ToString(), UriKind.Absolute, out var referer)
                && referer.Authority == context.Request.Host.Value ? LocalOnly(referer.PathAndQuery) : null;
            return Results.Redirect(back ?? "/");
        });
        // Where a signed-in practitioner lands on a page for operators only.
        app.MapGet("/forbidden", (IOptions<NodeOptions> options) => ErrorPage(new SiteModel(options.Value.NodeName), StatusCodes.Status403Forbidden,
            "Only this node's operators can open that page", "Your account is a practitioner's. Ask an operator if you need something done."));
        app.MapGet("/settings", (string? done, ClaimsPrincipal user, HttpContext context, IAntiforgery antiforgery, ActorStore actors, LocalUris uris,
            IOptions<NodeOptions> options) => SettingsAsync(user, context, antiforgery, actors, uris, options, done switch
            {
                "consent" or "profile" => "Saved: your followers' servers are told.", "revoked" => "Token revoked: it stops working at once.", "password" => "Password changed. Other browsers are signed out.", _ => null,
            }, [])).RequireAuthorization(SignedIn);
        app.MapPost("/settings/consent", async ([FromForm] string? indexable, [FromForm] string? discoverable, ClaimsPrincipal user, ActorStore actors,
            Library.ProfileService profiles) =>
        {
            if (await actors.FindAsync(BearerTokenAuthentication.ActorId(user)) is not { } actor) return Results.Redirect("/sign-in");
            // An unticked checkbox sends nothing: absent is no.
            await profiles.SetConsentAsync(actor, indexable == "true", discoverable == "true");
            return Results.Redirect("/settings?done=consent");
        }).RequireAuthorization(SignedIn);
        app.MapPost("/settings/profile", async (HttpContext context, ClaimsPrincipal user, IAntiforgery antiforgery, ActorStore actors, LocalUris uris,
            IOptions<NodeOptions> options, Library.ProfileService profiles) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context)) return WebForms.BadForm();
            if (await actors.FindAsync(BearerTokenAuthentication.ActorId(user)) is not { } actor) return Results.Redirect("/sign-in");
            var form = await context.Request.ReadFormAsync();
            string Text(string name, int max) => form[name].ToString() is { } value && value.Length > max ? value[..max] : form[name].ToString();
            // What was typed, kept as typed when it comes back with problems. Cut to what a form can sensibly hold; the service checks the rest.
            var typed = new ProfileFields(Text("displayName", 1_000), Text("summary", 5_000), form["manuallyApprovesFollowers"] == "true",
                Text("affiliation", 2_000), Text("orcid", 100), Text("country", 10),
                [.. form["languages"].Take(Library.ProfileService.MaxLanguages + 1).Select(l => l ?? "")]);
            try
            {
                await profiles.SetProfileAsync(actor, typed);
                return Results.Redirect("/settings?done=profile");
            }
            catch (AccountException e)
            {
                return await SettingsAsync(user, context, antiforgery, actors, uris, options, null,
                    [.. e.Errors.Select(x => new FieldError(x.Field, x.Message))], StatusCodes.Status400BadRequest, typed: typed);
            }
        }).RequireAuthorization(SignedIn);
        app.MapPost("/settings/tokens", async ([FromForm] string? label, [FromForm] int? expiresInDays, ClaimsPrincipal user, HttpContext context,
            IAntiforgery antiforgery, ActorStore actors, LocalUris uris, IOptions<NodeOptions> options, TokenStore tokens, TimeProvider time) =>
        {
            if (string.IsNullOrWhiteSpace(label) || label.Length > 100 || expiresInDays is not (30 or 90 or 365))
                return await SettingsAsync(user, context, antiforgery, actors, uris, options, null,
                    [new FieldError("label", "say what the token is for (at most 100 characters), and choose when it expires")], StatusCodes.Status400BadRequest);
            // A practitioner's own token is never an operator's: those are issued on the node's command line.
            var token = await tokens.IssueAsync(BearerTokenAuthentication.ActorId(user), label.Trim(), isOperator: false,
                time.GetUtcNow().AddDays(expiresInDays.Value));
            return await SettingsAsync(user, context, antiforgery, actors, uris, options, null, [], newToken: token);
        }).RequireAuthorization(SignedIn);
        app.MapPost("/settings/tokens/{id}/revoke", async (string id, HttpContext context, IAntiforgery antiforgery, ClaimsPrincipal user, TokenStore tokens) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context)) return WebForms.BadForm();
            return await tokens.RevokeForAsync(id.Trim().ToLowerInvariant(), BearerTokenAuthentication.ActorId(user))
                ? Results.Redirect("/settings?done=revoked#tokens") : HttpExchange.Error(404, "you have no such live token");
        }).RequireAuthorization(SignedIn);
        app.MapPost("/settings/password", async ([FromForm] string? current, [FromForm] string? password, ClaimsPrincipal user, HttpContext context,
            IAntiforgery antiforgery, ActorStore actors, LocalUris uris, IOptions<NodeOptions> options, UserManager<Account> users,
            SignInManager<Account> signIn) =>
        {
            if (await users.GetUserAsync(user) is not { } account) return Results.Redirect("/sign-in");
            var changed = await users.ChangePasswordAsync(account, current ?? "", password ?? "");
            if (!changed.Succeeded)
                return await SettingsAsync(user, context, antiforgery, actors, uris, options, null,
                    [.. changed.Errors.Select(e => new FieldError(e.Code == "PasswordMismatch" ? "current" : "password",
                        e.Code == "PasswordMismatch" ? "the current password is not right" : e.Description))], StatusCodes.Status400BadRequest);
            // The new stamp signs out every other browser; this one gets a fresh cookie.
            await signIn.RefreshSignInAsync(account);
            return Results.Redirect("/settings?done=password");
        }).RequireAuthorization(SignedIn);
    }

    /// <summary>The policy of <see cref="SignedIn"/> pages: Identity's cookie, redirecting to the sign-in page.</summary>
    public static void AddSignedInPolicy(Microsoft.AspNetCore.Authorization.AuthorizationOptions options) =>
        options.AddPolicy(SignedIn, policy => policy.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme).RequireAuthenticatedUser());

    // Form fields bound one by one: the form mapper's complex binding of a record failed without saying why.
    private static async Task<IResult> SignInAsync([FromForm] string? userName, [FromForm] string? password, [FromForm] string? returnUrl,
        HttpContext context, IAntiforgery antiforgery, SignInManager<Account> signIn, IOptions<NodeOptions> options, ActorStore actors)
    {
        var name = (userName ?? "").Trim().ToLowerInvariant();
        var back = LocalOnly(returnUrl);
        if (name.Length == 0 || string.IsNullOrEmpty(password))
            return await SignInPageAsync(context, antiforgery, options.Value, actors, name, back,
                [.. name.Length == 0 ? [new FieldError("username", "enter your username")] : Array.Empty<FieldError>(),
                 .. string.IsNullOrEmpty(password) ? [new FieldError("password", "enter your password")] : Array.Empty<FieldError>()], 400);
        var result = await signIn.PasswordSignInAsync(name, password, isPersistent: true, lockoutOnFailure: true);
        if (result.Succeeded) return Results.Redirect(back ?? "/settings");
        // The same words for an unknown name and a wrong password: the page does not tell who has an account.
        var message = result.IsLockedOut ? "too many wrong passwords: this account is locked for 15 minutes"
            : result.IsNotAllowed ? "this account is suspended: ask the library's operator"
            : "the username or the password is not right";
        return await SignInPageAsync(context, antiforgery, options.Value, actors, name, back, [new FieldError("password", message)], 400);
    }

    private static async Task<IResult> SignUpAsync([FromForm] string? invitation, [FromForm] string? userName, [FromForm] string? displayName,
        [FromForm] string? password, HttpContext context, IAntiforgery antiforgery, AccountService accounts, SignInManager<Account> signIn,
        IOptions<NodeOptions> options)
    {
        try
        {
            var account = await accounts.SignUpAsync(userName, displayName, password, invitation);
            await signIn.SignInAsync(account, isPersistent: true);
            return Results.Redirect("/settings");
        }
        catch (AccountException e)
        {
            var model = new SignUpPageModel(new SiteModel(options.Value.NodeName), WebForms.Antiforgery(context, antiforgery), invitation,
                userName ?? "", displayName ?? "", [.. e.Errors.Select(x => new FieldError(x.Field, x.Message))]);
            return WebForms.Page<SignUpPage>(model, StatusCodes.Status400BadRequest);
        }
    }

    private static async Task<IResult> SettingsAsync(ClaimsPrincipal user, HttpContext context, IAntiforgery antiforgery, ActorStore actors,
        LocalUris uris, IOptions<NodeOptions> options, string? notice, IReadOnlyList<FieldError> errors, int status = 200, string? newToken = null,
        ProfileFields? typed = null)
    {
        var tokens = context.RequestServices.GetRequiredService<TokenStore>();
        if (await actors.FindAsync(BearerTokenAuthentication.ActorId(user)) is not { } actor) return Results.Redirect("/sign-in");
        var role = user.IsInRole(AccountRoles.Operator) ? "operator" : "practitioner";
        var profile = typed ?? new ProfileFields(actor.DisplayName, actor.Summary, actor.ManuallyApprovesFollowers, actor.Affiliation, actor.Orcid,
            actor.Country, actor.LanguageList);
        return WebForms.Page<SettingsPage>(new SettingsPageModel(new SiteModel(options.Value.NodeName), WebForms.Antiforgery(context, antiforgery), profile,
            uris.Handle(actor.Username).ToString(), role, actor.Indexable, actor.Discoverable, notice, errors, await tokens.ListForAsync(actor.Id), newToken), status);
    }

    private static async Task<IResult> SignInPageAsync(HttpContext context, IAntiforgery antiforgery, NodeOptions options, ActorStore actors,
        string userName, string? returnUrl, IReadOnlyList<FieldError> errors, int status = 200)
    {
        DemoSignIn? demo = null;
        if (options.SeedDemo)
        {
            var names = (await actors.ListAsync()).Where(a => a.ActorType == Protocol.Vocabulary.AsTypes.Person).Select(a => a.Username).Take(6).ToList();
            if (names.Count > 0) demo = new DemoSignIn(names, DemoPassword);
        }
        return WebForms.Page<SignInPage>(new SignInPageModel(new SiteModel(options.NodeName), WebForms.Antiforgery(context, antiforgery), userName, returnUrl, errors, demo,
            options.Registration == RegistrationMode.Open), status);
    }

    /// <summary>Where to go after signing in: only a path on this node (an absolute URL would make the form an open redirect).</summary>
    internal static string? LocalOnly(string? returnUrl) =>
        returnUrl is { Length: > 0 and < 2000 } && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal)
            && !returnUrl.StartsWith("/\\", StringComparison.Ordinal) ? returnUrl : null;

    private static IResult ErrorPage(SiteModel site, int status, string heading, string reason) =>
        new RazorComponentResult<ErrorPage>(new { Site = site, Heading = heading, Reason = reason }) { StatusCode = status, ContentType = "text/html; charset=utf-8" };
}
