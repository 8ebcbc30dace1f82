using System.Text.Json;
using Camtree.Protocol.Signatures.Ed25519;
using Camtree.Protocol.Signatures.Multikeys;
using Camtree.Tests.Support;

namespace Camtree.Tests.Protocol;

/// <summary>base58btc, multibase and FEP-521a Multikeys, against published key pairs.</summary>
public sealed class MultikeyTests
{
    private static readonly JsonElement Vectors = Fixtures.Load("Proofs/multikey.json");

    private static JsonElement PublicKey(string id) => Vectors.GetProperty("publicKeys").EnumerateArray().Single(k => k.Text("id") == id);

    [Theory]
    [InlineData("", "")]
    [InlineData("00", "1")]
    [InlineData("0000", "11")]
    [InlineData("61", "2g")]
    [InlineData("626262", "a3gV")]
    [InlineData("636363", "aPEr")]
    [InlineData("00000000000000000000", "1111111111")]
    [InlineData("73696d706c792061206c6f6e6720737472696e67", "2cFupjhnEsSn59qHXstmK2ffpLv2")]
    [InlineData("00eb15231dfceb60925886b67d065299925915aeb172c06647", "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L")]
    [InlineData("516b6fcd0f", "ABnLTmg")]
    [InlineData("572e4794", "3EFU7m")]
    [InlineData("10c8511e", "Rt5zm")]
    [InlineData("000111d38e5fc9071ffcd20b4a763cc9ae4f252bb4e48fd66a835e252ada93ff480d6dd43dc62a641155a5", "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz")]
    public void Base58_round_trips_the_Bitcoin_vectors(string hex, string base58)
    {
        // Bitcoin Core's src/test/data/base58_encode_decode.json cases.
        Assert.Equal(base58, Base58Btc.Encode(Convert.FromHexString(hex)));
        if (base58.Length == 0) return;
        Assert.True(Base58Btc.TryDecode(base58, out var bytes));
        Assert.Equal(hex, Convert.ToHexStringLower(bytes));
    }

    [Theory]
    [InlineData("0OIl")] // the four characters base58 leaves out
    [InlineData("abc+")]
    [InlineData("")]
    public void Base58_refuses_characters_outside_the_alphabet(string text) => Assert.False(Base58Btc.TryDecode(text, out _));

    [Fact]
    public void Base58_refuses_over_long_input_rather_than_work_through_it() =>
        Assert.False(Base58Btc.TryDecode(new string('z', Base58Btc.MaxEncodedLength + 1), out _));

    [Theory]
    [InlineData("fep-521a")]
    [InlineData("openbadges-3.0")]
    public void Encodes_and_reads_publicKeyMultibase(string id)
    {
        var vector = PublicKey(id);
        var raw = Convert.FromHexString(vector.Text("publicKeyHex"));

        Assert.Equal(vector.Text("publicKeyMultibase"), Ed25519Multikey.EncodePublicKey(raw));
        Assert.True(Ed25519Multikey.TryDecodePublicKey(vector.Text("publicKeyMultibase"), out var decoded));
        Assert.Equal(raw, decoded);
        Assert.StartsWith("z6Mk", vector.Text("publicKeyMultibase"));
    }

    [Fact]
    public void The_openbadges_seed_gives_its_public_key()
    {
        var vector = PublicKey("openbadges-3.0");
        var publicKey = BouncyCastleEd25519.Instance.DerivePublicKey(Convert.FromHexString(vector.Text("privateSeedHex")));

        Assert.Equal(vector.Text("publicKeyMultibase"), Ed25519Multikey.EncodePublicKey(publicKey));
    }

    [Fact]
    public void The_test_vector_secret_key_gives_its_public_key()
    {
        var pair = Vectors.GetProperty("keyPair");

        Assert.True(Ed25519Multikey.TryDecodePrivateKey(pair.Text("secretKeyMultibase"), out var seed));
        Assert.Equal(pair.Text("publicKeyMultibase"), Ed25519Multikey.EncodePublicKey(BouncyCastleEd25519.Instance.DerivePublicKey(seed)));
        Assert.Equal(pair.Text("secretKeyMultibase"), Ed25519Multikey.EncodePrivateKey(seed));
    }

    [Fact]
    public void Refuses_anything_but_a_base58btc_ed25519_public_key()
    {
        var good = PublicKey("fep-521a").Text("publicKeyMultibase");
        var raw = Convert.FromHexString(PublicKey("fep-521a").Text("publicKeyHex"));

        Assert.False(Ed25519Multikey.TryDecodePublicKey(null, out _));
        Assert.False(Ed25519Multikey.TryDecodePublicKey("z", out _));
        Assert.False(Ed25519Multikey.TryDecodePublicKey("f" + Convert.ToHexStringLower([0xed, 0x01, .. raw]), out _)); // base16 multibase
        Assert.False(Ed25519Multikey.TryDecodePublicKey(good[1..], out _)); // no multibase prefix
        Assert.False(Ed25519Multikey.TryDecodePublicKey(Base58Btc.EncodeMultibase([0xed, 0x01, .. raw[..31]]), out _)); // short
        Assert.False(Ed25519Multikey.TryDecodePublicKey(Base58Btc.EncodeMultibase([0xed, 0x01, .. raw, 0]), out _)); // long
        Assert.False(Ed25519Multikey.TryDecodePublicKey(Base58Btc.EncodeMultibase([0x12, 0x00, .. raw]), out _)); // P-256 prefix
        // A private key published by mistake is not a public key (vc-di-eddsa: raise an error for any other multicodec).
        Assert.False(Ed25519Multikey.TryDecodePublicKey(Vectors.GetProperty("keyPair").Text("secretKeyMultibase"), out _));
    }

    [Fact]
    public void Writes_and_reads_the_FEP_521a_Multikey_object()
    {
        var vector = PublicKey("fep-521a");
        var key = Multikey.ForEd25519(vector.Text("keyId"), vector.Text("actorId"), Convert.FromHexString(vector.Text("publicKeyHex")));

        var json = key.ToJson();

        Assert.Equal("{\"id\":\"https://server.example/users/alice#ed25519-key\",\"type\":\"Multikey\",\"controller\":\"https://server.example/users/alice\",\"publicKeyMultibase\":\"z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK\"}",
            json.ToJsonString());
        Assert.Equal(key, Multikey.FromJson(JsonDocument.Parse(json.ToJsonString()).RootElement));
    }

    [Fact]
    public void Finds_a_key_in_the_actors_assertionMethod_only_when_the_actor_controls_it()
    {
        var actor = Fixtures.Load("Proofs/fep-8b32.json").GetProperty("fep8b32").GetProperty("actor");

        var key = Multikey.FromAssertionMethod(actor, "https://server.example/users/alice#ed25519-key");

        Assert.NotNull(key);
        Assert.Equal("https://server.example/users/alice", key.Controller);
        Assert.Equal("z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2", key.PublicKeyMultibase);
        Assert.Null(Multikey.FromAssertionMethod(actor, "https://server.example/users/alice#other-key"));

        var foreign = actor.GetRawText().Replace("\"controller\": \"https://server.example/users/alice\"", "\"controller\": \"https://evil.example/users/mallory\"");
        Assert.Null(Multikey.FromAssertionMethod(JsonDocument.Parse(foreign).RootElement, "https://server.example/users/alice#ed25519-key"));
    }
}
