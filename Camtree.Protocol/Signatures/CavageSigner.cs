using System.Text;

namespace Camtree.Protocol.Signatures;

/// <summary>Signs requests with draft-cavage-http-signatures-12 <c>rsa-sha256</c>, as Mastodon does.</summary>
public static class CavageSigner
{
    /// <summary>What Mastodon signs on a POST: <c>(request-target) host date digest content-type</c>.</summary>
    public static readonly IReadOnlyList<string> PostHeaders = ["(request-target)", "host", "date", "digest", "content-type"];

    /// <summary>What Mastodon signs on a GET: <c>(request-target) host date accept</c>.</summary>
    public static readonly IReadOnlyList<string> GetHeaders = ["(request-target)", "host", "date", "accept"];

    /// <summary>
    /// Computes the <c>Signature</c> header value over the listed headers, which must all be present in the request
    /// (set <c>Host</c>, <c>Date</c> and <c>Digest</c> first).
    /// </summary>
    public static string SignRequest(HttpRequestParts request, SigningKey key, IReadOnlyList<string> headers)
    {
        var (signingString, missing) = CavageSigningString.Build(request, headers, request.PathAndQuery);
        if (signingString is null)
            throw new InvalidOperationException($"cannot sign: the request has no '{missing}' header");
        var signature = key.SignRsaSha256(Encoding.UTF8.GetBytes(signingString));
        return new CavageSignatureHeader(key.KeyId, "rsa-sha256", headers, Convert.ToBase64String(signature)).Format();
    }
}
