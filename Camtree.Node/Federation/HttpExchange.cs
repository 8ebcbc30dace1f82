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
        var vary = request.HttpContext.Response.Headers.Vary.ToString();
        if (!vary.Contains("Accept", StringComparison.OrdinalIgnoreCase))
            request.HttpContext.Response.Headers.Vary = vary.Length == 0 ? "Accept" : $"{vary}, Accept";
        return request.Headers.Accept.Any(a => ActivityStreams.IsActivityPubMediaType(a));
    }

    /// <summary>An ActivityPub JSON response with the AS2 media type.</summary>
    public static IResult ActivityPub(JsonObject document, int statusCode = StatusCodes.Status200OK) =>
        Results.Text(document.ToJsonString(ActivityJson.Options), ActivityStreams.MediaType + "; charset=utf-8", statusCode: statusCode);

    public static IResult ActivityPub<T>(T value, int statusCode = StatusCodes.Status200OK) => ActivityPub(ActivityJson.ToDocument(value), statusCode);

    /// <summary>Items per page of a collection of IRIs.</summary>
    public const int CollectionPageSize = 20;

    /// <summary>A collection of IRIs: the collection with its count, and pages of <see cref="CollectionPageSize"/> by number.</summary>
    public static IResult Collection(string iri, string? page, IReadOnlyList<string> members)
    {
        if (page is null)
            return HttpExchange.ActivityPub(new OrderedCollection { Id = iri, TotalItems = members.Count, First = iri + "?page=1" });
        if (!int.TryParse(page, out var number) || number < 1) return HttpExchange.Error(400, "page is a number from 1");
        // In 64 bits: page 2147483647 must be an empty page past the end, not wrap round to the first.
        var skip = (long)(number - 1) * CollectionPageSize;
        var items = skip >= members.Count ? [] : members.Skip((int)skip).Take(CollectionPageSize).Cast<object>().ToList();
        return HttpExchange.ActivityPub(new OrderedCollectionPage
        {
            Id = $"{iri}?page={number}",
            PartOf = iri,
            TotalItems = members.Count,
            Next = (long)number * CollectionPageSize < members.Count ? $"{iri}?page={number + 1}" : null,
            Prev = number > 1 ? $"{iri}?page={number - 1}" : null,
            OrderedItems = items,
        });
    }

    /// <summary>A refusal that says why: JSON for servers and API clients, a page for browsers.</summary>
    public static IResult Error(int status, string reason) => Web.ErrorResponses.Error(status, reason);

    /// <summary>
    /// Reads a request into the framework-free form signatures are checked on: the raw request target as sent,
    /// the headers, and the body (at most <paramref name="maxBodyBytes"/>; null when larger). The scheme is the one
    /// of the node's public URL, which is what a sender signed (RFC 9421 <c>@target-uri</c>), even behind a
    /// TLS-terminating proxy.
    /// </summary>
    public static async Task<HttpRequestParts?> ReadRequestAsync(HttpContext context, int maxBodyBytes, string publicScheme)
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
        return new HttpRequestParts(request.Method, target, headers, buffer.ToArray()) { Scheme = publicScheme };
    }
}
