using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Camtree.Protocol.Signatures;

/// <summary>An RSA key pair in PEM: PKCS#8 private key, SubjectPublicKeyInfo public key (what actors publish).</summary>
public sealed record RsaKeyPair(string PrivateKeyPem, string PublicKeyPem)
{
    /// <summary>Generates a fresh pair; 2048 bits, as Mastodon's actors have.</summary>
    public static RsaKeyPair Generate(int bits = 2048)
    {
        using var rsa = RSA.Create(bits);
        return new RsaKeyPair(rsa.ExportPkcs8PrivateKeyPem(), rsa.ExportSubjectPublicKeyInfoPem());
    }
}

/// <summary>
/// The key an actor signs with: its key id (the actor IRI + <c>#main-key</c>) and the private key, parsed once.
/// Parsing a PEM costs more than a signature, so a node keeps one instance per actor.
/// </summary>
public sealed class SigningKey(string keyId, string privateKeyPem) : IDisposable
{
    private readonly Lazy<RSA> _rsa = new(() =>
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(privateKeyPem);
        return rsa;
    });

    public string KeyId { get; } = keyId;

    /// <summary>RSASSA-PKCS1-v1_5 with SHA-256: the <c>rsa-sha256</c> algorithm of draft-cavage-12 §2.3.</summary>
    public byte[] SignRsaSha256(ReadOnlySpan<byte> data) =>
        _rsa.Value.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    public void Dispose()
    {
        if (_rsa.IsValueCreated) _rsa.Value.Dispose();
    }
}

/// <summary>
/// Parsed public keys by PEM text. Parsing a PEM is ~8× the cost of a verification, so verifiers share one cache.
/// Bounded: when it grows past its size it is cleared (keys are cheap to parse again, and an attacker
/// who sends many keys must not grow memory without limit).
/// </summary>
public sealed class PublicKeyCache(int maxEntries = 10_000)
{
    private readonly ConcurrentDictionary<string, RSA?> _keys = new(StringComparer.Ordinal);

    /// <summary>The parsed RSA key, or null when the PEM is not an RSA public key.</summary>
    public RSA? GetRsa(string publicKeyPem)
    {
        if (_keys.TryGetValue(publicKeyPem, out var cached)) return cached;
        if (_keys.Count >= maxEntries) _keys.Clear();
        return _keys.GetOrAdd(publicKeyPem, Parse);
    }

    private static RSA? Parse(string pem)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            return rsa;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            return null;
        }
    }
}
