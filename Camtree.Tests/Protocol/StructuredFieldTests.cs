using Camtree.Protocol.Signatures;

namespace Camtree.Tests.Protocol;

/// <summary>RFC 8941 Structured Field Values, as far as RFC 9421 and RFC 9530 use them.</summary>
public sealed class StructuredFieldTests
{
    [Fact]
    public void Parses_a_Signature_Input_member_with_its_components_and_parameters()
    {
        var members = StructuredFieldParser.ParseDictionary(
            "sig1=(\"@method\" \"@target-uri\" \"content-digest\");created=1618884473;keyid=\"test-key-rsa-pss\";alg=\"rsa-pss-sha512\"")!;

        var (label, member) = Assert.Single(members);
        Assert.Equal("sig1", label);
        var list = Assert.IsType<SfInnerList>(member);
        Assert.Equal(["@method", "@target-uri", "content-digest"], list.Items.Select(i => i.Value));
        Assert.Equal(1618884473L, list.Parameter("created"));
        Assert.Equal("test-key-rsa-pss", list.Parameter("keyid"));
        Assert.Equal("rsa-pss-sha512", list.Parameter("alg"));
    }

    [Fact]
    public void Parses_each_bare_item_type()
    {
        var members = StructuredFieldParser.ParseDictionary("i=-42, s=\"a \\\"q\\\" \\\\\", t=foo/bar:1, b=:AQID:, f=?0, bare;p=1")!
            .ToDictionary(m => m.Key, m => ((SfItem)m.Value).Value);

        Assert.Equal(-42L, members["i"]);
        Assert.Equal("a \"q\" \\", members["s"]);
        Assert.Equal(new SfToken("foo/bar:1"), members["t"]);
        Assert.Equal(new byte[] { 1, 2, 3 }, members["b"]);
        Assert.Equal(false, members["f"]);
        Assert.Equal(true, members["bare"]); // a key without a value is Boolean true (RFC 8941 §3.2)
    }

    [Fact]
    public void A_repeated_dictionary_key_keeps_its_first_place_and_its_last_value()
    {
        // RFC 8941 §4.2.2: "overwrite". Signing the canonical form makes this safe (see Rfc9421SignatureBase).
        var members = StructuredFieldParser.ParseDictionary("a=1, b=2, a=3")!;
        Assert.Equal(["a", "b"], members.Select(m => m.Key));
        Assert.Equal(3L, ((SfItem)members[0].Value).Value);
    }

    [Fact]
    public void A_byte_sequence_without_padding_is_tolerated()
    {
        // RFC 8941 §4.2.7: parsers SHOULD NOT fail when '=' padding is missing.
        var item = (SfItem)StructuredFieldParser.ParseDictionary("b=:AQI:")![0].Value;
        Assert.Equal(new byte[] { 1, 2 }, item.Value);
    }

    [Fact]
    public void Parses_a_list_of_items_and_inner_lists()
    {
        var members = StructuredFieldParser.ParseList("1, (\"a\" b);p, ?1")!;
        Assert.Equal(3, members.Count);
        var inner = Assert.IsType<SfInnerList>(members[1]);
        Assert.Equal(["a", new SfToken("b")], inner.Items.Select(i => i.Value));
        Assert.Equal(true, inner.Parameter("p"));
    }

    [Theory]
    [InlineData("a=")]
    [InlineData("a=1,")]
    [InlineData("A=1")]
    [InlineData("a=1234567890123456")]
    [InlineData("a=1.5")] // Decimals: not needed by RFC 9421 or RFC 9530, so refused rather than half-supported
    [InlineData("a=\"é\"")]
    [InlineData("a=\"unterminated")]
    [InlineData("a=\"bad \\escape\"")]
    [InlineData("a=(1")]
    [InlineData("a=(\"x\"\"y\")")]
    [InlineData("a=?2")]
    [InlineData("a=1 b=2")]
    [InlineData("a=:not base64!:")]
    [InlineData("a=:AQID")]
    [InlineData("a=1;")]
    [InlineData("a=1;P=2")]
    [InlineData("a=@x")]
    [InlineData("a=1,,b=2")]
    public void Malformed_dictionaries_do_not_parse(string value) =>
        Assert.Null(StructuredFieldParser.ParseDictionary(value));

    [Theory]
    [InlineData("(\"@method\" \"@target-uri\");created=1;keyid=\"k\"", "(\"@method\" \"@target-uri\");created=1;keyid=\"k\"")]
    [InlineData("(  \"@method\"   \"@path\" );created=1", "(\"@method\" \"@path\");created=1")]
    [InlineData("(\"a\";name=\"x\" \"b\";req);flag;n=?0;t=tok;b=:AQID:", "(\"a\";name=\"x\" \"b\";req);flag;n=?0;t=tok;b=:AQID:")]
    [InlineData("();created=1618884473;keyid=\"q\\\"uote\"", "();created=1618884473;keyid=\"q\\\"uote\"")]
    public void Serialises_an_inner_list_canonically_for_signature_params(string received, string canonical)
    {
        var member = StructuredFieldParser.ParseDictionary("sig=" + received)![0].Value;
        Assert.Equal(canonical, StructuredFieldSerializer.Serialize(member));
    }
}
