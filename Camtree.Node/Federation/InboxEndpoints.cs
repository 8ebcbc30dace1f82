using Camtree.Node.Storage;
using Camtree.Node.Configuration;
using Microsoft.Extensions.Options;

namespace Camtree.Node.Federation;

/// <summary>The per-actor inboxes and the shared inbox (ActivityPub §5.2, §7.1.3). Both go through <see cref="InboxReceiver"/>.</summary>
public static class InboxEndpoints
{
    public static void MapInboxes(this IEndpointRouteBuilder app)
    {
        app.MapPost("/inbox", (HttpContext context, InboxReceiver receiver, LocalUris uris) => ReceiveAsync(context, receiver, uris))
            .RequireRateLimiting(Security.RateLimits.InboxPolicy);
        app.MapPost("/users/{username}/inbox", async (string username, HttpContext context, InboxReceiver receiver, ActorStore actors, LocalUris uris) =>
            await actors.FindByUsernameAsync(username) is null
                ? HttpExchange.Error(404, $"no actor {username} here")
                : await ReceiveAsync(context, receiver, uris))
            .RequireRateLimiting(Security.RateLimits.InboxPolicy);
    }

    private static async Task<IResult> ReceiveAsync(HttpContext context, InboxReceiver receiver, LocalUris uris)
    {
        var maxBytes = context.RequestServices.GetRequiredService<IOptions<NodeOptions>>().Value.Limits.DocumentBytes;
        var request = await HttpExchange.ReadRequestAsync(context, maxBytes, new Uri(uris.Base).Scheme);
        if (request is null)
            return HttpExchange.Error(413, $"the body is larger than {maxBytes} bytes");
        var verdict = await receiver.ReceiveAsync(request, context.RequestAborted);
        return verdict.Error is null ? Results.StatusCode(verdict.StatusCode) : HttpExchange.Error(verdict.StatusCode, verdict.Error);
    }
}
