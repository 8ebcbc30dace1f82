namespace Camtree.Node.Web;

/// <summary>
/// The headers every response carries so that what peers wrote cannot act in a reader's browser: a
/// Content-Security-Policy that runs no script but this node's own files (pages are rendered on the server and work
/// without any; the editor's autosave is <c>/assets/editor.js</c>; styles come from <c>/assets/camtree.css</c>), no
/// framing, no MIME sniffing, and no referrer leaving the node.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>
    /// Script only from this node's own files (never inline, never from what a peer sent); styles and images only from
    /// this node; requests from script and forms to this node only; no <c>&lt;base&gt;</c>, no framing by others.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            // A response that set its own (an attachment's, stricter still) keeps it.
            if (!headers.ContainsKey("Content-Security-Policy")) headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "same-origin";
            return Task.CompletedTask;
        });
        await next(context);
    });

    /// <summary>The stylesheet, from the assembly (no file on disk to lose).</summary>
    public static void MapAssets(this IEndpointRouteBuilder app)
    {
        var css = ReadAsset("camtree.css");
        app.MapGet("/assets/camtree.css", (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "public, max-age=3600";
            return Results.Text(css, "text/css; charset=utf-8");
        });
        var editor = ReadAsset("editor.js");
        app.MapGet("/assets/editor.js", (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "public, max-age=3600";
            return Results.Text(editor, "text/javascript; charset=utf-8");
        });
    }

    private static string ReadAsset(string name)
    {
        using var stream = typeof(SecurityHeaders).Assembly.GetManifestResourceStream($"Camtree.Node.Web.Assets.{name}")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
