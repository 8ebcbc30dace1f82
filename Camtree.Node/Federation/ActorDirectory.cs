using Camtree.Node.Storage;
using Camtree.Protocol.Discovery;
using Camtree.Protocol.Signatures;

namespace Camtree.Node.Federation;

/// <summary>
/// Remote actors and their keys: read from the store, fetched (signed as the instance actor) when unknown
/// or when asked to refresh. Also resolves keys of this node's own actors without any HTTP.
/// </summary>
public sealed class ActorDirectory(
    RemoteDocumentClient client, RemoteActorStore store, ActorStore localActors, SigningKeys signingKeys, LocalUris uris)
    : IPublicKeyResolver
{
    /// <summary>Looks up a handle with WebFinger and returns its actor, fetched and stored.</summary>
    public async Task<StoredRemoteActor> FindByHandleAsync(AccountHandle handle, CancellationToken cancellationToken)
    {
        var iri = await client.LookupWebFingerAsync(handle, cancellationToken);
        return await GetAsync(iri, refresh: true, cancellationToken);
    }

    /// <summary>The actor, from the store unless <paramref name="refresh"/> or unknown. Throws <see cref="RemoteFetchException"/>.</summary>
    public async Task<StoredRemoteActor> GetAsync(string iri, bool refresh, CancellationToken cancellationToken)
    {
        if (!refresh && await store.FindAsync(iri) is { } known) return known;
        var actor = await client.FetchActorAsync(iri, signingKeys.InstanceKey(), cancellationToken);
        if (actor.Id != iri) throw new RemoteFetchException($"{iri} answered with another actor ({actor.Id})");
        await store.SaveAsync(actor);
        return (await store.FindAsync(iri))!;
    }

    /// <inheritdoc />
    public async Task<ResolvedPublicKey?> ResolveAsync(string keyId, bool refresh, CancellationToken cancellationToken)
    {
        if (uris.ParseActor(keyId.Split('#')[0]) is { } username && keyId == uris.KeyId(username))
        {
            return await localActors.FindByUsernameAsync(username) is { } local
                ? new ResolvedPublicKey(keyId, uris.Actor(local.Username), local.PublicKeyPem) : null;
        }
        if (!refresh && await store.FindKeyAsync(keyId) is { } cached) return cached;

        var fetched = await new ActorKeyFetcher(client, signingKeys.InstanceKey).FetchKeyAsync(keyId, cancellationToken);
        if (fetched is not { } found) return null;
        await store.SaveAsync(found.Owner);
        return found.Key with { JustFetched = true };
    }
}
