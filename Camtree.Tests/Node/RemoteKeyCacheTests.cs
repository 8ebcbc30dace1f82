using Camtree.Node.Storage;
using Camtree.Protocol.Discovery;
using Camtree.Protocol.Signatures;
using Camtree.Tests.Support;

namespace Camtree.Tests.Node;

/// <summary>
/// The remote-key cache in <see cref="RemoteActorStore"/> (every inbox POST reads its signer's key): a key saved here
/// replaces the cached one at once; one replaced by another process sharing the database is read again within
/// <see cref="RemoteActorStore.KeyLifetime"/>. Against a real SQLite file.
/// </summary>
public sealed class RemoteKeyCacheTests : IAsyncLifetime
{
    private const string Actor = "https://peer.example/users/ana";
    private const string KeyId = Actor + "#main-key";
    private readonly OffsetTimeProvider _time = new();
    private ScratchDatabase _scratch = null!;
    private SqliteDatabase _database = null!;

    public async Task InitializeAsync() => _database = (_scratch = await ScratchDatabase.CreateAsync("keys")).Database;

    public async Task DisposeAsync() => await _scratch.DisposeAsync();

    private static RemoteActor WithKey(string pem) =>
        new(Actor, "Person", "ana", "Ana", Actor + "/inbox", null, null, null, null, false, [new ResolvedPublicKey(KeyId, Actor, pem)]);

    [Fact]
    public async Task A_key_saved_here_replaces_the_cached_one_at_once()
    {
        var store = new RemoteActorStore(_database, _time);
        await store.SaveAsync(WithKey("PEM-1"));
        Assert.Equal("PEM-1", (await store.FindKeyAsync(KeyId))!.PublicKeyPem);

        await store.SaveAsync(WithKey("PEM-2")); // a rotation fetched by this process

        Assert.Equal("PEM-2", (await store.FindKeyAsync(KeyId))!.PublicKeyPem);
    }

    [Fact]
    public async Task A_key_replaced_by_another_process_is_read_again_within_the_cache_lifetime()
    {
        var here = new RemoteActorStore(_database, _time);
        var otherProcess = new RemoteActorStore(_database, _time);
        await here.SaveAsync(WithKey("PEM-1"));
        Assert.Equal("PEM-1", (await here.FindKeyAsync(KeyId))!.PublicKeyPem);

        await otherProcess.SaveAsync(WithKey("PEM-2"));
        Assert.Equal("PEM-1", (await here.FindKeyAsync(KeyId))!.PublicKeyPem); // cached: no read per request
        _time.Advance(RemoteActorStore.KeyLifetime);

        Assert.Equal("PEM-2", (await here.FindKeyAsync(KeyId))!.PublicKeyPem);
    }

    [Fact]
    public async Task An_unknown_key_is_not_cached_as_absent()
    {
        var here = new RemoteActorStore(_database, _time);
        Assert.Null(await here.FindKeyAsync(KeyId));
        await new RemoteActorStore(_database, _time).SaveAsync(WithKey("PEM-1"));
        Assert.Equal("PEM-1", (await here.FindKeyAsync(KeyId))!.PublicKeyPem);
    }
}
