using System.Security.Cryptography;
using Rfc8032 = Org.BouncyCastle.Math.EC.Rfc8032;

namespace Camtree.Protocol.Signatures.Ed25519;

/// <summary>
/// <see cref="IEd25519"/> over BouncyCastle's RFC 8032 code (<c>Portable.BouncyCastle</c>): the only Ed25519
/// served to this project that runs everywhere .NET does. Stateless and thread-safe; share <see cref="Instance"/>.
/// Randomness for new keys comes from .NET's <see cref="RandomNumberGenerator"/>, not BouncyCastle's.
/// </summary>
public sealed class BouncyCastleEd25519 : IEd25519
{
    public static readonly BouncyCastleEd25519 Instance = new();

    public Ed25519KeyPair GenerateKeyPair()
    {
        var seed = RandomNumberGenerator.GetBytes(Ed25519KeyPair.SeedLength);
        return new Ed25519KeyPair(seed, DerivePublicKey(seed));
    }

    public byte[] DerivePublicKey(ReadOnlySpan<byte> privateSeed)
    {
        RequireSeed(privateSeed);
        var publicKey = new byte[Ed25519KeyPair.PublicKeyLength];
        Rfc8032.Ed25519.GeneratePublicKey(privateSeed.ToArray(), 0, publicKey, 0);
        return publicKey;
    }

    public byte[] Sign(ReadOnlySpan<byte> privateSeed, ReadOnlySpan<byte> data)
    {
        RequireSeed(privateSeed);
        var message = data.ToArray();
        var signature = new byte[Ed25519KeyPair.SignatureLength];
        Rfc8032.Ed25519.Sign(privateSeed.ToArray(), 0, message, 0, message.Length, signature, 0);
        return signature;
    }

    public bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        // BouncyCastle reads fixed offsets and would index past short arrays: check lengths first.
        if (publicKey.Length != Ed25519KeyPair.PublicKeyLength || signature.Length != Ed25519KeyPair.SignatureLength) return false;
        var message = data.ToArray();
        // Verify rejects a non-canonical S and a public key that does not decode to a curve point (RFC 8032 §5.1.7).
        return Rfc8032.Ed25519.Verify(signature.ToArray(), 0, publicKey.ToArray(), 0, message, 0, message.Length);
    }

    private static void RequireSeed(ReadOnlySpan<byte> privateSeed)
    {
        if (privateSeed.Length != Ed25519KeyPair.SeedLength)
            throw new ArgumentException($"an Ed25519 private seed is {Ed25519KeyPair.SeedLength} bytes, not {privateSeed.Length}", nameof(privateSeed));
    }
}
