using System.Text;

namespace Camtree.Protocol.Signatures;

/// <summary>
/// Signs requests with RFC 9421 HTTP Message Signatures, <c>rsa-v1_5-sha256</c> with the actor's RSA key (what
/// Fedify and Mastodon sign and verify). The components are Fedify's set: the method, the target URI and authority,
/// <c>date</c>, and on a request with a body its <c>content-digest</c> (RFC 9530) and <c>content-type</c>; on a GET the
/// <c>accept</c> header it negotiates with, as draft-cavage signing covers it.
/// </summary>
public static class Rfc9421Signer
{
    public const string Label = "sig1";

    public static readonly IReadOnlyList<string> PostComponents = ["@method", "@target-uri", "@authority", "date", "content-digest", "content-type"];
    public static readonly IReadOnlyList<string> GetComponents = ["@method", "@target-uri", "@authority", "date", "accept"];

    /// <summary>
    /// The <c>Signature-Input</c> and <c>Signature</c> values for a request whose headers are all set (Host, Date and
    /// Content-Digest first): each listed component must be present.
    /// </summary>
    public static (string SignatureInput, string Signature) Sign(HttpRequestParts request, SigningKey key, IReadOnlyList<string> components, DateTimeOffset created)
    {
        var parameters = new SfInnerList(
            [.. components.Select(c => new SfItem(c, []))],
            [new("created", created.ToUnixTimeSeconds()), new("keyid", key.KeyId), new("alg", Rfc9421Algorithms.RsaPkcs1Sha256)]);
        var (signatureBase, problem) = Rfc9421SignatureBase.Build(request, parameters);
        if (signatureBase is null) throw new InvalidOperationException($"cannot sign: {problem}");
        var signature = key.SignRsaSha256(Encoding.UTF8.GetBytes(signatureBase));
        return ($"{Label}={StructuredFieldSerializer.Serialize(parameters)}", $"{Label}=:{Convert.ToBase64String(signature)}:");
    }
}
