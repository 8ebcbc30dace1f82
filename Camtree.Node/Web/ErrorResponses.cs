using System.Globalization;
using Camtree.Node.Configuration;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace Camtree.Node.Web;

/// <summary>
/// Errors in the form the client reads: an HTML page for a browser (it asks for <c>text/html</c>), JSON
/// <c>{"error": "…"}</c> for everyone else (API clients, other servers). The reason is always given.
/// </summary>
public static class ErrorResponses
{
    /// <summary>True when the client is a browser: it accepts HTML and asks for neither JSON nor ActivityPub.</summary>
    public static bool WantsHtml(HttpRequest request)
    {
        var accept = request.Headers.Accept.ToString();
        return accept.Contains("text/html", StringComparison.OrdinalIgnoreCase)
               && !accept.Contains("json", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A refusal that says why, as a page or as JSON, chosen when it is written.</summary>
    public static IResult Error(int status, string reason) => new NegotiatedError(status, reason);

    /// <summary>
    /// A refusal whose reason is a format with arguments (<c>"{0} is not allowed here"</c>): formatted in English for
    /// JSON, and in the reader's language on the page (the format is its resource key).
    /// </summary>
    public static IResult Error(int status, string format, params object[] arguments) => Localisable(status, format, arguments);

    private static NegotiatedError Localisable(int status, string format, params object[] arguments) =>
        new(status, string.Format(CultureInfo.InvariantCulture, format, arguments), format, arguments);

    /// <summary>Bodiless errors (no such route, wrong method) and unhandled exceptions get the same treatment.</summary>
    public static IApplicationBuilder UseNegotiatedErrors(this IApplicationBuilder app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = context =>
            {
                // The exception is logged by the middleware; its text is not for the client.
                var error = new NegotiatedError(StatusCodes.Status500InternalServerError, "something went wrong on this node; the operator can read why in its log");
                return error.ExecuteAsync(context);
            },
        });
        app.UseStatusCodePages(context =>
        {
            var status = context.HttpContext.Response.StatusCode;
            // A form whose antiforgery token the framework refused before the endpoint ran says why, like the others.
            if (status == 400 && context.HttpContext.Features.Get<Microsoft.AspNetCore.Antiforgery.IAntiforgeryValidationFeature>() is { IsValid: false })
                return WebForms.BadForm().ExecuteAsync(context.HttpContext);
            var error = status switch
            {
                404 => new NegotiatedError(status, "there is nothing at this address"),
                405 => Localisable(status, "{0} is not allowed here", context.HttpContext.Request.Method),
                415 => new NegotiatedError(status, "this content type is not accepted here"),
                _ => Localisable(status, "the request failed ({0})", status),
            };
            return error.ExecuteAsync(context.HttpContext);
        });
        return app;
    }

    /// <param name="pageReason">The page's reason as a format (its resource key) for <paramref name="arguments"/>; else the reason is the key.</param>
    private sealed class NegotiatedError(int status, string reason, string? pageReason = null, object[]? arguments = null) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            if (!WantsHtml(context.Request)) return Results.Json(new { error = reason }, statusCode: status).ExecuteAsync(context);
            var nodeName = context.RequestServices.GetRequiredService<IOptions<NodeOptions>>().Value.NodeName;
            var title = status switch { 404 => "Not found", 410 => "Gone", 429 => "Too many requests", >= 500 => "Something went wrong", _ => "The request could not be done" };
            return new Microsoft.AspNetCore.Http.HttpResults.RazorComponentResult<Components.ErrorPage>(new
            {
                Site = new ViewModels.SiteModel(nodeName), Heading = title, Reason = pageReason ?? reason, ReasonArguments = arguments,
            }) { StatusCode = status, ContentType = "text/html; charset=utf-8" }.ExecuteAsync(context);
        }
    }
}
