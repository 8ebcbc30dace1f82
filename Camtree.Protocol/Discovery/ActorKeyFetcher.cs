using Camtree.Protocol.Signatures;

namespace Camtree.Protocol.Discovery;

/// <summary>
/// Resolves a <c>keyId</c> by fetching it: the key id without its fragment is usually the actor document
/// (Mastodon's <c>actor#main-key</c>); when it is a stand-alone key document, its owner is fetched and must
/// list the same key. The node puts a cache in front of this.
/// </summary>
public sealed class ActorKeyFetcher(RemoteDocumentClient client, Func<SigningKey?> instanceKey)
{
    /// <summary>Fetches the key and the actor that owns it.</summary>
    public async Task<(ResolvedPublicKey Key, RemoteActor Owner)?> FetchKeyAsync(string keyId, CancellationToken cancellationToken)
    {
        var documentIri = keyId.Split('#')[0];
        var document = await client.FetchObjectAsync(documentIri, instanceKey(), cancellationToken);
        var actor = RemoteActor.FromDocument(document);
        if (actor is null)
        {
            // A key document: { id, owner, publicKeyPem }. Its owner must confirm the key.
            var owner = document.GetString("owner") ?? document.GetString("controller");
            if (owner is null) return null;
            actor = await client.FetchActorAsync(owner, instanceKey(), cancellationToken);
        }
        var key = actor.PublicKeys.FirstOrDefault(k => k.KeyId == keyId);
        return key is null ? null : (key, actor);
    }
}
