namespace Camtree.Protocol.Signatures;

/// <summary>
/// The one verifier the node calls for a signed request. Both formats use a <c>Signature</c> header; only RFC 9421
/// has <c>Signature-Input</c>, so its presence selects <see cref="Rfc9421Verifier"/>, as RFC 9421 Appendix A
/// recommends, and its absence <see cref="CavageVerifier"/>.
/// </summary>
/// <param name="ed25519">What verifies RFC 9421 <c>ed25519</c> signatures; <see cref="Ed25519.Ed25519Choice.Default"/> when not given.</param>
public sealed class HttpSignatureVerifier(IPublicKeyResolver keys, PublicKeyCache keyCache, TimeProvider time, Ed25519.IEd25519? ed25519 = null)
{
    private readonly CavageVerifier _cavage = new(keys, keyCache, time);
    private readonly Rfc9421Verifier _rfc9421 = new(keys, keyCache, time, ed25519);

    /// <summary>
    /// The key id a request claims to be signed with, read cheaply and without verifying anything, so that a
    /// node can refuse a sender its policy excludes before fetching any key. Null when there is none.
    /// </summary>
    public static string? ClaimedKeyId(HttpRequestParts request)
    {
        if (request.Header("signature-input") is { } input)
        {
            var match = System.Text.RegularExpressions.Regex.Match(input, "keyid=\"([^\"]*)\"");
            return match.Success ? match.Groups[1].Value : null;
        }
        return CavageSignatureHeader.Parse(request.Header("signature") ?? request.Header("authorization"))?.KeyId;
    }

    /// <summary>Verifies a request signed with either format; the result is the same type and carries the same reasons.</summary>
    public Task<SignatureVerification> VerifyRequestAsync(
        HttpRequestParts request, SignatureVerificationOptions? options = null, CancellationToken cancellationToken = default) =>
        request.Header("signature-input") is not null
            ? _rfc9421.VerifyRequestAsync(request, options, cancellationToken)
            : _cavage.VerifyRequestAsync(request, options, cancellationToken);
}
