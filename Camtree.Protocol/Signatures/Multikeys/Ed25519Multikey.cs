namespace Camtree.Protocol.Signatures.Multikeys;

/// <summary>
/// Ed25519 keys as multibase values: a multicodec varint prefix, the raw key, base58btc with <c>z</c>
/// (<see href="https://www.w3.org/TR/vc-di-eddsa/#multikey">vc-di-eddsa §2.1.1</see>,
/// <see href="https://github.com/multiformats/multicodec/blob/master/table.csv">multicodec table</see>).
/// A public key is <c>0xed 0x01</c> + 32 bytes, which always prints as <c>z6Mk…</c>.
/// </summary>
public static class Ed25519Multikey
{
    /// <summary>Varint of multicodec <c>ed25519-pub</c> (0xed).</summary>
    private static readonly byte[] PublicKeyPrefix = [0xed, 0x01];

    /// <summary>Varint of multicodec <c>ed25519-priv</c> (0x1300), the form of the W3C and FEP test-vector secret keys.</summary>
    private static readonly byte[] PrivateKeyPrefix = [0x80, 0x26];

    /// <summary>The <c>publicKeyMultibase</c> of a 32-byte Ed25519 public key.</summary>
    public static string EncodePublicKey(ReadOnlySpan<byte> publicKey) => Encode(PublicKeyPrefix, publicKey, "public key");

    /// <summary>
    /// Reads a <c>publicKeyMultibase</c>: false unless it is base58btc (<c>z</c>), carries the <c>ed25519-pub</c>
    /// prefix and exactly 32 key bytes. vc-di-eddsa says any other encoding MUST NOT be accepted — in particular a
    /// private key published by mistake.
    /// </summary>
    public static bool TryDecodePublicKey(string? multibase, out byte[] publicKey) =>
        TryDecode(multibase, PublicKeyPrefix, out publicKey);

    /// <summary>
    /// A private seed as <c>secretKeyMultibase</c> (<c>ed25519-priv</c>, <c>z3u2…</c>): for storing a node's own
    /// keys and reading test vectors. Never publish it.
    /// </summary>
    public static string EncodePrivateKey(ReadOnlySpan<byte> privateSeed) => Encode(PrivateKeyPrefix, privateSeed, "private seed");

    /// <summary>Reads a <c>secretKeyMultibase</c> holding a 32-byte Ed25519 seed.</summary>
    public static bool TryDecodePrivateKey(string? multibase, out byte[] privateSeed) =>
        TryDecode(multibase, PrivateKeyPrefix, out privateSeed);

    private static string Encode(byte[] prefix, ReadOnlySpan<byte> key, string what)
    {
        if (key.Length != 32) throw new ArgumentException($"an Ed25519 {what} is 32 bytes, not {key.Length}", nameof(key));
        return Base58Btc.EncodeMultibase([.. prefix, .. key]);
    }

    private static bool TryDecode(string? multibase, byte[] prefix, out byte[] key)
    {
        key = [];
        if (!Base58Btc.TryDecodeMultibase(multibase, out var bytes)
            || bytes.Length != prefix.Length + 32
            || !bytes.AsSpan(0, prefix.Length).SequenceEqual(prefix)) return false;
        key = bytes[prefix.Length..];
        return true;
    }
}
