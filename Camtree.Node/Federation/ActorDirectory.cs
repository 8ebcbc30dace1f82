using Camtree.Node.Storage;
using Camtree.Protocol.Discovery;
using Camtree.Protocol.Signatures;
using Camtree.Protocol.Signatures.Multikeys;
using Camtree.Protocol.Signatures.Proofs;

namespace Camtree.Node.Federation;

/// <summary>
/// Remote actors and their keys: read from the store, fetched (signed as the instance actor) when unknown
/// or when asked to refresh. Also resolves keys of this node's own actors without any HTTP.
/// </summary>
public sealed class ActorDirectory(
    RemoteDocumentClient client, RemoteActorStore store, ActorStore localActors, ActorKeyStore localKeys, SigningKeys signingKeys, LocalUris uris)
    : IPublicKeyResolver, IProofKeyResolver
{
    /// <summary>
    /// The Ed25519 Multikey a proof names (FEP-521a): this node's own actors' keys from the store (retired ones
    /// included, so what they signed before a rotation still verifies); another server's from its actor document,
    /// which must list the key under <c>assertionMethod</c> with itself as controller. Fetched each time for now
    /// (signed as the instance actor), so <see cref="ResolvedMultikey.JustFetched"/> is always true for remote keys.
    /// </summary>
    public async Task<ResolvedMultikey?> ResolveMultikeyAsync(string verificationMethodId, bool refresh, CancellationToken cancellationToken)
    {
        var controllerIri = verificationMethodId.Split('#')[0];
        if (uris.ParseActor(controllerIri) is { } username)
        {
            if (await localActors.FindByUsernameAsync(username) is not { } local) return null;
            var key = (await localKeys.AllAsync(local.Id)).FirstOrDefault(k => $"{controllerIri}#{k.Fragment}" == verificationMethodId);
            return key is null ? null : new ResolvedMultikey(verificationMethodId, controllerIri, key.PublicKeyMultibase, JustFetched: true);
        }
        var document = await client.FetchObjectAsync(controllerIri, signingKeys.InstanceKey(), cancellationToken);
        return Multikey.FromAssertionMethod(document.Raw, verificationMethodId) is { } multikey
            ? new ResolvedMultikey(multikey.Id, multikey.Controller, multikey.PublicKeyMultibase, JustFetched: true, multikey.Expires)
            : null;
    }

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
