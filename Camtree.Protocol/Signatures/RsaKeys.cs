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
    private const string P256Oid = "1.2.840.10045.3.1.7";
    private const string Ed25519Oid = "1.3.101.112";

    private readonly ConcurrentDictionary<string, AsymmetricAlgorithm?> _keys = new(StringComparer.Ordinal);

    /// <summary>The parsed RSA key, or null when the PEM is not an RSA public key.</summary>
    public RSA? GetRsa(string publicKeyPem) => GetKey(publicKeyPem) as RSA;

    /// <summary>
    /// The parsed key: an <see cref="RSA"/> key (SubjectPublicKeyInfo or PKCS#1), or an <see cref="ECDsa"/> key on
    /// P-256 (SubjectPublicKeyInfo), what RFC 9421's <c>ecdsa-p256-sha256</c> needs. Null for anything else,
    /// including Ed25519 (see <see cref="Ed25519PublicKey"/>) and other curves.
    /// </summary>
    public AsymmetricAlgorithm? GetKey(string publicKeyPem)
    {
        if (_keys.TryGetValue(publicKeyPem, out var cached)) return cached;
        if (_keys.Count >= maxEntries) _keys.Clear();
        return _keys.GetOrAdd(publicKeyPem, Parse);
    }

    /// <summary>
    /// The raw 32-byte key of an Ed25519 SubjectPublicKeyInfo PEM (OID 1.3.101.112, RFC 8410), or null when the PEM
    /// is not one. Ed25519 is not an <see cref="AsymmetricAlgorithm"/> in .NET, so its verifiers take the bytes.
    /// </summary>
    public static byte[]? Ed25519PublicKey(string publicKeyPem)
    {
        try
        {
            if (!PemEncoding.TryFind(publicKeyPem, out var fields) || publicKeyPem[fields.Label] != "PUBLIC KEY") return null;
            var der = Convert.FromBase64String(publicKeyPem[fields.Base64Data]);
            var info = System.Security.Cryptography.X509Certificates.PublicKey.CreateFromSubjectPublicKeyInfo(der, out _);
            var raw = info.EncodedKeyValue.RawData;
            return info.Oid.Value == Ed25519Oid && raw.Length == 32 ? raw : null;
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            return null;
        }
    }

    private static AsymmetricAlgorithm? Parse(string pem)
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
        }

        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportFromPem(pem);
            if (ecdsa.ExportParameters(false).Curve.Oid?.Value == P256Oid) return ecdsa;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
        }
        ecdsa.Dispose();
        return null;
    }
}
