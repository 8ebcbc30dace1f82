using System.Text;

namespace Camtree.Protocol.Signatures;

/// <summary>
/// Verifies RFC 9421 HTTP Message Signatures on requests (<see href="https://www.rfc-editor.org/rfc/rfc9421#section-3.2">§3.2</see>)
/// the way Mastodon and Fedify accept them: <c>@method</c> and <c>@target-uri</c> (or <c>@authority</c> with
/// <c>@path</c> or <c>@request-target</c>) covered, <c>content-digest</c> covered and matching on a request with a
/// body, <c>created</c> within the window, <c>expires</c> not past, a <c>keyid</c>.
/// </summary>
public sealed class Rfc9421Verifier(IPublicKeyResolver keys, PublicKeyCache keyCache, TimeProvider time, Ed25519.IEd25519? ed25519 = null)
{
    /// <summary>
    /// Verifies a request. A message may carry several signatures (§4.3), e.g. one added by a proxy: the first, in
    /// <c>Signature-Input</c> order, that meets the policy is verified; when none does, the first one's refusal is
    /// returned. Checks that cost nothing come first; the key is fetched only for a signature that would otherwise be
    /// acceptable; a failure with a cached key is retried once with a fresh fetch (rotation), as in
    /// <see cref="CavageVerifier"/>.
    /// </summary>
    public async Task<SignatureVerification> VerifyRequestAsync(
        HttpRequestParts request, SignatureVerificationOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new SignatureVerificationOptions();
        var inputHeader = request.Header("signature-input");
        var signatureHeader = request.Header("signature");
        if (inputHeader is null || signatureHeader is null)
            return SignatureVerification.Fail(SignatureFailure.NoSignature, "the request has no Signature-Input and Signature headers");

        var inputs = StructuredFieldParser.ParseDictionary(inputHeader);
        if (inputs is null || inputs.Count == 0)
            return SignatureVerification.Fail(SignatureFailure.MalformedSignature, "the Signature-Input header is not a structured dictionary");
        var signatures = StructuredFieldParser.ParseDictionary(signatureHeader);
        if (signatures is null)
            return SignatureVerification.Fail(SignatureFailure.MalformedSignature, "the Signature header is not a structured dictionary");

        SignatureVerification? firstRefusal = null;
        foreach (var (label, member) in inputs)
        {
            var (candidate, refusal) = Prepare(request, label, member, signatures, options);
            if (candidate is not null) return await VerifyWithKeyAsync(candidate, cancellationToken);
            firstRefusal ??= refusal;
        }
        return firstRefusal!;
    }

    /// <summary>A signature that passed every check but the cryptographic one.</summary>
    private sealed record Candidate(Rfc9421SignatureInput Input, string KeyId, byte[] Signature, byte[] SignatureBase);

    private (Candidate?, SignatureVerification?) Prepare(HttpRequestParts request, string label, SfMember member,
        IReadOnlyList<KeyValuePair<string, SfMember>> signatures, SignatureVerificationOptions options)
    {
        var (input, problem) = Rfc9421SignatureInput.Parse(label, member);
        if (input is null) return (null, SignatureVerification.Fail(SignatureFailure.MalformedSignature, problem!));
        if (input.KeyId is not { Length: > 0 } keyId)
            return (null, SignatureVerification.Fail(SignatureFailure.MalformedSignature, $"signature '{label}' has no keyid"));

        var signature = signatures.FirstOrDefault(s => s.Key == label).Value;
        if (signature is null)
            return (null, Refuse(SignatureFailure.MalformedSignature, $"label '{label}' is in Signature-Input but not in Signature"));
        if (signature is not SfItem { Value: byte[] signatureBytes })
            return (null, Refuse(SignatureFailure.MalformedSignature, $"the Signature member '{label}' is not a byte sequence"));

        if (input.Algorithm is { } alg && Rfc9421Algorithms.Refusal(alg) is { } unsupported)
            return (null, Refuse(SignatureFailure.UnsupportedAlgorithm, unsupported));
        if (MissingRequiredComponent(input) is { } missing)
            return (null, Refuse(SignatureFailure.MissingComponent, $"the signature must cover '{missing}'"));
        if (CheckTime(input, options) is { } stale) return (null, stale with { KeyId = keyId });
        if (CheckDigest(request, input) is { } digest) return (null, digest with { KeyId = keyId });

        var (signatureBase, baseProblem) = Rfc9421SignatureBase.Build(request, input.Parameters);
        if (signatureBase is null) return (null, Refuse(SignatureFailure.MissingComponent, baseProblem!));
        return (new Candidate(input, keyId, signatureBytes, Encoding.UTF8.GetBytes(signatureBase)), null);

        SignatureVerification Refuse(SignatureFailure failure, string reason) => SignatureVerification.Fail(failure, reason, keyId);
    }

    /// <summary>
    /// What Mastodon and Fedify require: the method and the full target. <c>@path</c> leaves the query unsigned, as
    /// draft-cavage senders that sign <c>(request-target)</c> without it do, and is accepted for the same reason.
    /// </summary>
    private static string? MissingRequiredComponent(Rfc9421SignatureInput input)
    {
        if (!input.Covers("@method")) return "@method";
        if (input.Covers("@target-uri")) return null;
        if (input.Covers("@authority") && (input.Covers("@path") || input.Covers("@request-target"))) return null;
        return "@target-uri";
    }

    private SignatureVerification? CheckTime(Rfc9421SignatureInput input, SignatureVerificationOptions options)
    {
        if (input.Created is not { } created)
            return SignatureVerification.Fail(SignatureFailure.MissingComponent, "the signature has no 'created' parameter");
        // Seconds, not DateTimeOffset: created is any 15-digit integer the sender chose, beyond DateTimeOffset's range.
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        if (Math.Abs(now - created) > options.DateWindow.TotalSeconds)
            return SignatureVerification.Fail(SignatureFailure.DateOutOfWindow,
                $"the signature was created {now - created} s before now, outside ±{options.DateWindow.TotalMinutes:0} minutes");
        if (input.Expires is { } expires && expires < now)
            return SignatureVerification.Fail(SignatureFailure.DateOutOfWindow, "the signature has expired");
        return null;
    }

    /// <summary>
    /// A covered digest must match the body, even an empty one. A body needs a covered digest: <c>content-digest</c>
    /// (RFC 9530), or the legacy <c>digest</c> that some senders of both signature formats still cover.
    /// </summary>
    private static SignatureVerification? CheckDigest(HttpRequestParts request, Rfc9421SignatureInput input)
    {
        var body = request.Body ?? ReadOnlyMemory<byte>.Empty;
        DigestCheck check;
        if (input.Covers("content-digest"))
            check = ContentDigest.Verify(request.Header("content-digest"), body.Span);
        else if (input.Covers("digest"))
            check = HttpDigest.VerifyDigestHeader(request.Header("digest"), body.Span);
        else if (body.Length == 0)
            return null;
        else if (request.Header("content-digest") is null && request.Header("digest") is null)
            return SignatureVerification.Fail(SignatureFailure.MissingDigest, "the request body has no Content-Digest header");
        else
            return SignatureVerification.Fail(SignatureFailure.MissingComponent, "the signature must cover 'content-digest' on a request with a body");

        return check switch
        {
            DigestCheck.Matches => null,
            DigestCheck.Mismatch => SignatureVerification.Fail(SignatureFailure.DigestMismatch, "the digest does not match the body"),
            _ => SignatureVerification.Fail(SignatureFailure.MissingDigest, "the request has no SHA-256 or SHA-512 digest of its body"),
        };
    }

    private Task<SignatureVerification> VerifyWithKeyAsync(Candidate candidate, CancellationToken cancellationToken) =>
        KeyRotation.VerifyWithKeyAsync(keys, candidate.KeyId, key => CheckWithKey(candidate, key), cancellationToken);

    /// <summary>Null when the signature verifies with the key; else why not.</summary>
    private SignatureVerification? CheckWithKey(Candidate candidate, ResolvedPublicKey key)
    {
        var keyId = candidate.KeyId;
        var parsed = keyCache.GetKey(key.PublicKeyPem);
        if (parsed is null)
        {
            // §3.3.6: Ed25519 over the signature base itself (no pre-hash), a 64-byte signature.
            if (PublicKeyCache.Ed25519PublicKey(key.PublicKeyPem) is not { } edKey)
                return SignatureVerification.Fail(SignatureFailure.KeyFetchFailed, $"key {keyId} is not an RSA, P-256 or Ed25519 public key", keyId);
            var (edAlgorithm, edProblem) = Rfc9421Algorithms.ChooseForEd25519(candidate.Input.Algorithm, key.Algorithm);
            if (edAlgorithm is null) return SignatureVerification.Fail(SignatureFailure.UnsupportedAlgorithm, edProblem!, keyId);
            return (ed25519 ?? Ed25519.Ed25519Choice.Default).Verify(edKey, candidate.SignatureBase, candidate.Signature)
                ? null
                : SignatureVerification.Fail(SignatureFailure.InvalidSignature, $"the signature does not verify with key {keyId} (ed25519)", keyId);
        }

        var (algorithm, problem) = Rfc9421Algorithms.Choose(candidate.Input.Algorithm, parsed, key.Algorithm);
        if (algorithm is null) return SignatureVerification.Fail(SignatureFailure.UnsupportedAlgorithm, problem!, keyId);
        return Rfc9421Algorithms.Verify(algorithm, parsed, candidate.SignatureBase, candidate.Signature)
            ? null
            : SignatureVerification.Fail(SignatureFailure.InvalidSignature, $"the signature does not verify with key {keyId} ({algorithm})", keyId);
    }
}
