using System.Security.Cryptography;

namespace Camtree.Protocol.Signatures;

/// <summary>
/// The <c>Digest</c> header of RFC 3230 with the <c>SHA-256</c> algorithm, as draft-cavage-12 §2.1.3 and
/// Mastodon use it to bind a signature to the request body.
/// </summary>
public static class HttpDigest
{
    /// <summary>The header value for a body: <c>SHA-256=</c> + base64 of its SHA-256 hash.</summary>
    public static string ComputeDigestHeader(ReadOnlySpan<byte> body) =>
        "SHA-256=" + Convert.ToBase64String(SHA256.HashData(body));

    /// <summary>
    /// Checks a <c>Digest</c> header against a body. The header may list several algorithms; the SHA-256 one
    /// must be present and match (algorithm names are case-insensitive, RFC 3230 §4.1.1).
    /// </summary>
    public static DigestCheck VerifyDigestHeader(string? header, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrWhiteSpace(header)) return DigestCheck.Missing;
        foreach (var part in header.Split(','))
        {
            var separator = part.IndexOf('=');
            if (separator <= 0) continue;
            var algorithm = part[..separator].Trim();
            if (!algorithm.Equals("SHA-256", StringComparison.OrdinalIgnoreCase)) continue;
            var expected = part[(separator + 1)..].Trim();
            Span<byte> actual = stackalloc byte[32];
            SHA256.HashData(body, actual);
            return expected == Convert.ToBase64String(actual) ? DigestCheck.Matches : DigestCheck.Mismatch;
        }
        return DigestCheck.UnsupportedAlgorithm;
    }
}

/// <summary>The outcome of <see cref="HttpDigest.VerifyDigestHeader"/>.</summary>
public enum DigestCheck { Matches, Missing, Mismatch, UnsupportedAlgorithm }
