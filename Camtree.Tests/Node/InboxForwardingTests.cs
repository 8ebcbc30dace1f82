using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Camtree.Node.Storage;
using Camtree.Tests.Support;

namespace Camtree.Tests.Node;

/// <summary>
/// What is not forwarded: an author's Update or Delete without an object proof (its receivers could not believe it
/// from this node), and nothing resurrects a withdrawn report. The forwarding itself is walked across three real
/// nodes in <see cref="FederationTests"/>.
/// </summary>
public sealed class InboxForwardingTests : IAsyncLifetime
{
    private TestNode _node = null!;
    private HostilePeer _authorServer = null!;
    private HostilePeer _listenerServer = null!;

    public async Task InitializeAsync()
    {
        _node = await TestNode.StartAsync("forwarding");
        _authorServer = await HostilePeer.StartAsync();
        _listenerServer = await HostilePeer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _authorServer.DisposeAsync();
        await _listenerServer.DisposeAsync();
    }

    [Fact]
    public async Task An_update_or_delete_without_a_proof_is_applied_but_not_forwarded_and_a_withdrawn_report_stays_withdrawn()
    {
        var reader = await _node.AddPractitionerAsync("reader", "Reader");
        var author = _authorServer.AddActor("author");
        var listener = _listenerServer.AddActor("listener");

        // The reader follows the author; the listener, on another server, follows the reader.
        using (var follow = await reader.Api.PostAsJsonAsync("/api/v1/follows", new { target = author.Iri }))
            Assert.Equal(HttpStatusCode.Accepted, follow.StatusCode);
        var followIri = (await _node.Get<FollowStore>().FindFollowingAsync(reader.Actor.Id, author.Iri))!.FollowActivityIri;
        await SendAsync(author, new { id = $"{author.Iri}/accept", type = "Accept", actor = author.Iri, @object = followIri });
        await SendAsync(listener, new { id = $"{listener.Iri}/follow", type = "Follow", actor = listener.Iri, @object = reader.Iri });
        await Eventually.TrueAsync(async () => (await _node.Get<FollowStore>().ListFollowersAsync(reader.Actor.Id)).Count == 1, "the listener to follow");

        var report = $"{author.Iri}/reports/1";
        Article(author, report, "First title", out var article);
        await SendAsync(author, new { id = $"{author.Iri}/create", type = "Create", actor = author.Iri, to = Public, @object = article });
        await Eventually.GetAsync(() => _node.Get<ReportStore>().FindByIriAsync(report), "the report");
        using (var share = await reader.Api.PostAsJsonAsync("/api/v1/shares", new { @object = report }))
            Assert.True(share.IsSuccessStatusCode);
        await Eventually.TrueAsync(() => Task.FromResult(_listenerServer.Received.Any(r => r.Body.Contains("\"Announce\""))), "the share to reach the listener");

        // An Update signed only over HTTP (no proof): applied here, not forwarded.
        Article(author, report, "Second title", out var edited);
        await SendAsync(author, new { id = $"{author.Iri}/update", type = "Update", actor = author.Iri, to = Public, @object = edited });
        await Eventually.TrueAsync(async () => (await _node.Get<ReportStore>().FindByIriAsync(report))?.Title == "Second title", "the edit");
        await SendAsync(author, new { id = $"{author.Iri}/delete", type = "Delete", actor = author.Iri, to = Public, @object = report });
        await Eventually.TrueAsync(async () => (await _node.Get<ReportStore>().FindByIriAsync(report))?.DeletedAt is not null, "the withdrawal");
        await Task.Delay(500);
        Assert.DoesNotContain(_listenerServer.Received, r => r.Body.Contains($"{author.Iri}/update") || r.Body.Contains($"{author.Iri}/delete"));

        // A later Update does not bring a withdrawn report back.
        Article(author, report, "Back from the dead", out var late);
        var lateId = $"{author.Iri}/update-late";
        await SendAsync(author, new { id = lateId, type = "Update", actor = author.Iri, to = Public, @object = late });
        await Eventually.TrueAsync(async () => (await _node.Get<IInboxStore>().FindAsync(lateId))?.ProcessedAt is not null, "the late update");
        var held = await _node.Get<ReportStore>().FindByIriAsync(report);
        Assert.Equal("Second title", held!.Title);
        Assert.NotNull(held.DeletedAt);
    }

    private static readonly string[] Public = ["https://www.w3.org/ns/activitystreams#Public"];

    private static void Article(PeerActor author, string id, string title, out object article) =>
        article = new { id, type = "Article", attributedTo = author.Iri, to = Public, name = title, summary = "s", content = "c" };

    private async Task SendAsync(PeerActor actor, object activity)
    {
        using var key = actor.SigningKey();
        var outcome = await SignedPost.SendAsync($"{_node.BaseUrl}/inbox", JsonSerializer.Serialize(activity), key);
        Assert.True(outcome.StatusCode == 202, outcome.Error);
    }
}
