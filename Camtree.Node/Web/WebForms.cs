using Camtree.Node.Federation;
using Camtree.Node.Web.ViewModels;
using Camtree.Node.Api;
using Camtree.Node.Storage;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Camtree.Node.Web;

/// <summary>What every page with a form shares: its antiforgery field, the answer to a form without a valid one, and rendering.</summary>
public static class WebForms
{
    /// <summary>The hidden antiforgery field for this request's forms (bound to the signed-in user, if any).</summary>
    public static AntiforgeryField Antiforgery(HttpContext context, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        return new AntiforgeryField(tokens.FormFieldName, tokens.RequestToken!);
    }

    /// <summary>A form posted without this node's antiforgery token (another site's form, or a page kept open too long).</summary>
    public static IResult BadForm() => HttpExchange.Error(StatusCodes.Status400BadRequest,
        "this form's security token is missing or out of date: go back, reload the page and send it again");

    /// <summary>A page: the component <typeparamref name="T"/> rendered on the server from its view model.</summary>
    public static IResult Page<T>(object model, int status = StatusCodes.Status200OK) where T : Microsoft.AspNetCore.Components.IComponent =>
        new RazorComponentResult<T>(new { Model = model }) { StatusCode = status, ContentType = "text/html; charset=utf-8" };

    /// <summary>The practitioner signed in with the cookie, on a page that anyone may see (no challenge when nobody is).</summary>
    public static async Task<LocalActor?> SignedInActorAsync(HttpContext context, ActorStore actors)
    {
        var result = await context.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        // The page's antiforgery tokens are bound to the user they are made for: the form posts as the cookie's user.
        if (result.Succeeded) context.User = result.Principal;
        return result.Succeeded && result.Principal.FindFirst(BearerTokenAuthentication.ActorIdClaim) is { } claim && long.TryParse(claim.Value, out var id)
            ? await actors.FindAsync(id) : null;
    }
}
