namespace Camtree.Protocol.Signatures.Ed25519;

/// <summary>
/// Pure Ed25519 (<see href="https://www.rfc-editor.org/rfc/rfc8032#section-5.1">RFC 8032 §5.1</see>), the
/// signature of FEP-8b32's <c>eddsa-jcs-2022</c> proofs. One small seam so the implementation can change
/// (BouncyCastle today; the system OpenSSL or NSec later) without touching the proof code: signatures are
/// deterministic, so every implementation must produce the same bytes.
/// </summary>
public interface IEd25519
{
    /// <summary>A fresh key pair from the system's cryptographic random number generator.</summary>
    Ed25519KeyPair GenerateKeyPair();

    /// <summary>The 32-byte public key of a 32-byte private seed (RFC 8032 §5.1.5).</summary>
    byte[] DerivePublicKey(ReadOnlySpan<byte> privateSeed);

    /// <summary>The 64-byte signature of <paramref name="data"/> (RFC 8032 §5.1.6).</summary>
    byte[] Sign(ReadOnlySpan<byte> privateSeed, ReadOnlySpan<byte> data);

    /// <summary>
    /// Whether <paramref name="signature"/> is a valid signature of <paramref name="data"/> under
    /// <paramref name="publicKey"/> (RFC 8032 §5.1.7). Malformed input (wrong lengths, a public key that is not a
    /// curve point) is simply not valid: inputs come from other servers and must never throw.
    /// </summary>
    bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature);
}

/// <summary>An Ed25519 key pair: the 32-byte private seed (RFC 8032 calls it the private key) and the public key.</summary>
public sealed record Ed25519KeyPair(byte[] PrivateSeed, byte[] PublicKey)
{
    public const int SeedLength = 32;
    public const int PublicKeyLength = 32;
    public const int SignatureLength = 64;
}
