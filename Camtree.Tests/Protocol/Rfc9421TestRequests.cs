using System.Security.Cryptography;
using System.Text;
using Camtree.Protocol.Signatures;

namespace Camtree.Tests.Protocol;

/// <summary>
/// Builds RFC 9421-signed requests for tests. It signs the base our own builder makes, so it only proves the verifier's
/// policy and plumbing: the base itself is checked against RFC 9421 Appendix B and Mastodon's vectors.
/// </summary>
internal static class Rfc9421TestRequests
{
    /// <summary>Adds <c>Signature-Input: label=…</c> and the matching <c>Signature</c>, signing with <paramref name="sign"/>.</summary>
    public static HttpRequestParts Sign(HttpRequestParts request, string signatureParameters, Func<byte[], byte[]> sign, string label = "sig1")
    {
        var input = StructuredFieldParser.ParseDictionary($"{label}={signatureParameters}")
            ?? throw new ArgumentException($"not a valid signature parameters value: {signatureParameters}");
        var (signatureBase, problem) = Rfc9421SignatureBase.Build(request, (SfInnerList)input[0].Value);
        if (signatureBase is null) throw new InvalidOperationException(problem);
        var signature = sign(Encoding.UTF8.GetBytes(signatureBase));
        return request
            .WithHeader("Signature-Input", $"{label}={signatureParameters}")
            .WithHeader("Signature", $"{label}=:{Convert.ToBase64String(signature)}:");
    }

    public static Func<byte[], byte[]> RsaPkcs1Sha256(RsaKeyPair keys) => data =>
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(keys.PrivateKeyPem);
        return rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    };

    public static Func<byte[], byte[]> RsaPssSha512(RsaKeyPair keys) => data =>
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(keys.PrivateKeyPem);
        return rsa.SignData(data, HashAlgorithmName.SHA512, RSASignaturePadding.Pss);
    };

    public static Func<byte[], byte[]> EcdsaP256Sha256(ECDsa key) => data =>
        key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    /// <summary>The request with a header set (or removed, for null), names compared case-insensitively.</summary>
    public static HttpRequestParts WithHeader(this HttpRequestParts request, string name, string? value)
    {
        var headers = request.Headers
            .Where(h => !h.Key.Equals(name, StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase);
        if (value is not null) headers[name] = [value];
        return request with { Headers = headers };
    }
}
