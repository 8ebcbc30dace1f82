using Camtree.Node.Federation;
using Camtree.Node.Web.ViewModels;
using Microsoft.AspNetCore.Antiforgery;
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
}
