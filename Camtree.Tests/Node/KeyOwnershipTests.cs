using System.Text.Json;
using System.Text.Json.Nodes;
using Camtree.Node.Federation;
using Camtree.Node.Storage;
using Camtree.Tests.Support;

namespace Camtree.Tests.Node;

/// <summary>
/// A key belongs to its actor, on its actor's origin: an actor document cannot claim a key id minted by another
/// server, and a key stored for one actor never passes to another, so no one can sign as someone else's key.
/// </summary>
public sealed class KeyOwnershipTests : IAsyncLifetime
{
    private TestNode _node = null!;
    private HostilePeer _attacker = null!;
    private HostilePeer _victimServer = null!;

    public async Task InitializeAsync()
    {
        _node = await TestNode.StartAsync("keys");
        _attacker = await HostilePeer.StartAsync();
        _victimServer = await HostilePeer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _attacker.DisposeAsync();
        await _victimServer.DisposeAsync();
    }

    [Fact]
    public async Task An_actor_document_cannot_claim_another_servers_key_id()
    {
        var victim = _victimServer.AddActor("victim");
        var mallory = _attacker.AddActor("mallory");
        // Mallory's document lists, beside her own key, a key with the victim's key id — and Mallory's public key.
        ListAlsoKey(_attacker, mallory, victim.KeyId, mallory.Iri, mallory.Keys.PublicKeyPem);

        // The node reads Mallory's document (she signs something with her own key)...
        using (var own = mallory.SigningKey())
            Assert.Equal(202, (await SignedPost.SendAsync($"{_node.BaseUrl}/inbox", Like(mallory, 1), own)).StatusCode);
        // ...and keeps only the key on her own origin.
        Assert.Null(await _node.Get<RemoteActorStore>().FindKeyAsync(victim.KeyId));

        // Signing as "the victim's key" with Mallory's private key gets nowhere.
        using var forged = new Camtree.Protocol.Signatures.SigningKey(victim.KeyId, mallory.Keys.PrivateKeyPem);
        var refused = await SignedPost.SendAsync($"{_node.BaseUrl}/inbox", Like(mallory, 2), forged);
        Assert.Equal(401, refused.StatusCode);
        var stored = await _node.Get<RemoteActorStore>().FindKeyAsync(victim.KeyId);
        Assert.Equal(victim.Iri, stored?.Owner);
        Assert.Equal(victim.Keys.PublicKeyPem, stored?.PublicKeyPem);
    }

    [Fact]
    public async Task A_stored_key_never_changes_owner()
    {
        var first = _attacker.AddActor("first");
        var second = _attacker.AddActor("second");
        var directory = _node.Get<ActorDirectory>();
        Assert.Equal(first.Iri, (await directory.ResolveAsync(first.KeyId, refresh: false, CancellationToken.None))?.Owner);

        // A second actor of the same server lists the first one's key id as its own, with its own public key.
        ListAlsoKey(_attacker, second, first.KeyId, second.Iri, second.Keys.PublicKeyPem);
        await directory.GetAsync(second.Iri, refresh: true, CancellationToken.None);

        var stored = await _node.Get<RemoteActorStore>().FindKeyAsync(first.KeyId);
        Assert.Equal(first.Iri, stored?.Owner);
        Assert.Equal(first.Keys.PublicKeyPem, stored?.PublicKeyPem);
        // And a request signed with the second actor's private key under the first one's key id fails.
        using var forged = new Camtree.Protocol.Signatures.SigningKey(first.KeyId, second.Keys.PrivateKeyPem);
        Assert.Equal(401, (await SignedPost.SendAsync($"{_node.BaseUrl}/inbox", Like(second, 3), forged)).StatusCode);
    }

    private static void ListAlsoKey(HostilePeer server, PeerActor actor, string keyId, string owner, string pem)
    {
        var document = JsonNode.Parse(JsonSerializer.Serialize(new
        {
            id = actor.Iri, type = "Person", preferredUsername = actor.Iri.Split('/')[^1], inbox = $"{actor.Iri}/inbox",
            publicKey = new object[]
            {
                new { id = actor.KeyId, owner = actor.Iri, publicKeyPem = actor.Keys.PublicKeyPem },
                new { id = keyId, owner, publicKeyPem = pem },
            },
        }))!.AsObject();
        server.Serve(actor.Path, document);
    }

    private string Like(PeerActor actor, int n) =>
        JsonSerializer.Serialize(new { id = $"{actor.Iri}/likes/{n}", type = "Like", actor = actor.Iri, @object = $"{_node.BaseUrl}/reports/none" });
}
