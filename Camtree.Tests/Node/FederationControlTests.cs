using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Camtree.Node.Library;
using Camtree.Node.Storage;
using Camtree.Protocol.Discovery;
using Camtree.Protocol.Vocabulary;
using Camtree.Tests.Support;

namespace Camtree.Tests.Node;

/// <summary>The node owner decides whom the node federates with, and whether its documents need signed fetches.</summary>
public sealed class FederationControlTests
{
    private static Dictionary<string, string?> Policy(string mode, params string[] domains)
    {
        var settings = new Dictionary<string, string?> { ["Camtree:Federation:Mode"] = mode };
        for (var i = 0; i < domains.Length; i++) settings[$"Camtree:Federation:Domains:{i}"] = domains[i];
        return settings;
    }

    [Fact]
    public async Task A_blocked_server_is_refused_at_the_inbox_and_never_fetched_or_delivered_to()
    {
        await using var open = await TestNode.StartAsync("open");
        var openAuthority = open.Authority;
        await using var closed = await TestNode.StartAsync("closed", settings: Policy("Blocklist", openAuthority));
        var outsider = await open.AddPractitionerAsync("outsider", "Outsider");
        var insider = await closed.AddPractitionerAsync("insider", "Insider");

        // The open node's Follow reaches the closed node's inbox and is refused with 403, before any key fetch.
        using (await outsider.Api.PostAsJsonAsync("/api/v1/follows", new { target = insider.Iri })) { }
        var follow = (await open.Get<FollowStore>().FindFollowingAsync(outsider.Actor.Id, insider.Iri))!;
        await Eventually.TrueAsync(async () =>
            (await open.Get<DeliveryStore>().ForActivityAsync(follow.FollowActivityIri)).Single().State == DeliveryStates.Failed,
            "the Follow to be refused for good");
        var refused = (await open.Get<DeliveryStore>().ForActivityAsync(follow.FollowActivityIri)).Single();
        Assert.Equal(403, refused.LastStatus);
        Assert.Contains("federation policy", refused.LastError);
        Assert.Empty(await insider.Api.GetFromJsonAsync<JsonElement[]>("/api/v1/followers") ?? []);
        Assert.Null(await closed.Get<RemoteActorStore>().FindAsync(outsider.Iri)); // never fetched

        // The closed node will not look the open node up either.
        using var lookup = await insider.Api.PostAsJsonAsync("/api/v1/follows", new { target = outsider.Handle });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, lookup.StatusCode);
        Assert.Contains("federation policy", (await lookup.Content.ReadFromJsonAsync<JsonElement>()).Text("error"));
    }

    [Fact]
    public async Task An_allowlisted_network_federates_inside_and_sends_nothing_outside()
    {
        await using var outside = await TestNode.StartAsync("outside");
        await using var member = await TestNode.StartAsync("member");
        await using var hub = await TestNode.StartAsync("hub", settings: Policy("Allowlist", member.Authority));
        var author = await hub.AddPractitionerAsync("author", "Author");
        var colleague = await member.AddPractitionerAsync("colleague", "Colleague");
        using (var follow = await colleague.Api.PostAsJsonAsync("/api/v1/follows", new { target = author.Handle }))
            Assert.Equal(HttpStatusCode.Accepted, follow.StatusCode);
        await Eventually.TrueAsync(async () =>
            (await member.Get<FollowStore>().FindFollowingAsync(colleague.Actor.Id, author.Iri))?.State == FollowStates.Accepted, "the member's follow");

        // An outside follower recorded before the policy (say) gets nothing: no delivery row is even written.
        var stranger = new RemoteActor($"{outside.BaseUrl}/users/stranger", "Person", "stranger", null, $"{outside.BaseUrl}/inbox", null, null, null, null, false, []);
        await hub.Get<RemoteActorStore>().SaveAsync(stranger);
        await hub.Get<FollowStore>().AddFollowerAsync(author.Actor.Id, stranger.Id, $"{outside.BaseUrl}/f/1", FollowStates.Accepted, DateTimeOffset.UtcNow);

        var report = await hub.Get<ReportService>().PublishAsync(author.Actor, new ReportDraft { Title = "For the network", Findings = "f" });
        await Eventually.GetAsync(() => member.Get<ReportStore>().FindByIriAsync(report.Iri), "the report at the member node");
        var create = (await hub.Get<OutboxStore>().PagePublicAsync(author.Actor.Id, null, 1)).Single();
        var delivery = Assert.Single(await hub.Get<DeliveryStore>().ForActivityAsync(create.Iri));
        Assert.Equal($"{member.BaseUrl}/inbox", delivery.InboxUrl);
    }

    [Fact]
    public async Task Under_authorized_fetch_documents_need_a_signed_GET_but_actors_and_pages_stay_public()
    {
        await using var secure = await TestNode.StartAsync("secure", settings: new Dictionary<string, string?> { ["Camtree:AuthorizedFetch"] = "true" });
        await using var peer = await TestNode.StartAsync("peer");
        var author = await secure.AddPractitionerAsync("author", "Author");
        var report = await secure.Get<ReportService>().PublishAsync(author.Actor, new ReportDraft { Title = "Behind authorized fetch", Findings = "f" });

        async Task<HttpStatusCode> UnsignedAsync(string url, string accept)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Accept.ParseAdd(accept);
            return (await secure.Http.SendAsync(request)).StatusCode;
        }
        Assert.Equal(HttpStatusCode.Unauthorized, await UnsignedAsync(report.Iri, ActivityStreams.MediaType));
        Assert.Equal(HttpStatusCode.Unauthorized, await UnsignedAsync($"{author.Iri}/outbox", ActivityStreams.MediaType));
        Assert.Equal(HttpStatusCode.Unauthorized, await UnsignedAsync($"{author.Iri}/followers", ActivityStreams.MediaType));
        Assert.Equal(HttpStatusCode.OK, await UnsignedAsync(author.Iri, ActivityStreams.MediaType)); // actor and key: public
        Assert.Equal(HttpStatusCode.OK, await UnsignedAsync(report.Iri, "text/html")); // the page for people

        // Another node's fetch is signed as its instance actor, and gets the report.
        var fetched = await peer.Get<RemoteDocumentClient>().FetchObjectAsync(report.Iri, peer.Get<Camtree.Node.Federation.SigningKeys>().InstanceKey(), CancellationToken.None);
        Assert.Equal("Behind authorized fetch", fetched.Name);
        var unsigned = await Assert.ThrowsAsync<RemoteFetchException>(() =>
            peer.Get<RemoteDocumentClient>().FetchObjectAsync(report.Iri, null, CancellationToken.None));
        Assert.Contains("401", unsigned.Message);
    }
}
