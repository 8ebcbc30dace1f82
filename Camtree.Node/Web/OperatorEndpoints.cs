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
/// The operator's page (an account with the operator role, signed in with the cookie): invite practitioners, suspend
/// or restore their accounts, merge two themes, and see the library subscriptions, the delivery queue by state and each receiving
/// server's health, and the federation policy as configured. The JSON API's <c>/api/v1/admin</c> does the same with
/// an operator token.
/// </summary>
public static class OperatorEndpoints
{
    public const string Policy = "operator-signed-in";

    public static void AddOperatorPolicy(Microsoft.AspNetCore.Authorization.AuthorizationOptions options) =>
        options.AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme).RequireRole(AccountRoles.Operator));

    public static void MapOperator(this IEndpointRouteBuilder app)
    {
        var operatorOnly = app.MapGroup("/operator").RequireAuthorization(Policy);
        operatorOnly.MapGet("", (string? done, ClaimsPrincipal user, HttpContext context, IAntiforgery antiforgery, AccountStore standings, ActorStore actors,
            Library.LibrarySubscriptions libraries, DeliveryStore deliveries, ThemeGroupStore themes, IOptions<NodeOptions> options) =>
            PageAsync(user, context, antiforgery, standings, actors, libraries, deliveries, themes, options, null,
                done switch
                {
                    "suspend" => "Suspended: they are signed out and cannot sign in.",
                    "restore" => "The suspension is lifted.",
                    "merge" => "Merged: its reports are filed under the other theme, and both handles lead there.",
                    _ => null,
                }));
        operatorOnly.MapPost("/invitations", async ([FromForm] string? email, ClaimsPrincipal user, HttpContext context, IAntiforgery antiforgery,
            AccountStore standings, ActorStore actors, Library.LibrarySubscriptions libraries, DeliveryStore deliveries, ThemeGroupStore themes,
            InvitationStore invitations, LocalUris uris, IOptions<NodeOptions> options) =>
        {
            if (email is { Length: > 320 }) return HttpExchange.Error(400, "an e-mail address is at most 320 characters");
            var secret = await invitations.CreateAsync(string.IsNullOrWhiteSpace(email) ? null : email.Trim(), BearerTokenAuthentication.ActorId(user));
            return await PageAsync(user, context, antiforgery, standings, actors, libraries, deliveries, themes, options, $"{uris.Base}/sign-up?invitation={secret}", null);
        });
        // Merging two themes that name one thing (seed 004: groups that cannot find each other duplicate each other).
        operatorOnly.MapPost("/themes/merge", async ([FromForm] string? from, [FromForm] string? into, HttpContext context, IAntiforgery antiforgery,
            Library.Themes.ThemeGroups groups) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context)) return WebForms.BadForm();
            if (string.IsNullOrWhiteSpace(from) || string.IsNullOrWhiteSpace(into))
                return HttpExchange.Error(400, "choose the theme to merge and the theme to merge it into");
            if (from.Length > 200 || into.Length > 200) return HttpExchange.Error(400, "a theme is at most 200 characters");
            try
            {
                await groups.MergeAsync(from, into);
            }
            catch (ArgumentException e)
            {
                return HttpExchange.Error(400, e.Message);
            }
            return Results.Redirect("/operator?done=merge");
        }).DisableAntiforgery();
        operatorOnly.MapPost("/practitioners/{id:long}/{change:regex(^(suspend|restore)$)}", async (long id, string change, HttpContext context,
            IAntiforgery antiforgery, ClaimsPrincipal user, AccountService accounts) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context))
                return WebForms.BadForm();
            if (id == BearerTokenAuthentication.ActorId(user)) return HttpExchange.Error(400, "an operator cannot suspend their own account");
            return await accounts.SetSuspendedAsync(id, change == "suspend") ? Results.Redirect($"/operator?done={change}")
                : HttpExchange.Error(404, "that practitioner has no account");
        });
    }

    private static async Task<IResult> PageAsync(ClaimsPrincipal user, HttpContext context, IAntiforgery antiforgery, AccountStore standings, ActorStore actors,
        Library.LibrarySubscriptions libraries, DeliveryStore deliveries, ThemeGroupStore themes, IOptions<NodeOptions> options, string? invitation, string? notice)
    {
        var accounts = await standings.StandingsAsync();
        var practitioners = (await actors.ListAsync(Protocol.Vocabulary.AsTypes.Person))
            .Select(a => new PractitionerRow(a.Id, a.Username, a.DisplayName, accounts.TryGetValue(a.Id, out var account) ? account.Role : null,
                accounts.TryGetValue(a.Id, out var s) && s.Suspended))
            .ToList();
        var model = new OperatorPageModel(new SiteModel(options.Value.NodeName), WebForms.Antiforgery(context, antiforgery),
            BearerTokenAuthentication.ActorId(user), practitioners, await libraries.ListAsync(), await deliveries.CountByStateAsync(),
            await deliveries.SummariseHostsAsync(), invitation, notice, options.Value.Federation.Mode.ToString(), options.Value.Federation.Domains,
            await themes.ListAsync(500));
        return WebForms.Page<OperatorPage>(model);
    }
}
