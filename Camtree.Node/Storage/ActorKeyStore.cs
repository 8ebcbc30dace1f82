using Camtree.Protocol.Signatures.Ed25519;
using Camtree.Protocol.Signatures.Multikeys;
using Dapper;

namespace Camtree.Node.Storage;

/// <summary>An Ed25519 key of a local actor: current (no <see cref="RetiredAt"/>) or retired.</summary>
public sealed record ActorKey
{
    public long Id { get; init; }
    public long LocalActorId { get; init; }
    /// <summary>The key id is the actor IRI, <c>#</c>, and this.</summary>
    public string Fragment { get; init; } = "";
    public string PublicKeyMultibase { get; init; } = "";
    public string PrivateSeedMultibase { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RetiredAt { get; init; }

    public byte[] PrivateSeed() =>
        Ed25519Multikey.TryDecodePrivateKey(PrivateSeedMultibase, out var seed) ? seed : throw new InvalidOperationException("a stored Ed25519 seed does not decode");
}

/// <summary>
/// Local actors' Ed25519 keys. Rotating retires the current key and makes a new one in one transaction;
/// retired keys stay published, so proofs made with them still verify.
/// </summary>
public sealed class ActorKeyStore(Database database, IEd25519 ed25519, TimeProvider time)
{
    /// <summary>The actor's current key, made on first use (actors created before keys existed get one too).</summary>
    public async Task<ActorKey> CurrentAsync(long localActorId)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<ActorKey>(
                   "SELECT * FROM local_actor_keys WHERE local_actor_id = @localActorId AND retired_at IS NULL", new { localActorId })
               ?? await RotateAsync(localActorId);
    }

    /// <summary>
    /// Every key of the actor, current first, then retired ones newest first. Actors get their first key when they
    /// are created (and at start for older ones), so this is one read.
    /// </summary>
    public async Task<IReadOnlyList<ActorKey>> AllAsync(long localActorId)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<ActorKey>(
            "SELECT * FROM local_actor_keys WHERE local_actor_id = @localActorId ORDER BY retired_at IS NOT NULL, id DESC", new { localActorId })).ToList();
    }

    /// <summary>Retires the current key (if any) and makes a new current one; returns the new key.</summary>
    public Task<ActorKey> RotateAsync(long localActorId) => database.InTransactionAsync(async work =>
    {
        var now = time.GetUtcNow();
        var pair = ed25519.GenerateKeyPair();
        var count = await work.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM local_actor_keys WHERE local_actor_id = @localActorId", new { localActorId });
        await work.ExecuteAsync(
            "UPDATE local_actor_keys SET retired_at = @now WHERE local_actor_id = @localActorId AND retired_at IS NULL", new { localActorId, now });
        var key = new ActorKey
        {
            LocalActorId = localActorId,
            Fragment = count == 0 ? "ed25519-key" : $"ed25519-key-{count + 1}",
            PublicKeyMultibase = Ed25519Multikey.EncodePublicKey(pair.PublicKey),
            PrivateSeedMultibase = Ed25519Multikey.EncodePrivateKey(pair.PrivateSeed),
            CreatedAt = now,
        };
        var id = await work.ExecuteScalarAsync<long>("""
            INSERT INTO local_actor_keys (local_actor_id, fragment, public_key_multibase, private_seed_multibase, created_at)
            VALUES (@LocalActorId, @Fragment, @PublicKeyMultibase, @PrivateSeedMultibase, @CreatedAt) RETURNING id
            """, key);
        return key with { Id = id };
    });
}
