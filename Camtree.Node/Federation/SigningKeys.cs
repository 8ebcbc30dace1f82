using System.Collections.Concurrent;
using Camtree.Node.Storage;
using Camtree.Protocol.Signatures;

namespace Camtree.Node.Federation;

/// <summary>
/// Parsed signing keys of local actors, one per actor for the life of the process (parsing a PEM costs more
/// than signing with it).
/// </summary>
public sealed class SigningKeys(LocalUris uris, ActorStore actors)
{
    private readonly ConcurrentDictionary<long, SigningKey> _keys = new();
    private SigningKey? _instanceKey;

    public SigningKey For(LocalActor actor) =>
        _keys.GetOrAdd(actor.Id, _ => new SigningKey(uris.KeyId(actor.Username), actor.PrivateKeyPem));

    public async Task<SigningKey?> ForAsync(long actorId) =>
        _keys.TryGetValue(actorId, out var key) ? key
        : await actors.FindAsync(actorId) is { } actor ? For(actor) : null;

    /// <summary>The key of the node's library actor, which signs the node's own fetches (an "instance actor").</summary>
    public SigningKey? InstanceKey() => _instanceKey;

    /// <summary>Loads the instance key once the library actor exists (at start).</summary>
    public void SetInstanceActor(LocalActor library) => _instanceKey = For(library);
}
