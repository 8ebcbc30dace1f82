using Camtree.Node.Federation;

namespace Camtree.Node.Oai;

/// <summary>
/// <c>/oai</c>: the OAI-PMH 2.0 base URL (§3.1.1), by GET with a query string or by POST with a form body. Every
/// protocol answer is HTTP 200 with XML, errors included; only what is not OAI-PMH at all (a body too large, a body
/// that is not a form) gets a 4xx.
/// </summary>
public static class OaiEndpoints
{
    public const string Path = "/oai";

    /// <summary>A POSTed request is a few arguments: a larger body is refused unread.</summary>
    public const int MaxBodyBytes = 16 * 1024;

    public static void MapOai(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, (HttpContext context, OaiRepository repository) => AnswerAsync(context, repository, []));
        app.MapPost(Path, async (HttpContext context, OaiRepository repository) =>
        {
            if (context.Request.ContentLength > MaxBodyBytes)
                return HttpExchange.Error(413, $"an OAI-PMH request body is at most {MaxBodyBytes} bytes");
            if (!context.Request.HasFormContentType)
                return HttpExchange.Error(415, "POST an OAI-PMH request as application/x-www-form-urlencoded");
            var body = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>();
            if (body is { IsReadOnly: false }) body.MaxRequestBodySize = MaxBodyBytes;
            IFormCollection form;
            try
            {
                form = await context.Request.ReadFormAsync(new Microsoft.AspNetCore.Http.Features.FormOptions
                {
                    ValueCountLimit = 32,
                    KeyLengthLimit = 64,
                    ValueLengthLimit = MaxBodyBytes,
                }, context.RequestAborted);
            }
            catch (Exception e) when (e is InvalidDataException or BadHttpRequestException)
            {
                return HttpExchange.Error(e is BadHttpRequestException { StatusCode: 413 } ? 413 : 400, $"the form could not be read: {e.Message}");
            }
            return await AnswerAsync(context, repository, [.. form.SelectMany(f => f.Value.Select(v => new KeyValuePair<string, string>(f.Key, v ?? "")))]);
        }).DisableAntiforgery();
    }

    private static async Task<IResult> AnswerAsync(HttpContext context, OaiRepository repository, List<KeyValuePair<string, string>> pairs)
    {
        // §3.1.1: the arguments of a GET are in the query; a POST's in the body (a query there is read too).
        pairs.InsertRange(0, context.Request.Query.SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string>(q.Key, v ?? ""))));
        var xml = await repository.AnswerAsync(pairs);
        return Results.Bytes(xml, "text/xml; charset=utf-8");
    }
}
