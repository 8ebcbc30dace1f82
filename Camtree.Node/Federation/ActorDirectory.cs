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
    RemoteDocumentClient client, RemoteActorStore store, ActorStore localActors, ActorKeyStore localKeys, SigningKeys signingKeys, LocalUris uris,
    Microsoft.Extensions.Options.IOptions<Configuration.NodeOptions> options, TimeProvider time)
    : IPublicKeyResolver, IProofKeyResolver
{
    /// <summary>
    /// Keys whose fetch failed recently, by key id, with why: asked for again only after
    /// <see cref="Configuration.LimitsOptions.KeyFetchFailureSeconds"/>, so that requests signed with a key that cannot be
    /// fetched cost this node no outgoing request each (Mastodon keeps such failures too).
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (DateTimeOffset Until, string Reason)> _failedKeys = new();
    private const int FailedKeysSize = 10_000;
    private readonly TimeSpan _failureLifetime = options.Value.Limits.KeyFetchFailureLifetime;

    /// <summary>Remote Multikeys read in the last <see cref="MultikeyCacheLifetime"/>, by key id (absent keys are not cached).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (ResolvedMultikey Key, DateTimeOffset FetchedAt)> _multikeys = new();
    private static readonly TimeSpan MultikeyCacheLifetime = TimeSpan.FromMinutes(10);
    private const int MultikeyCacheSize = 10_000;

    /// <summary>
    /// The Ed25519 Multikey a proof names (FEP-521a): this node's own actors' keys from the store (retired ones
    /// included, so what they signed before a rotation still verifies); another server's from its actor document,
    /// which must list the key under <c>assertionMethod</c> with itself as controller, kept for ten minutes in
    /// memory (<c>refresh</c> bypasses that, and a key that fails to verify is fetched again once by the verifier).
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
        if (!refresh && _multikeys.TryGetValue(verificationMethodId, out var cached) && time.GetUtcNow() - cached.FetchedAt < MultikeyCacheLifetime)
            return cached.Key with { JustFetched = false };
        var document = await RememberingFailureAsync(verificationMethodId,
            () => client.FetchObjectAsync(controllerIri, signingKeys.InstanceKey(), cancellationToken));
        if (Multikey.FromAssertionMethod(document.Raw, verificationMethodId) is not { } multikey) return null;
        var resolved = new ResolvedMultikey(multikey.Id, multikey.Controller, multikey.PublicKeyMultibase, JustFetched: true, multikey.Expires);
        if (_multikeys.Count >= MultikeyCacheSize) _multikeys.Clear();
        _multikeys[verificationMethodId] = (resolved, time.GetUtcNow());
        return resolved;
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
        await SaveAsync(actor);
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

        var fetched = await RememberingFailureAsync(keyId,
            async () => await new ActorKeyFetcher(client, signingKeys.InstanceKey).FetchKeyAsync(keyId, cancellationToken)
                        ?? throw new RemoteFetchException($"key {keyId} is not published by its actor"));
        var found = fetched;
        await SaveAsync(found.Owner);
        return found.Key with { JustFetched = true };
    }

    /// <summary>
    /// Stores a fetched actor, unless it is new and its server already has <see cref="Configuration.LimitsOptions.RemoteActorsPerHost"/>
    /// actors here: one server minting actors without end must not fill this node's disk.
    /// </summary>
    private async Task SaveAsync(RemoteActor actor)
    {
        var cap = options.Value.Limits.RemoteActorsPerHost;
        if (await store.FindAsync(actor.Id) is null && await store.CountOnOriginAsync(actor.Id) >= cap)
            throw new RemoteFetchException($"{new Uri(actor.Id).Authority} already has {cap} actors stored here (Camtree:Limits:RemoteActorsPerHost)");
        await store.SaveAsync(actor);
    }

    /// <summary>Runs a key fetch unless the same key failed recently; a failure is remembered (and thrown).</summary>
    private async Task<T> RememberingFailureAsync<T>(string keyId, Func<Task<T>> fetch)
    {
        var now = time.GetUtcNow();
        if (_failedKeys.TryGetValue(keyId, out var failed))
        {
            if (failed.Until > now) throw new RemoteFetchException($"{failed.Reason} (not tried again until {failed.Until:HH:mm:ss} UTC)");
            _failedKeys.TryRemove(keyId, out _);
        }
        try { return await fetch(); }
        catch (HttpRequestException e)
        {
            if (_failedKeys.Count >= FailedKeysSize) _failedKeys.Clear();
            _failedKeys[keyId] = (now + _failureLifetime, e.Message);
            throw;
        }
    }
}
