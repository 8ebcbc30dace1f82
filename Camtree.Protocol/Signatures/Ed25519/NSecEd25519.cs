using System.Security.Cryptography;
using NSec.Cryptography;

namespace Camtree.Protocol.Signatures.Ed25519;

/// <summary>
/// <see cref="IEd25519"/> over NSec (<c>NSec.Cryptography</c>), which calls libsodium's Ed25519: the same bytes as
/// any RFC 8032 implementation (signatures are deterministic), several times faster than BouncyCastle's C# (the
/// benchmark: <c>Camtree.Benchmarks -- ed25519</c>, ADR 0002). libsodium verifies strictly: it refuses a
/// non-canonical S, a non-canonical encoding and small-order points, as RFC 8032 §5.1.7 allows.
/// Stateless and thread-safe; share <see cref="Instance"/>.
/// </summary>
public sealed class NSecEd25519 : IEd25519
{
    public static readonly NSecEd25519 Instance = new();

    private static readonly SignatureAlgorithm Algorithm = SignatureAlgorithm.Ed25519;

    public Ed25519KeyPair GenerateKeyPair()
    {
        var seed = RandomNumberGenerator.GetBytes(Ed25519KeyPair.SeedLength);
        return new Ed25519KeyPair(seed, DerivePublicKey(seed));
    }

    public byte[] DerivePublicKey(ReadOnlySpan<byte> privateSeed)
    {
        using var key = Import(privateSeed);
        return key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
    }

    public byte[] Sign(ReadOnlySpan<byte> privateSeed, ReadOnlySpan<byte> data)
    {
        using var key = Import(privateSeed);
        return Algorithm.Sign(key, data);
    }

    public bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != Ed25519KeyPair.PublicKeyLength || signature.Length != Ed25519KeyPair.SignatureLength) return false;
        // A key that does not import (not a point) is not valid, and never an exception: keys come from other servers.
        return PublicKey.TryImport(Algorithm, publicKey, KeyBlobFormat.RawPublicKey, out var key) && key is not null && Algorithm.Verify(key, data, signature);
    }

    private static Key Import(ReadOnlySpan<byte> privateSeed)
    {
        if (privateSeed.Length != Ed25519KeyPair.SeedLength)
            throw new ArgumentException($"an Ed25519 private seed is {Ed25519KeyPair.SeedLength} bytes, not {privateSeed.Length}", nameof(privateSeed));
        var parameters = new KeyCreationParameters { ExportPolicy = KeyExportPolicies.None };
        return Key.Import(Algorithm, privateSeed, KeyBlobFormat.RawPrivateKey, in parameters);
    }
}
