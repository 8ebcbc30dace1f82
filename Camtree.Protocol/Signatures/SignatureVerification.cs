namespace Camtree.Protocol.Signatures;

/// <summary>Why a request's signature was not accepted.</summary>
public enum SignatureFailure
{
    None,
    /// <summary>No <c>Signature</c> (or <c>Authorization: Signature</c>) header.</summary>
    NoSignature,
    /// <summary>The header could not be parsed, or its signature is not base64.</summary>
    MalformedSignature,
    /// <summary>The <c>algorithm</c> parameter names an algorithm this node does not verify.</summary>
    UnsupportedAlgorithm,
    /// <summary>A component the policy requires is not signed, or a signed header is absent from the request.</summary>
    MissingComponent,
    /// <summary>The request's Date (or <c>(created)</c>) is outside the allowed window, or the signature expired.</summary>
    DateOutOfWindow,
    /// <summary>A request with a body carries no digest of it.</summary>
    MissingDigest,
    /// <summary>The digest does not match the body.</summary>
    DigestMismatch,
    /// <summary>The key named by <c>keyId</c> could not be fetched or is not a usable key.</summary>
    KeyFetchFailed,
    /// <summary>The signature does not verify with the key.</summary>
    InvalidSignature,
}

/// <summary>The outcome of verifying a request signature; on success it names the key and its owner.</summary>
public sealed record SignatureVerification(SignatureFailure Failure, string Reason, string? KeyId = null, string? KeyOwner = null)
{
    public bool IsValid => Failure == SignatureFailure.None;

    public static SignatureVerification Valid(string keyId, string owner) =>
        new(SignatureFailure.None, "signature verified", keyId, owner);

    public static SignatureVerification Fail(SignatureFailure failure, string reason, string? keyId = null) =>
        new(failure, reason, keyId);
}

/// <summary>A public key found for a <c>keyId</c>, with the actor that owns it.</summary>
/// <param name="KeyId">The key id, as signatures name it.</param>
/// <param name="Owner">The actor that owns the key.</param>
/// <param name="PublicKeyPem">The key, PEM-encoded SubjectPublicKeyInfo.</param>
/// <param name="JustFetched">True when the resolver fetched it for this request: fetching again cannot help.</param>
public sealed record ResolvedPublicKey(string KeyId, string Owner, string PublicKeyPem, bool JustFetched = false)
{
    /// <summary>
    /// The RFC 9421 algorithm the key is bound to, when whoever published the key said so (e.g. <c>rsa-pss-sha512</c>);
    /// null when only the key type is known, as with ActivityPub actors' keys. See <see cref="Rfc9421Algorithms.Choose"/>.
    /// </summary>
    public string? Algorithm { get; init; }
}

/// <summary>
/// Finds the public key a <c>keyId</c> names. A node implements it with a cache in front of a signed fetch;
/// <c>refresh</c> asks it to bypass the cache (the key may have been rotated).
/// </summary>
public interface IPublicKeyResolver
{
    Task<ResolvedPublicKey?> ResolveAsync(string keyId, bool refresh, CancellationToken cancellationToken);
}

/// <summary>Options of <see cref="HttpSignatureVerifier"/>, <see cref="CavageVerifier"/> and <see cref="Rfc9421Verifier"/>.</summary>
public sealed record SignatureVerificationOptions
{
    /// <summary>How far the request's Date, or RFC 9421 <c>created</c>, may be from now, either way (Mastodon: 1 hour).</summary>
    public TimeSpan DateWindow { get; init; } = TimeSpan.FromHours(1);
}
