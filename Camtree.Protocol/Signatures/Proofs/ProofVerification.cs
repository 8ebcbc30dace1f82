namespace Camtree.Protocol.Signatures.Proofs;

/// <summary>Why a document's object integrity proof (FEP-8b32) was not accepted.</summary>
public enum ProofFailure
{
    None,
    /// <summary>The document has no <c>proof</c>: the caller falls back to other authentication (the HTTP signature).</summary>
    NoProof,
    /// <summary>The proof's <c>type</c> is not <c>DataIntegrityProof</c>.</summary>
    UnsupportedProofType,
    /// <summary>The proof's <c>cryptosuite</c> is not <c>eddsa-jcs-2022</c>.</summary>
    UnsupportedCryptosuite,
    /// <summary>A required proof member is absent or ill-formed (proofValue, verificationMethod, created, expires…), or there are too many proofs.</summary>
    MalformedProof,
    /// <summary>The document has no RFC 8785 canonical form (duplicate names, invalid Unicode): nothing can be verified.</summary>
    MalformedDocument,
    /// <summary>The <c>proofPurpose</c> is not the one required (FEP-8b32: <c>assertionMethod</c>).</summary>
    WrongProofPurpose,
    /// <summary>The proof's <c>expires</c> has passed.</summary>
    Expired,
    /// <summary>The proof's <c>@context</c> is not the document's <c>@context</c>.</summary>
    ContextMismatch,
    /// <summary>The verification method could not be resolved, or the resolver found no such key.</summary>
    KeyNotFound,
    /// <summary>The key was found but is not an Ed25519 Multikey, or it has expired.</summary>
    UnusableKey,
    /// <summary>The signature does not verify with the key.</summary>
    InvalidSignature,
}

/// <summary>
/// The outcome of verifying a document's proof. On success it names the verification method and the actor that
/// controls it; whether that actor may speak for the document is a separate question (<see cref="ProofRules"/>).
/// </summary>
public sealed record ProofVerification(ProofFailure Failure, string Reason,
    string? VerificationMethod = null, string? Controller = null, DateTimeOffset? Created = null)
{
    public bool IsValid => Failure == ProofFailure.None;

    public static ProofVerification Valid(string verificationMethod, string controller, DateTimeOffset? created) =>
        new(ProofFailure.None, "proof verified", verificationMethod, controller, created);

    public static ProofVerification Fail(ProofFailure failure, string reason, string? verificationMethod = null) =>
        new(failure, reason, verificationMethod);
}

/// <summary>
/// A Multikey found for a verification method id.
/// </summary>
/// <param name="Id">The key id; must be the verification method the proof names.</param>
/// <param name="Controller">The actor (or DID) that controls the key.</param>
/// <param name="PublicKeyMultibase">The key, as published (<c>z6Mk…</c> for Ed25519).</param>
/// <param name="JustFetched">True when the resolver fetched it for this request: fetching again cannot help.</param>
/// <param name="Expires">The key's <c>expires</c>, if it has one (FEP-521a).</param>
public sealed record ResolvedMultikey(string Id, string Controller, string PublicKeyMultibase,
    bool JustFetched = false, DateTimeOffset? Expires = null);

/// <summary>
/// Finds the key a proof's <c>verificationMethod</c> names (<see href="https://www.w3.org/TR/cid-1.0/#retrieve-verification-method">CID §3.3 Retrieve Verification Method</see>).
/// A node implements it with a cache in front of a fetch of the controller document (the actor), returning the
/// key only when that document lists it under <c>assertionMethod</c> with itself as controller, as FEP-521a
/// requires (<see cref="Multikeys.Multikey.FromAssertionMethod"/> does that check). <c>refresh</c> asks it to
/// bypass the cache (the key may have been rotated). Null when there is no such key; a fetch that fails may throw
/// <see cref="HttpRequestException"/> or <see cref="InvalidOperationException"/>.
/// </summary>
public interface IProofKeyResolver
{
    Task<ResolvedMultikey?> ResolveMultikeyAsync(string verificationMethodId, bool refresh, CancellationToken cancellationToken);
}

/// <summary>Options of <see cref="ProofVerifier"/>.</summary>
public sealed record ProofVerificationOptions
{
    /// <summary>The proof purpose required; FEP-8b32 says MUST be <c>assertionMethod</c>.</summary>
    public string ProofPurpose { get; init; } = "assertionMethod";

    /// <summary>
    /// The most proofs a document may carry. Each can name a different key, and each key costs a fetch: the cap
    /// keeps one document from making the node fetch without limit. FEP-8b32 says a document SHOULD carry one.
    /// </summary>
    public int MaxProofs { get; init; } = 4;
}
