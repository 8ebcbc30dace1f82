namespace Camtree.Protocol.Signatures.Ed25519;

/// <summary>
/// Which <see cref="IEd25519"/> a process uses: NSec (libsodium, native, 2.6× BouncyCastle's verify rate here) when it
/// loads and reproduces RFC 8032's TEST 2 exactly, else BouncyCastle's managed code, which runs wherever .NET does.
/// A missing or broken native library then costs speed, never correctness or the start of a node.
/// </summary>
public static class Ed25519Choice
{
    // RFC 8032 §7.1, TEST 2: one byte, 0x72.
    private static readonly byte[] Seed = Convert.FromHexString("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
    private static readonly byte[] PublicKey = Convert.FromHexString("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
    private static readonly byte[] Message = [0x72];
    private static readonly byte[] Signature = Convert.FromHexString(
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");

    /// <summary>The preferred implementation if it passes the self-test, else <paramref name="fallback"/>; <paramref name="warn"/> hears why.</summary>
    public static IEd25519 Choose(Func<IEd25519> preferred, IEd25519 fallback, Action<string>? warn = null)
    {
        try
        {
            var candidate = preferred();
            if (candidate.DerivePublicKey(Seed).AsSpan().SequenceEqual(PublicKey) && candidate.Sign(Seed, Message).AsSpan().SequenceEqual(Signature)
                && candidate.Verify(PublicKey, Message, Signature) && !candidate.Verify(PublicKey, [0x73], Signature))
                return candidate;
            warn?.Invoke($"{candidate.GetType().Name} does not reproduce RFC 8032 TEST 2: using {fallback.GetType().Name}");
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or TypeInitializationException
                                      or InvalidOperationException or PlatformNotSupportedException)
        {
            warn?.Invoke($"the preferred Ed25519 could not be loaded ({e.GetType().Name}: {e.Message}): using {fallback.GetType().Name}");
        }
        return fallback;
    }

    /// <summary>What <see cref="Best"/> gives, chosen once per process, for code that is not handed an implementation.</summary>
    public static IEd25519 Default => LazyDefault.Value;

    private static readonly Lazy<IEd25519> LazyDefault = new(() => Best());

    /// <summary>NSec when it works here, else BouncyCastle.</summary>
    public static IEd25519 Best(Action<string>? warn = null) => Choose(() => NSecEd25519.Instance, BouncyCastleEd25519.Instance, warn);
}
