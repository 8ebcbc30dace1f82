using Camtree.Node.Configuration;
using Camtree.Protocol.Inbox;
using Microsoft.Extensions.Options;

namespace Camtree.Node.Federation;

/// <summary>
/// Authorized fetch ("secure mode", <see cref="NodeOptions.AuthorizedFetch"/>): ActivityPub representations of
/// objects and collections are served only to GETs signed by a server the federation policy allows. Pages for
/// people, and actor and key documents, are never behind it.
/// </summary>
public static class SignedFetch
{
    /// <summary>Puts an endpoint behind authorized fetch. A negotiated endpoint (HTML or JSON) asks only of JSON requests.</summary>
    public static RouteHandlerBuilder RequireSignedFetch(this RouteHandlerBuilder endpoint, bool negotiated = false) =>
        endpoint.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var options = http.RequestServices.GetRequiredService<IOptions<NodeOptions>>().Value;
            if (!options.AuthorizedFetch || (negotiated && !HttpExchange.WantsActivityPub(http.Request))) return await next(context);
            http.Response.Headers.Vary = "Accept, Signature, Signature-Input";

            var uris = http.RequestServices.GetRequiredService<LocalUris>();
            var request = await HttpExchange.ReadRequestAsync(http, 0, new Uri(uris.Base).Scheme);
            if (request is null) return HttpExchange.Error(400, "a GET has no body");
            var (_, refusal) = await http.RequestServices.GetRequiredService<InboxPipeline>().VerifySignerAsync(request, http.RequestAborted);
            return refusal switch
            {
                null => await next(context),
                { Refusal: InboxRefusal.BadSignature } => HttpExchange.Error(401, $"this node serves ActivityPub documents to signed requests only: {refusal.Reason}"),
                _ => HttpExchange.Error(refusal.Refusal.StatusCode(), refusal.Reason),
            };
        });
}
