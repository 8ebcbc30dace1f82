using System.Text.Json;
using Camtree.Protocol.Signatures.Ed25519;
using Camtree.Tests.Support;

namespace Camtree.Tests.Protocol;

/// <summary>RFC 8032 §7.1: Ed25519 signatures are deterministic, so the exact bytes are the test.</summary>
public sealed class Ed25519Tests
{
    private static readonly JsonElement Vectors = Fixtures.Load("Proofs/rfc8032-ed25519.json");
    private static readonly IEd25519 Ed25519 = BouncyCastleEd25519.Instance;

    private static JsonElement Vector(string id) => Vectors.GetProperty("tests").EnumerateArray().Single(t => t.Text("id") == id);
    private static byte[] Hex(JsonElement vector, string property) => Convert.FromHexString(vector.Text(property));

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
