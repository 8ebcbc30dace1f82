using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Camtree.Node.Storage;
using Camtree.Protocol.Signatures;
using Camtree.Tests.Support;

namespace Camtree.Tests.Node;

/// <summary>
/// Interop with software others wrote: a Fedify server (npm <c>@fedify/fedify</c>, signature verification on)
/// and a Camtree node federate both ways over loopback. Everything the peer records has passed Fedify's own
/// verification of Camtree's signatures; everything Camtree stores has passed Camtree's verification of Fedify's.
/// </summary>
public sealed class FedifyInteropTests : IAsyncLifetime
{
    private TestNode _node = null!;
    private FedifyPeer _peer = null!;

    public async Task InitializeAsync()
    {
        var node = TestNode.StartAsync("camtree");
        var peer = FedifyPeer.StartAsync();
        (_node, _peer) = (await node, await peer);
    }

    public async Task DisposeAsync()
    {
        await _peer.DisposeAsync();
        await _node.DisposeAsync();
    }

    private static async Task FollowFromCamtreeAsync(TestNode node, Practitioner practitioner, FedifyPeer peer)
    {
        using var response = await practitioner.Api.PostAsJsonAsync("/api/v1/follows", new { target = peer.Handle });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await Eventually.TrueAsync(async () =>
            (await node.Get<FollowStore>().FindFollowingAsync(practitioner.Actor.Id, peer.ActorIri))?.State == FollowStates.Accepted,
            $"Fedify's Accept to reach Camtree\npeer log:\n{peer.Log}");
    }

    private async Task FollowFromFedifyAsync(Practitioner practitioner)
    {
        await _peer.PostAsync("/_control/follow", new { target = practitioner.Iri });
        await _peer.WaitForAsync(a => a.Text("type") == "Accept" && a.Text("actor") == practitioner.Iri, "Camtree's Accept at the peer");
    }

    private static async Task<string> PublishAsync(Practitioner author, string title)
    {
        using var response = await author.Api.PostAsJsonAsync("/api/v1/reports", new
        {
            title, language = "en", findings = "Pupils explained their reasoning more often.", body = "## What we tried\nMini-whiteboards.",
            methodology = "lesson-study", themes = new[] { "oracy" },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).Text("iri");
    }

    [Fact]
    public async Task Fedify_follows_a_Camtree_practitioner_and_receives_her_signed_reports()
    {
        var ana = await _node.AddPractitionerAsync("ana", "Ana Souza");
        await FollowFromFedifyAsync(ana);
        var followers = await ana.Api.GetFromJsonAsync<JsonElement>("/api/v1/followers");
        Assert.Contains(followers.EnumerateArray(), f => f.Text("follower") == _peer.ActorIri && f.Text("state") == FollowStates.Accepted);

        var iri = await PublishAsync(ana, "Mini-whiteboards and reasoning in Year 5");

        var create = await _peer.WaitForAsync(a => a.Text("type") == "Create" && a.Text("objectId") == iri, "the Create(Article) at the peer");
        Assert.Equal("Article", create.Text("objectType"));
        Assert.Equal(ana.Iri, create.Text("actor"));
        var article = create.GetProperty("object");
        Assert.Equal("Mini-whiteboards and reasoning in Year 5", article.Text("name"));
        Assert.Equal(ana.Iri, article.Text("attributedTo"));
    }

    [Fact]
    public async Task Fedify_follows_a_theme_group_and_receives_both_Announces_with_the_relayed_Create_s_proof_intact()
    {
        var ana = await _node.AddPractitionerAsync("ana", "Ana Souza");
        await PublishAsync(ana, "Talk partners in Year 2"); // the first report on #oracy makes its group
        var group = $"{_node.BaseUrl}/users/oracy";
        await _peer.PostAsync("/_control/follow", new { target = $"@oracy@{_node.Authority}" });
        await _peer.WaitForAsync(a => a.Text("type") == "Accept" && a.Text("actor") == group, "the group's Accept at the peer");

        var iri = await PublishAsync(ana, "Sentence stems in Year 4");
        // Fedify recorded both only after verifying the group's signature on each.
        await _peer.WaitForAsync(a => a.Text("type") == "Announce" && a.Text("actor") == group && a.Text("objectId") == iri, "the Article's Announce (Mastodon's form)");
        var relay = await _peer.WaitForAsync(a => a.Text("type") == "Announce" && a.Text("actor") == group && a.Text("objectType") == "Create",
            "the Create's Announce (FEP-1b12)");

        // As Camtree serves it: the group's proof on the Announce, and ana's on the Create inside it, both verified by Fedify.
        var served = await _node.ActivityPubAsync(relay.Text("id"));
        Assert.Equal(group, served.GetProperty("audience")[0].GetString());
        Assert.True((await _peer.PostAsync("/_control/verify-proof", new { document = served })).GetProperty("verified").GetBoolean(),
            $"Fedify did not verify the group's proof on its Announce\n{_peer.Log}");
        var create = served.GetProperty("object");
        Assert.Equal(iri, create.GetProperty("object").GetProperty("id").GetString());
        Assert.True((await _peer.PostAsync("/_control/verify-proof", new { document = create })).GetProperty("verified").GetBoolean(),
            $"Fedify did not verify ana's proof on the relayed Create\n{_peer.Log}");
    }

    [Fact]
    public async Task Camtree_follows_a_Fedify_actor_and_receives_its_notes_signed_with_RFC_9421()
    {
        var ana = await _node.AddPractitionerAsync("ana", "Ana Souza");
        await FollowFromCamtreeAsync(_node, ana, _peer);

        var note = await _peer.PostAsync("/_control/note", new { content = "<p>Thank you for the lesson study, @ana!</p>", to = ana.Iri });

        var mention = await Eventually.GetAsync<object>(async () =>
            (await ana.Api.GetFromJsonAsync<JsonElement>("/api/v1/mentions")).EnumerateArray()
                .Where(m => m.Text("note") == note.Text("note")).Select(m => (object?)m).FirstOrDefault(), $"the mention at Camtree\npeer log:\n{_peer.Log}");
        Assert.Contains("Thank you for the lesson study", ((JsonElement)mention).Text("content"));
        Assert.Equal(_peer.ActorIri, ((JsonElement)mention).Text("author"));

        // Fedify knocked with RFC 9421 first, and Camtree verified it: no fall-back was needed.
        await Eventually.TrueAsync(() => Task.FromResult(_peer.Log.Replace("users/ana/inbox", "inbox").Contains($"'{_node.BaseUrl}/inbox' ['rfc9421'] -> 202")),
            $"the peer's log of Camtree's 202\n{_peer.Log}");
        Assert.DoesNotContain($"'{_node.BaseUrl}/users/ana/inbox' ['rfc9421'] -> 401", _peer.Log);
    }

    /// <summary>What the peer's federation endpoints received: method, path, signature scheme, status.</summary>
    private static async Task<IReadOnlyList<(string Method, string Path, string Signature, int? Status)>> RequestsAtAsync(FedifyPeer peer) =>
        [.. (await peer.Control.GetFromJsonAsync<JsonElement>("/_control/requests")).EnumerateArray().Select(r => (r.Text("method")!, r.Text("path")!,
            r.Text("signature")!, r.GetProperty("status").ValueKind == JsonValueKind.Number ? r.GetProperty("status").GetInt32() : (int?)null))];

    [Fact]
    public async Task Camtree_signs_its_deliveries_with_RFC_9421_first_and_Fedify_verifies_them_at_the_first_knock()
    {
        var ana = await _node.AddPractitionerAsync("ana", "Ana Souza");
        await FollowFromFedifyAsync(ana);
        var report = await PublishAsync(ana, "Exit tickets, signed the new way");
        await _peer.WaitForAsync(a => a.Text("type") == "Create" && a.Text("objectId") == report, "the report at the peer");

        var posts = (await RequestsAtAsync(_peer)).Where(r => r.Method == "POST").ToList();
        Assert.NotEmpty(posts);
        // Every POST went in RFC 9421 and was taken: Fedify verified it, no draft-cavage second knock was needed.
        Assert.All(posts, p => Assert.Equal(("rfc9421", 202), (p.Signature, p.Status)));
        Assert.Equal(HttpSignatureScheme.Rfc9421, _node.Get<SignatureSchemes>().Remembered(_peer.BaseUrl));
    }

    [Fact]
    public async Task Against_a_server_that_refuses_RFC_9421_Camtree_knocks_again_with_draft_cavage_and_remembers_it()
    {
        await _peer.PostAsync("/_control/refuse-rfc9421", new { refuse = true });
        var ana = await _node.AddPractitionerAsync("ana", "Ana Souza");
        await FollowFromFedifyAsync(ana); // Camtree's Accept: refused in RFC 9421, taken in draft-cavage
        Assert.Equal(HttpSignatureScheme.DraftCavage, _node.Get<SignatureSchemes>().Remembered(_peer.BaseUrl));

        var report = await PublishAsync(ana, "Exit tickets, signed the old way");
        await _peer.WaitForAsync(a => a.Text("type") == "Create" && a.Text("objectId") == report, "the report at the peer");
        var posts = (await RequestsAtAsync(_peer)).Where(r => r.Method == "POST").ToList();
        Assert.Equal(("rfc9421", 401), (posts[0].Signature, posts[0].Status));
        Assert.Equal(("draft-cavage", 202), (posts[1].Signature, posts[1].Status));
        // From then on the first knock is draft-cavage: one request per delivery, each verified by Fedify.
        Assert.All(posts.Skip(2), p => Assert.Equal(("draft-cavage", 202), (p.Signature, p.Status)));
        Assert.True(posts.Count > 2, "the Create was delivered after the Accept");
    }

    [Fact]
    public async Task A_Fedify_server_that_signs_with_draft_cavage_is_verified_too()
    {
        await using var cavagePeer = await FedifyPeer.StartAsync(firstKnock: "draft-cavage-http-signatures-12");
        var ana = await _node.AddPractitionerAsync("ana", "Ana Souza");
        await FollowFromCamtreeAsync(_node, ana, cavagePeer); // the Accept comes signed with draft-cavage
        // The peer logs the answer to its POST after it has it, and its log is read asynchronously.
        await Eventually.TrueAsync(() => Task.FromResult(cavagePeer.Log.Contains($"'{ana.Iri}/inbox' ['draft-cavage'] -> 202")),
            $"the peer's log of Camtree's 202\n{cavagePeer.Log}");
    }

    [Fact]
    public async Task Replies_likes_and_shares_travel_both_ways()
    {
        var ana = await _node.AddPractitionerAsync("ana", "Ana Souza");
        await FollowFromCamtreeAsync(_node, ana, _peer);
        await FollowFromFedifyAsync(ana);
        var report = await PublishAsync(ana, "Talk partners in Year 8");
        await _peer.WaitForAsync(a => a.Text("type") == "Create" && a.Text("objectId") == report, "the report at the peer");

        // Fedify → Camtree: a reply becomes a comment, a like and a share are counted on the report.
        var reply = await _peer.PostAsync("/_control/note", new { content = "<p>We tried this in Year 9 too.</p>", inReplyTo = report, to = ana.Iri });
        var peerLike = (await _peer.PostAsync("/_control/like", new { @object = report, to = ana.Iri })).Text("like");
        var peerAnnounce = (await _peer.PostAsync("/_control/announce", new { @object = report, to = ana.Iri })).Text("announce");

        var comment = await Eventually.GetAsync<object>(async () =>
            (await ana.Api.GetFromJsonAsync<JsonElement>($"/api/v1/comments?report={Uri.EscapeDataString(report)}")).EnumerateArray()
                .Where(c => c.Text("iri") == reply.Text("note")).Select(c => (object?)c).FirstOrDefault(), "the reply as a comment");
        Assert.Equal(_peer.ActorIri, ((JsonElement)comment).Text("authorIri"));
        // likes and shares are collections of the Like and Announce activities (ActivityPub §5.7, §5.8).
        await Eventually.TrueAsync(async () => await CollectionHasAsync($"{report}/likes", peerLike), "the Like in the report's likes");
        await Eventually.TrueAsync(async () => await CollectionHasAsync($"{report}/shares", peerAnnounce), "the Announce in the report's shares");
        var page = await _node.Http.GetStringAsync(report);
        Assert.Contains("We tried this in Year 9 too.", page);

        // Camtree → Fedify: a reply to the peer's note, a like and a share of it.
        using (var answer = await ana.Api.PostAsJsonAsync("/api/v1/replies", new { inReplyTo = reply.Text("note"), content = "Lovely — how long were the cycles?" }))
            Assert.Equal(HttpStatusCode.Created, answer.StatusCode);
        using (var like = await ana.Api.PostAsJsonAsync("/api/v1/likes", new { @object = reply.Text("note") }))
            Assert.Equal(HttpStatusCode.NoContent, like.StatusCode);
        using (var share = await ana.Api.PostAsJsonAsync("/api/v1/shares", new { @object = reply.Text("note") }))
            Assert.Equal(HttpStatusCode.NoContent, share.StatusCode);

        var answered = await _peer.WaitForAsync(a => a.Text("type") == "Create" && a.Text("objectType") == "Note" && a.Text("actor") == ana.Iri,
            "Camtree's reply at the peer");
        Assert.Equal(reply.Text("note"), answered.GetProperty("object").Text("inReplyTo"));
        await _peer.WaitForAsync(a => a.Text("type") == "Like" && a.Text("objectId") == reply.Text("note"), "Camtree's like at the peer");
        await _peer.WaitForAsync(a => a.Text("type") == "Announce" && a.Text("objectId") == reply.Text("note"), "Camtree's share at the peer");
    }

    [Fact]
    public async Task Fedify_verifies_Camtree_s_proofs_and_Camtree_verifies_Fedify_s()
    {
        var ana = await _node.AddPractitionerAsync("ana", "Ana Souza");
        var iri = await PublishAsync(ana, "Proof for Fedify");

        // Fedify's own verifier (verifyObject) on Camtree's signed Article: it fetches ana's Multikey and checks.
        using var request = new HttpRequestMessage(HttpMethod.Get, iri);
        request.Headers.Accept.ParseAdd("application/activity+json");
        var article = System.Text.Json.Nodes.JsonNode.Parse(await (await _node.Http.SendAsync(request)).Content.ReadAsStringAsync())!.AsObject();
        Assert.True((await _peer.PostAsync("/_control/verify-proof", new { document = article })).GetProperty("verified").GetBoolean(),
            $"Fedify did not verify Camtree's proof\n{_peer.Log}");
        article["name"] = "Changed after signing";
        Assert.False((await _peer.PostAsync("/_control/verify-proof", new { document = article })).GetProperty("verified").GetBoolean());

        // Fedify signs what it sends with its Ed25519 key; Camtree verified that proof and recorded its key.
        await FollowFromCamtreeAsync(_node, ana, _peer);
        var note = await _peer.PostAsync("/_control/note", new { content = "<p>Signed twice</p>", to = ana.Iri });
        var entry = await Eventually.GetAsync(() => _node.Get<IInboxStore>().FindAsync(note.Text("create")), "the peer's Create at Camtree");
        using var actorRequest = new HttpRequestMessage(HttpMethod.Get, _peer.ActorIri);
        actorRequest.Headers.Accept.ParseAdd("application/activity+json");
        var actor = JsonDocument.Parse(await (await _node.Http.SendAsync(actorRequest)).Content.ReadAsStringAsync()).RootElement;
        var multikeys = actor.GetProperty("assertionMethod").EnumerateArray().Select(k => k.Text("id")).ToList();
        Assert.Contains(entry.SignerKeyId, multikeys);
    }

    private async Task<bool> CollectionHasAsync(string collection, string member)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, collection + "?page=1");
        request.Headers.Accept.ParseAdd("application/activity+json");
        using var response = await _node.Http.SendAsync(request);
        var page = await response.Content.ReadFromJsonAsync<JsonElement>();
        return page.TryGetProperty("orderedItems", out var items) && items.EnumerateArray().Any(i => i.GetString() == member);
    }
}
