using System.Security;
using Camtree.Node.Configuration;
using Camtree.Node.Storage;
using Camtree.Protocol.Discovery;
using Microsoft.Extensions.Options;

namespace Camtree.Node.Federation;

/// <summary>Discovery: WebFinger (RFC 7033), host-meta (RFC 6415) and NodeInfo 2.1.</summary>
public static class WellKnownEndpoints
{
    public static void MapWellKnown(this IEndpointRouteBuilder app)
    {
        app.MapGet(WebFinger.Path, WebFingerAsync);
        app.MapGet("/.well-known/host-meta", (LocalUris uris) => Results.Text($"""
            <?xml version="1.0" encoding="UTF-8"?>
            <XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">
              <Link rel="lrdd" template="{SecurityElement.Escape(uris.Base)}/.well-known/webfinger?resource={"{uri}"}"/>
            </XRD>
            """, "application/xrd+xml; charset=utf-8"));
        app.MapGet("/.well-known/nodeinfo", (LocalUris uris) =>
            Results.Json(new NodeInfoLinks([new NodeInfoLink(NodeInfoDocument.SchemaRel, $"{uris.Base}/nodeinfo/2.1")])));
        app.MapGet("/nodeinfo/2.1", NodeInfoAsync);
    }

    private static async Task<IResult> WebFingerAsync(string? resource, LocalUris uris, ActorStore actors)
    {
        if (string.IsNullOrEmpty(resource)) return HttpExchange.Error(400, "the resource parameter is required");

        // Accept acct:user@host and the actor's IRI or profile URL, as Mastodon does.
        string? username = null;
        if (AccountHandle.TryParse(resource, out var handle))
        {
            if (!string.Equals(handle.Host, uris.Authority, StringComparison.OrdinalIgnoreCase))
                return HttpExchange.Error(404, $"{handle} is not on this node");
            username = handle.User;
        }
        else
        {
            username = uris.ParseActor(resource) ?? (resource.StartsWith(uris.Base + "/@", StringComparison.Ordinal) ? resource[(uris.Base.Length + 2)..] : null);
        }
        if (username is null || await actors.FindByUsernameAsync(username) is not { } actor)
            return HttpExchange.Error(404, $"no actor {resource} here");

        var response = WebFinger.Describe(uris.Handle(actor.Username), uris.Actor(actor.Username), uris.Profile(actor.Username),
            subscribeTemplate: $"{uris.Base}/authorize_interaction?uri={{uri}}");
        return Results.Json(response, contentType: WebFinger.MediaType);
    }

    /// <summary>
    /// NodeInfo 2.1, with the directory of the network in <c>metadata</c>: <c>nodeName</c> and <c>nodeDescription</c>
    /// (as Mastodon and Misskey write them), and under <c>camtree</c> the library actor and its collection, the
    /// languages of the reports written here with their counts, the most used themes (each with its Group actor), the library's size and how many
    /// libraries this one subscribes to.
    /// </summary>
    private static async Task<IResult> NodeInfoAsync(ActorStore actors, Library.NodeSummaries summaries, ThemeGroupStore themeGroups, LocalUris uris,
        IOptions<NodeOptions> options)
    {
        var users = await actors.CountAsync(Protocol.Vocabulary.AsTypes.Person);
        var summary = await summaries.CurrentAsync();
        var groups = (await themeGroups.ForThemesAsync([.. summary.Themes.Select(t => t.Theme)])).ToDictionary(g => g.Theme, StringComparer.Ordinal);
        var document = new NodeInfoDocument
        {
            Software = new NodeInfoSoftware("camtree", NodeApp.Version, Homepage: "https://camtree.org/"),
            OpenRegistrations = options.Value.Registration == RegistrationMode.Open,
            Usage = new NodeInfoUsage(new NodeInfoUsers(users), summary.LocalReports),
            Metadata = new Dictionary<string, object>
            {
                ["nodeName"] = options.Value.NodeName,
                ["nodeDescription"] = options.Value.NodeDescription,
                ["camtree"] = new Dictionary<string, object>
                {
                    ["library"] = uris.Actor(LocalUris.LibraryUsername),
                    ["libraryCollection"] = uris.LibraryReports,
                    ["registration"] = options.Value.Registration.ToString().ToLowerInvariant(),
                    ["languages"] = summary.Languages,
                    // Each theme with its Group actor, to follow (FEP-1b12).
                    ["themes"] = summary.Themes.Select(t =>
                    {
                        var entry = new Dictionary<string, object> { ["name"] = t.Theme, ["href"] = uris.Theme(t.Theme), ["reports"] = t.Reports };
                        if (groups.TryGetValue(t.Theme, out var group))
                        {
                            entry["actor"] = uris.Actor(group.Username);
                            entry["handle"] = uris.Handle(group.Username).ToString();
                        }
                        return entry;
                    }).ToList(),
                    ["reports"] = new Dictionary<string, int> { ["local"] = summary.LocalReports, ["library"] = summary.LibraryReports },
                    ["subscriptions"] = summary.Subscriptions,
                },
            },
        };
        return Results.Json(document, contentType: $"application/json; profile=\"{NodeInfoDocument.Profile}\"");
    }
}
