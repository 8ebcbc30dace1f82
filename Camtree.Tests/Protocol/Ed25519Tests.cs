using System.Text.Json;
using Camtree.Protocol.Signatures.Ed25519;
using Camtree.Tests.Support;

namespace Camtree.Tests.Protocol;

/// <summary>RFC 8032 §7.1: Ed25519 signatures are deterministic, so the exact bytes are the test. Every implementation behind <see cref="IEd25519"/> passes the same tests.</summary>
public abstract class Ed25519Tests
{
    private static readonly JsonElement Vectors = Fixtures.Load("Proofs/rfc8032-ed25519.json");
    protected abstract IEd25519 Ed25519 { get; }

    protected static JsonElement Vector(string id) => Vectors.GetProperty("tests").EnumerateArray().Single(t => t.Text("id") == id);
    protected static byte[] Hex(JsonElement vector, string property) => Convert.FromHexString(vector.Text(property));

    [Theory]
    [InlineData("TEST 1")]
    [InlineData("TEST 2")]
    [InlineData("TEST 3")]
    public void Derives_the_RFC_public_key(string id)
    {
        var vector = Vector(id);
        Assert.Equal(Hex(vector, "publicKey"), Ed25519.DerivePublicKey(Hex(vector, "privateSeed")));
    }

    [Theory]
    [InlineData("TEST 1")]
    [InlineData("TEST 2")]
    [InlineData("TEST 3")]
    public void Signs_exactly_the_RFC_signature(string id)
    {
        var vector = Vector(id);
        Assert.Equal(Hex(vector, "signature"), Ed25519.Sign(Hex(vector, "privateSeed"), Hex(vector, "message")));
    }

    [Theory]
    [InlineData("TEST 1")]
    [InlineData("TEST 2")]
    [InlineData("TEST 3")]
    public void Verifies_the_RFC_signature_and_nothing_else(string id)
    {
        var vector = Vector(id);
        var publicKey = Hex(vector, "publicKey");
        var message = Hex(vector, "message");
        var signature = Hex(vector, "signature");

        Assert.True(Ed25519.Verify(publicKey, message, signature));
        Assert.False(Ed25519.Verify(publicKey, [.. message, 0x00], signature));
        var flipped = (byte[])signature.Clone();
        flipped[0] ^= 1;
        Assert.False(Ed25519.Verify(publicKey, message, flipped));
        Assert.False(Ed25519.Verify(Hex(Vector(id == "TEST 1" ? "TEST 2" : "TEST 1"), "publicKey"), message, signature));
    }

    [Fact]
    public void Malformed_input_is_not_valid_and_does_not_throw()
    {
        var vector = Vector("TEST 2");
        var publicKey = Hex(vector, "publicKey");
        var signature = Hex(vector, "signature");

        Assert.False(Ed25519.Verify(publicKey[..31], [0x72], signature));
        Assert.False(Ed25519.Verify(publicKey, [0x72], signature[..63]));
        Assert.False(Ed25519.Verify([], [0x72], []));
        // A y coordinate that is not on the curve (y = 2 has no x).
        var notAPoint = new byte[32];
        notAPoint[0] = 2;
        Assert.False(Ed25519.Verify(notAPoint, [0x72], signature));
    }

    [Fact]
    public void Generated_pairs_sign_and_verify()
    {
        var pair = Ed25519.GenerateKeyPair();

        Assert.Equal(32, pair.PrivateSeed.Length);
        Assert.Equal(pair.PublicKey, Ed25519.DerivePublicKey(pair.PrivateSeed));
        Assert.True(Ed25519.Verify(pair.PublicKey, "hello"u8, Ed25519.Sign(pair.PrivateSeed, "hello"u8)));
        Assert.NotEqual(pair.PrivateSeed, Ed25519.GenerateKeyPair().PrivateSeed);
    }

    [Fact]
    public void A_seed_of_the_wrong_length_is_a_programming_error()
    {
        Assert.Throws<ArgumentException>(() => Ed25519.Sign(new byte[31], [1]));
        Assert.Throws<ArgumentException>(() => Ed25519.DerivePublicKey(new byte[64]));
    }
}

public sealed class BouncyCastleEd25519Tests : Ed25519Tests
{
    protected override IEd25519 Ed25519 => BouncyCastleEd25519.Instance;
}

public sealed class NSecEd25519Tests : Ed25519Tests
{
    protected override IEd25519 Ed25519 => NSecEd25519.Instance;

    /// <summary>The two implementations agree, byte for byte and verdict for verdict, on random keys, messages and corruptions.</summary>
    [Fact]
    public void Agrees_with_BouncyCastle_on_random_keys_messages_and_corruptions()
    {
        var random = new Random(0x8032);
        for (var i = 0; i < 300; i++)
        {
            var seed = new byte[32];
            random.NextBytes(seed);
            var message = new byte[random.Next(0, 300)];
            random.NextBytes(message);
            var publicKey = NSecEd25519.Instance.DerivePublicKey(seed);
            Assert.Equal(BouncyCastleEd25519.Instance.DerivePublicKey(seed), publicKey);
            var signature = NSecEd25519.Instance.Sign(seed, message);
            Assert.Equal(BouncyCastleEd25519.Instance.Sign(seed, message), signature);
            var corrupted = (byte[])signature.Clone();
            corrupted[random.Next(64)] ^= (byte)(1 << random.Next(8));
            foreach (var candidate in new[] { signature, corrupted })
                Assert.Equal(BouncyCastleEd25519.Instance.Verify(publicKey, message, candidate), NSecEd25519.Instance.Verify(publicKey, message, candidate));
        }
    }
}

/// <summary>Which Ed25519 a node runs: the native one when it works, else the managed one, and why.</summary>
public sealed class Ed25519ChoiceTests
{
    [Fact]
    public void NSec_is_chosen_here() => Assert.IsType<NSecEd25519>(Ed25519Choice.Best(warning => Assert.Fail(warning)));

    [Fact]
    public void A_native_library_that_does_not_load_falls_back_to_the_managed_code_and_says_so()
    {
        var warnings = new List<string>();
        var chosen = Ed25519Choice.Choose(() => throw new DllNotFoundException("libsodium"), BouncyCastleEd25519.Instance, warnings.Add);
        Assert.Same(BouncyCastleEd25519.Instance, chosen);
        Assert.Contains("DllNotFoundException: libsodium", Assert.Single(warnings));
    }

    [Fact]
    public void An_implementation_that_signs_wrong_bytes_is_not_used()
    {
        var warnings = new List<string>();
        Assert.Same(BouncyCastleEd25519.Instance, Ed25519Choice.Choose(() => new Wrong(), BouncyCastleEd25519.Instance, warnings.Add));
        Assert.Contains("does not reproduce RFC 8032 TEST 2", Assert.Single(warnings));
    }

    /// <summary>Right keys, a signature with its last bit flipped.</summary>
    private sealed class Wrong : IEd25519
    {
        public Ed25519KeyPair GenerateKeyPair() => NSecEd25519.Instance.GenerateKeyPair();
        public byte[] DerivePublicKey(ReadOnlySpan<byte> privateSeed) => NSecEd25519.Instance.DerivePublicKey(privateSeed);
        public byte[] Sign(ReadOnlySpan<byte> privateSeed, ReadOnlySpan<byte> data)
        {
            var signature = NSecEd25519.Instance.Sign(privateSeed, data);
            signature[^1] ^= 1;
            return signature;
        }
        public bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) => true;
    }
}
