using System.Security.Cryptography;

namespace Camtree.Protocol.Signatures;

/// <summary>
/// The RFC 9421 signature algorithms this node verifies (<see href="https://www.rfc-editor.org/rfc/rfc9421#section-3.3">§3.3</see>),
/// and how one is chosen for a key. The <c>alg</c> parameter is optional and written by the sender, so it never
/// selects anything by itself: it must agree with the key (§3.2 step 6, §7.3.6).
/// </summary>
public static class Rfc9421Algorithms
{
    public const string RsaPkcs1Sha256 = "rsa-v1_5-sha256";
    public const string RsaPssSha512 = "rsa-pss-sha512";
    public const string EcdsaP256Sha256 = "ecdsa-p256-sha256";
    public const string Ed25519 = "ed25519";
    public const string HmacSha256 = "hmac-sha256";

    /// <summary>Why an <c>alg</c> parameter cannot be honoured, or null when this node verifies it.</summary>
    public static string? Refusal(string alg) => alg switch
    {
        RsaPkcs1Sha256 or RsaPssSha512 or EcdsaP256Sha256 or Ed25519 => null,
        HmacSha256 => "hmac-sha256 needs a shared secret, and federation has none",
        _ => $"unsupported signature algorithm '{alg}'",
    };

    /// <summary>
    /// The algorithm to verify with. The key's own algorithm, when its publisher declared one, wins and <c>alg</c>
    /// must equal it; otherwise <c>alg</c> must fit the key type; without either, RSA keys default to
    /// <c>rsa-v1_5-sha256</c> (what Mastodon and Fedify sign with, and assume) and P-256 keys to <c>ecdsa-p256-sha256</c>.
    /// Null and why when they conflict.
    /// </summary>
    public static (string? Algorithm, string? Problem) Choose(string? alg, AsymmetricAlgorithm key, string? keyAlgorithm)
    {
        string[] fitting = key switch
        {
            RSA => [RsaPkcs1Sha256, RsaPssSha512],
            ECDsa => [EcdsaP256Sha256],
            _ => [],
        };
        var keyType = key is RSA ? "RSA" : "P-256";
        if (keyAlgorithm is not null)
        {
            if (!fitting.Contains(keyAlgorithm))
                return (null, $"the key is declared for '{keyAlgorithm}', which does not fit an {keyType} key");
            if (alg is not null && alg != keyAlgorithm)
                return (null, $"alg '{alg}' does not match the key's algorithm '{keyAlgorithm}'");
            return (keyAlgorithm, null);
        }
        if (alg is not null)
            return fitting.Contains(alg) ? (alg, null) : (null, $"alg '{alg}' does not match the {keyType} key");
        return fitting.Length > 0 ? (fitting[0], null) : (null, "the key has no RFC 9421 algorithm");
    }

    /// <summary>
    /// For an Ed25519 key: <c>ed25519</c>, which <c>alg</c> and the key's declared algorithm, when given, must name
    /// (§3.3.6). Null and why when they name another.
    /// </summary>
    public static (string? Algorithm, string? Problem) ChooseForEd25519(string? alg, string? keyAlgorithm) =>
        keyAlgorithm is not null && keyAlgorithm != Ed25519 ? (null, $"the key is declared for '{keyAlgorithm}', which does not fit an Ed25519 key")
        : alg is not null && alg != Ed25519 ? (null, $"alg '{alg}' does not match the Ed25519 key")
        : (Ed25519, null);

    /// <summary>Verifies a signature over a signature base; false, never an exception, for any bad input.</summary>
    public static bool Verify(string algorithm, AsymmetricAlgorithm key, byte[] signatureBase, byte[] signature)
    {
        try
        {
            return (algorithm, key) switch
            {
                (RsaPkcs1Sha256, RSA rsa) => rsa.VerifyData(signatureBase, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
                // §3.3.1: MGF1 with SHA-512 and a 64-byte salt, the hash length, which is what .NET's PSS uses.
                (RsaPssSha512, RSA rsa) => rsa.VerifyData(signatureBase, signature, HashAlgorithmName.SHA512, RSASignaturePadding.Pss),
                // §3.3.4: r and s concatenated, 32 bytes each (IEEE P1363), not DER.
                (EcdsaP256Sha256, ECDsa ecdsa) => signature.Length == 64
                    && ecdsa.VerifyData(signatureBase, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
                _ => false,
            };
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
