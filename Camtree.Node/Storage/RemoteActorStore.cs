using Camtree.Protocol.Discovery;
using Camtree.Protocol.Signatures;
using Dapper;

namespace Camtree.Node.Storage;

/// <summary>What this node remembers of an actor on another server.</summary>
public sealed record StoredRemoteActor
{
    public string Iri { get; init; } = "";
    public string ActorType { get; init; } = "";
    public string? Username { get; init; }
    public string? DisplayName { get; init; }
    public string Inbox { get; init; } = "";
    public string? SharedInbox { get; init; }
    public string? Url { get; init; }
    public bool ManuallyApprovesFollowers { get; init; }
    /// <summary>FEP-5feb: the actor consents to full-text indexing of its public reports.</summary>
    public bool Indexable { get; init; }
    public bool Discoverable { get; init; }
    public DateTimeOffset FetchedAt { get; init; }

    /// <summary>A handle to show people: <c>@user@host</c>, or the IRI when the actor has no username.</summary>
    public string Handle => Username is null ? Iri : $"@{Username}@{new Uri(Iri).Authority}";
}

/// <summary>Cached remote actors and their public keys.</summary>
public sealed class RemoteActorStore(Database database, TimeProvider time)
{
    /// <summary>
    /// Keys read in the last <see cref="KeyLifetime"/>, by key id: every inbox POST looks up its signer's key, and
    /// under a flood that read was a tenth of the node's time. <see cref="SaveAsync"/> drops the saved actor's keys
    /// here; another process sharing the database sees a replaced key within <see cref="KeyLifetime"/> (a signature
    /// that fails with a cached key is verified again with a fetched one, which saves it, so a rotation is not refused).
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (ResolvedPublicKey Key, DateTimeOffset ReadAt)> _keys = new(StringComparer.Ordinal);
    internal static readonly TimeSpan KeyLifetime = TimeSpan.FromMinutes(1);
    private const int KeyCacheSize = 10_000;

    /// <summary>Stores (or refreshes) an actor and replaces its keys, in one transaction.</summary>
    public async Task SaveAsync(RemoteActor actor)
    {
        await SaveRowsAsync(actor);
        foreach (var key in actor.PublicKeys) _keys.TryRemove(key.KeyId, out _);
        foreach (var cached in _keys.Where(k => k.Value.Key.Owner == actor.Id)) _keys.TryRemove(cached.Key, out _);
    }

    private Task SaveRowsAsync(RemoteActor actor) => database.InTransactionAsync(async work =>
    {
        var now = time.GetUtcNow();
        await work.ExecuteAsync("""
            INSERT INTO remote_actors (iri, actor_type, username, display_name, inbox, shared_inbox, url, manually_approves_followers, indexable, discoverable, fetched_at)
            VALUES (@Id, @Type, @PreferredUsername, @Name, @Inbox, @SharedInbox, @Url, @ManuallyApprovesFollowers, @Indexable, @Discoverable, @now)
            ON CONFLICT (iri) DO UPDATE SET actor_type = excluded.actor_type, username = excluded.username,
                display_name = excluded.display_name, inbox = excluded.inbox, shared_inbox = excluded.shared_inbox,
                url = excluded.url, manually_approves_followers = excluded.manually_approves_followers,
                indexable = excluded.indexable, discoverable = excluded.discoverable, fetched_at = excluded.fetched_at
            """, new { actor.Id, actor.Type, actor.PreferredUsername, actor.Name, actor.Inbox, actor.SharedInbox, actor.Url, actor.ManuallyApprovesFollowers,
                actor.Indexable, actor.Discoverable, now });
        await work.ExecuteAsync("DELETE FROM remote_keys WHERE owner_iri = @Id", new { actor.Id });
        foreach (var key in actor.PublicKeys)
        {
            // A stored key never changes owner: a key id already held for another actor is left as it is.
            await work.ExecuteAsync("""
                INSERT INTO remote_keys (key_id, owner_iri, public_key_pem, fetched_at) VALUES (@KeyId, @Owner, @PublicKeyPem, @now)
                ON CONFLICT (key_id) DO UPDATE SET public_key_pem = excluded.public_key_pem, fetched_at = excluded.fetched_at
                WHERE remote_keys.owner_iri = excluded.owner_iri
                """, new { key.KeyId, key.Owner, key.PublicKeyPem, now });
        }
        return 0;
    });

    public async Task<StoredRemoteActor?> FindAsync(string iri)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<StoredRemoteActor>(
            "SELECT * FROM remote_actors WHERE iri = @iri", new { iri });
    }

    /// <summary>How many actors of the IRI's origin (scheme, host, port) are stored.</summary>
    public async Task<int> CountOnOriginAsync(string iri)
    {
        var origin = new Uri(iri).GetLeftPart(UriPartial.Authority);
        await using var connection = await database.OpenAsync();
        // A range on the primary key: every IRI that starts with "origin/" ('0' is the character after '/').
        return await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM remote_actors WHERE iri >= @from AND iri < @to",
            new { from = origin + "/", to = origin + "0" });
    }

    public async Task<ResolvedPublicKey?> FindKeyAsync(string keyId)
    {
        var now = time.GetUtcNow();
        if (_keys.TryGetValue(keyId, out var cached) && now - cached.ReadAt < KeyLifetime) return cached.Key;
        await using var connection = await database.OpenAsync();
        var row = await connection.QuerySingleOrDefaultAsync<(string KeyId, string OwnerIri, string PublicKeyPem)>(
            "SELECT key_id, owner_iri, public_key_pem FROM remote_keys WHERE key_id = @keyId", new { keyId });
        if (row.KeyId is null) return null;
        var key = new ResolvedPublicKey(row.KeyId, row.OwnerIri, row.PublicKeyPem);
        if (_keys.Count >= KeyCacheSize) _keys.Clear();
        _keys[keyId] = (key, now);
        return key;
    }
}
