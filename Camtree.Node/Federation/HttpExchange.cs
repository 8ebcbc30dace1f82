using System.Text.Json.Nodes;
using Camtree.Protocol.JsonLd;
using Camtree.Protocol.Signatures;
using Camtree.Protocol.Vocabulary;
using Microsoft.AspNetCore.Http.Features;

namespace Camtree.Node.Federation;

/// <summary>The edge between ASP.NET Core and the protocol library: reading signed requests, writing AP documents.</summary>
public static class HttpExchange
{
    /// <summary>
    /// True when the client asks for an ActivityPub document rather than a page. Marks the response
    /// <c>Vary: Accept</c>, since the same URL answers with either.
    /// </summary>
    public static bool WantsActivityPub(HttpRequest request)
    {
        request.HttpContext.Response.Headers.Vary = "Accept";
        return request.Headers.Accept.Any(a => ActivityStreams.IsActivityPubMediaType(a));
    }

    /// <summary>An ActivityPub JSON response with the AS2 media type.</summary>
    public static IResult ActivityPub(JsonObject document) =>
        Results.Text(document.ToJsonString(ActivityJson.Options), ActivityStreams.MediaType + "; charset=utf-8");

    public static IResult ActivityPub<T>(T value) => ActivityPub(ActivityJson.ToDocument(value));

    /// <summary>A refusal with a JSON body that says why.</summary>
    public static IResult Error(int status, string reason) => Results.Json(new { error = reason }, statusCode: status);

    /// <summary>
    /// Reads a request into the framework-free form signatures are checked on: the raw request target as sent,
    /// the headers, and the body (at most <paramref name="maxBodyBytes"/>; null when larger).
    /// </summary>
    public static async Task<HttpRequestParts?> ReadRequestAsync(HttpContext context, int maxBodyBytes)
    {
        var request = context.Request;
        if (request.ContentLength > maxBodyBytes) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.Length + read > maxBodyBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw
            ? raw : request.Path + request.QueryString;
        var headers = request.Headers.ToDictionary(
            h => h.Key, h => (IReadOnlyList<string>)h.Value.Select(v => v ?? "").ToList(), StringComparer.OrdinalIgnoreCase);
        return new HttpRequestParts(request.Method, target, headers, buffer.ToArray());
    }
}
