using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Camtree.Protocol.Signatures;

/// <summary>
/// Verifies draft-cavage-http-signatures-12 signatures the way Mastodon accepts them: <c>rsa-sha256</c> or
/// <c>hs2019</c> with an RSA key, <c>(request-target)</c>, <c>host</c> and <c>date</c> signed, the digest signed
/// and matching on requests with a body, Date within the window.
/// </summary>
public sealed class CavageVerifier(IPublicKeyResolver keys, PublicKeyCache keyCache, TimeProvider time)
{
    /// <summary>
    /// Verifies a request. Checks that cost nothing come first; the key is fetched only for a request that
    /// would otherwise be acceptable; a failure with a cached key is retried once with a fresh fetch (rotation).
    /// Failures to fetch the key (an <see cref="HttpRequestException"/> from the resolver) become
    /// <see cref="SignatureFailure.KeyFetchFailed"/>.
    /// </summary>
    public async Task<SignatureVerification> VerifyRequestAsync(
        HttpRequestParts request, SignatureVerificationOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new SignatureVerificationOptions();
        var headerValue = request.Header("signature")
            ?? (request.Header("authorization") is { } auth && auth.StartsWith("Signature ", StringComparison.OrdinalIgnoreCase) ? auth : null);
        if (headerValue is null)
            return SignatureVerification.Fail(SignatureFailure.NoSignature, "the request is not signed (no Signature header)");

        var signature = CavageSignatureHeader.Parse(headerValue);
        if (signature is null)
            return SignatureVerification.Fail(SignatureFailure.MalformedSignature, "the Signature header cannot be parsed");

        // The algorithm parameter is attacker-controlled: it selects nothing but is checked against what we support.
        if (signature.Algorithm is not (null or "rsa-sha256" or "hs2019"))
            return SignatureVerification.Fail(SignatureFailure.UnsupportedAlgorithm,
                $"unsupported signature algorithm '{signature.Algorithm}'", signature.KeyId);

        if (CheckRequiredComponents(request, signature) is { } missing) return missing with { KeyId = signature.KeyId };
        if (CheckTime(request, signature, options) is { } stale) return stale with { KeyId = signature.KeyId };
        if (request.Body is { Length: > 0 } body)
        {
            switch (HttpDigest.VerifyDigestHeader(request.Header("digest"), body.Span))
            {
                case DigestCheck.Missing or DigestCheck.UnsupportedAlgorithm:
                    return SignatureVerification.Fail(SignatureFailure.MissingDigest, "the request body has no SHA-256 Digest header", signature.KeyId);
                case DigestCheck.Mismatch:
                    return SignatureVerification.Fail(SignatureFailure.DigestMismatch, "the Digest header does not match the body", signature.KeyId);
            }
        }

        byte[] signatureBytes;
        try { signatureBytes = Convert.FromBase64String(signature.Signature); }
        catch (FormatException)
        {
            return SignatureVerification.Fail(SignatureFailure.MalformedSignature, "the signature is not valid base64", signature.KeyId);
        }

        var candidates = SigningStrings(request, signature);
        if (candidates.Count == 0)
            return SignatureVerification.Fail(SignatureFailure.MissingComponent, "a signed header is absent from the request", signature.KeyId);

        return await KeyRotation.VerifyWithKeyAsync(keys, signature.KeyId, key =>
        {
            if (keyCache.GetRsa(key.PublicKeyPem) is not { } rsa)
                return SignatureVerification.Fail(SignatureFailure.KeyFetchFailed, $"key {signature.KeyId} is not an RSA public key", signature.KeyId);
            return candidates.Any(c => rsa.VerifyData(Encoding.UTF8.GetBytes(c), signatureBytes, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
                ? null
                : SignatureVerification.Fail(SignatureFailure.InvalidSignature, "the signature does not verify with the actor's key", signature.KeyId);
        }, cancellationToken);
    }

    private static SignatureVerification? CheckRequiredComponents(HttpRequestParts request, CavageSignatureHeader signature)
    {
        var signed = signature.Headers;
        string? missing = null;
        if (!signed.Contains("(request-target)")) missing = "(request-target)";
        else if (!signed.Contains("host")) missing = "host";
        else if (!signed.Contains("date") && !signed.Contains("(created)")) missing = "date";
        else if (request.Body is { Length: > 0 } && !signed.Contains("digest")) missing = "digest";
        return missing is null ? null
            : SignatureVerification.Fail(SignatureFailure.MissingComponent, $"the signature must cover '{missing}'");
    }

    private SignatureVerification? CheckTime(HttpRequestParts request, CavageSignatureHeader signature, SignatureVerificationOptions options)
    {
        var now = time.GetUtcNow();
        DateTimeOffset signedAt;
        if (signature.Headers.Contains("(created)") && signature.Created is { } created)
            signedAt = DateTimeOffset.FromUnixTimeSeconds(created);
        else if (request.Header("date") is { } date && TryParseHttpDate(date, out var parsed))
            signedAt = parsed;
        else
            return SignatureVerification.Fail(SignatureFailure.MissingComponent, "the request has no valid Date header");

        if ((now - signedAt).Duration() > options.DateWindow)
            return SignatureVerification.Fail(SignatureFailure.DateOutOfWindow,
                $"the request was signed at {signedAt:u}, outside ±{options.DateWindow.TotalMinutes:0} minutes of now ({now:u})");
        if (signature.Expires is { } expires && DateTimeOffset.FromUnixTimeSeconds(expires) < now)
            return SignatureVerification.Fail(SignatureFailure.DateOutOfWindow, "the signature has expired");
        return null;
    }

    /// <summary>
    /// The signing strings to try. Mastodon accepts <c>(request-target)</c> with and without the query string,
    /// because some senders sign the path alone; so do we.
    /// </summary>
    private static List<string> SigningStrings(HttpRequestParts request, CavageSignatureHeader signature)
    {
        var targets = new List<string> { request.PathAndQuery };
        var query = request.PathAndQuery.IndexOf('?');
        if (query >= 0) targets.Add(request.PathAndQuery[..query]);
        var result = new List<string>();
        foreach (var target in targets)
        {
            var (text, _) = CavageSigningString.Build(request, signature.Headers, target, signature.Created, signature.Expires);
            if (text is not null && !result.Contains(text)) result.Add(text);
        }
        return result;
    }

    /// <summary>The three HTTP-date forms of RFC 9110 §5.6.7: IMF-fixdate, and the obsolete RFC 850 and asctime forms.</summary>
    private static readonly string[] HttpDateFormats = ["r", "dddd, dd-MMM-yy HH:mm:ss 'GMT'", "ddd MMM d HH:mm:ss yyyy", "ddd MMM dd HH:mm:ss yyyy"];

    /// <summary>Parses an HTTP-date (RFC 9110 §5.6.7) and nothing else.</summary>
    public static bool TryParseHttpDate(string value, out DateTimeOffset date) =>
        DateTimeOffset.TryParseExact(value.Trim(), HttpDateFormats, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowInnerWhite, out date);
}
