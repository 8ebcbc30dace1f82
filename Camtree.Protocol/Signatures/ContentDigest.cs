using System.Security.Cryptography;

namespace Camtree.Protocol.Signatures;

/// <summary>
/// The <c>Content-Digest</c> field of RFC 9530 (<see href="https://www.rfc-editor.org/rfc/rfc9530#section-2">§2</see>):
/// an RFC 8941 Dictionary from algorithm to the Byte Sequence digest of the message content. RFC 9421 signers cover
/// it to bind the signature to the body, as draft-cavage signers covered <c>Digest</c>.
/// </summary>
public static class ContentDigest
{
    /// <summary>The field value for a body: <c>sha-256=:base64:</c>, what Mastodon sends.</summary>
    public static string Compute(ReadOnlySpan<byte> body) =>
        "sha-256=:" + Convert.ToBase64String(SHA256.HashData(body)) + ":";

    /// <summary>
    /// Checks a <c>Content-Digest</c> value against a body. Only <c>sha-256</c> and <c>sha-512</c> count: RFC 9530 §5
    /// marks the others insecure, so a field carrying nothing else is <see cref="DigestCheck.UnsupportedAlgorithm"/>.
    /// Every supported digest present must match: a sender that lists two vouches for both.
    /// A value that is not a valid Dictionary, or whose digest is not a Byte Sequence, cannot vouch for the body
    /// and counts as <see cref="DigestCheck.Mismatch"/>.
    /// </summary>
    public static DigestCheck Verify(string? header, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrWhiteSpace(header)) return DigestCheck.Missing;
        var members = StructuredFieldParser.ParseDictionary(header);
        if (members is null) return DigestCheck.Mismatch;

        var checkedAny = false;
        foreach (var (algorithm, member) in members)
        {
            // Algorithm keys are lowercase by RFC 8941 key syntax, so no case folding is needed (or possible).
            byte[] actual;
            if (algorithm == "sha-256") actual = SHA256.HashData(body);
            else if (algorithm == "sha-512") actual = SHA512.HashData(body);
            else continue;
            if (member is not SfItem { Value: byte[] expected }) return DigestCheck.Mismatch;
            if (!CryptographicOperations.FixedTimeEquals(expected, actual)) return DigestCheck.Mismatch;
            checkedAny = true;
        }
        return checkedAny ? DigestCheck.Matches : DigestCheck.UnsupportedAlgorithm;
    }
}
