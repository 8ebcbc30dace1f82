namespace Camtree.Protocol.Signatures;

/// <summary>
/// The key step both signature schemes share: resolve the key a signature names and check the signature with it;
/// when a key from a cache does not verify, fetch it once more (the actor may have rotated it) and check again.
/// A fetch failure is <see cref="SignatureFailure.KeyFetchFailed"/>, never an exception.
/// </summary>
internal static class KeyRotation
{
    /// <param name="check">Null when the signature verifies with the key; else why not.</param>
    public static async Task<SignatureVerification> VerifyWithKeyAsync(
        IPublicKeyResolver keys, string keyId, Func<ResolvedPublicKey, SignatureVerification?> check, CancellationToken cancellationToken)
    {
        SignatureVerification? refusal = null;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            ResolvedPublicKey? key;
            try { key = await keys.ResolveAsync(keyId, refresh: attempt == 1, cancellationToken); }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException
                                      || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                return SignatureVerification.Fail(SignatureFailure.KeyFetchFailed, $"could not fetch key {keyId}: {e.Message}", keyId);
            }
            if (key is null) return SignatureVerification.Fail(SignatureFailure.KeyFetchFailed, $"key {keyId} not found", keyId);

            refusal = check(key);
            if (refusal is null) return SignatureVerification.Valid(key.KeyId, key.Owner);
            if (key.JustFetched) break; // a fresh key that does not verify will not verify when fetched again
        }
        return refusal!;
    }
}
