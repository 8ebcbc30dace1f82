using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Camtree.Protocol.JsonLd;
using Camtree.Tests.Support;

namespace Camtree.Tests.Protocol;

/// <summary>RFC 8785 (JCS): the RFC's examples, its authors' test data, the Appendix B number table.</summary>
public sealed class JsonCanonicalizerTests
{
    private static readonly JsonElement Vectors = Fixtures.Load("Proofs/rfc8785.json");

    public static TheoryData<string> ExampleIds() =>
        new(Vectors.GetProperty("examples").EnumerateArray().Select(e => e.Text("id")));

    private static string Canonical(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(document.RootElement));
    }

    [Theory]
    [MemberData(nameof(ExampleIds))]
    public void Canonicalizes_the_published_examples_byte_for_byte(string id)
    {
        var example = Vectors.GetProperty("examples").EnumerateArray().Single(e => e.Text("id") == id);
        using var document = JsonDocument.Parse(example.Text("input"));

        var bytes = JsonCanonicalizer.Canonicalize(document.RootElement);

        Assert.Equal(Encoding.UTF8.GetBytes(example.Text("expected")), bytes);
    }

    [Fact]
    public void Sorts_member_names_by_UTF16_code_units_as_in_RFC_8785_section_3_2_3()
    {
        var example = Vectors.GetProperty("examples").EnumerateArray().Single(e => e.Text("id") == "rfc8785-3.2.3-sorting");

        using var canonical = JsonDocument.Parse(Canonical(example.Text("input")));

        var values = canonical.RootElement.EnumerateObject().Select(m => m.Value.GetString()).ToList();
        Assert.Equal(Vectors.GetProperty("sortingExpectedValueOrder").EnumerateArray().Select(v => v.GetString()), values);
        // The emoji (D83D DE00) sorts before U+FB33 by code units, although its code point and UTF-8 are larger.
        Assert.True(values.IndexOf("Emoji: Grinning Face") < values.IndexOf("Hebrew Letter Dalet With Dagesh"));
    }

    public static TheoryData<string> AppendixBNumbers() =>
        new(Vectors.GetProperty("appendixB").EnumerateArray().Select(n => n.Text("ieee754")));

    [Theory]
    [MemberData(nameof(AppendixBNumbers))]
    public void Serializes_the_Appendix_B_doubles(string ieee754)
    {
        var sample = Vectors.GetProperty("appendixB").EnumerateArray().Single(n => n.Text("ieee754") == ieee754);
        var value = BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64BigEndian(Convert.FromHexString(ieee754)));

        if (sample.GetProperty("expected").ValueKind == JsonValueKind.Null)
        {
            // NaN and Infinity have no JSON form: RFC 8785 §3.2.2.3 says they MUST cause an error.
            Assert.Throws<JsonCanonicalizationException>(() => EcmaScriptNumber.Format(value));
            Assert.Throws<JsonCanonicalizationException>(() => JsonCanonicalizer.Canonicalize(JsonValue.Create(value)));
        }
        else
        {
            Assert.Equal(sample.Text("expected"), EcmaScriptNumber.Format(value));
            Assert.Equal(sample.Text("expected"), Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(JsonValue.Create(value))));
        }
    }

    public static TheoryData<string, string> NumberLiterals()
    {
        var data = new TheoryData<string, string>();
        foreach (var c in Vectors.GetProperty("numberLiterals").GetProperty("cases").EnumerateArray()) data.Add(c.Text("literal"), c.Text("expected"));
        return data;
    }

    [Theory]
    [MemberData(nameof(NumberLiterals))]
    public void Serializes_number_literals_as_ECMAScript_does(string literal, string expected) =>
        Assert.Equal(expected, Canonical(literal));

    [Theory]
    [InlineData("1e21", "1e+21")] // the first double printed with an exponent
    [InlineData("999999999999999900000", "999999999999999900000")] // the last below it
    [InlineData("0.000001", "0.000001")] // the smallest printed without an exponent
    [InlineData("1e-7", "1e-7")]
    [InlineData("9007199254740993", "9007199254740992")] // 2^53 + 1 is not a double: it rounds to even
    [InlineData("-0", "0")]
    [InlineData("4.50", "4.5")]
    [InlineData("2e-3", "0.002")]
    public void Number_boundaries(string literal, string expected) => Assert.Equal(expected, Canonical(literal));

    [Fact]
    public void Escapes_only_what_JSON_stringify_escapes()
    {
        var text = "\"\\\b\f\n\r\t\u0000\u001f\u007f/</script>\u2028é😀";
        var canonical = Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(JsonValue.Create(text)));

        Assert.Equal("\"\\\"\\\\\\b\\f\\n\\r\\t\\u0000\\u001f\u007f/</script>\u2028é😀\"", canonical);
    }

    [Fact]
    public void Writes_no_whitespace_and_keeps_array_order()
    {
        Assert.Equal("{\"a\":[3,1,2],\"b\":{\"c\":null,\"d\":true}}", Canonical(" { \"b\" : { \"d\" : true , \"c\" : null } , \"a\" : [ 3 , 1 , 2 ] } "));
    }

    [Fact]
    public void Nodes_and_parsed_elements_give_the_same_bytes()
    {
        var node = new JsonObject { ["z"] = 1.5, ["a"] = new JsonArray(1, 2L, 3.0m, "x"), ["m"] = JsonNode.Parse("{\"q\":1E30}") };

        Assert.Equal("{\"a\":[1,2,3,\"x\"],\"m\":{\"q\":1e+30},\"z\":1.5}", Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(node)));
    }

    [Fact]
    public void Refuses_duplicate_member_names()
    {
        // System.Text.Json keeps both members; readers disagree on which wins, so one signature could vouch for
        // two readings. I-JSON (RFC 7493 §2.3), which RFC 8785 §3.1 requires, forbids them.
        using var document = JsonDocument.Parse("{\"a\":1,\"b\":2,\"\\u0061\":3}");

        var error = Assert.Throws<JsonCanonicalizationException>(() => JsonCanonicalizer.Canonicalize(document.RootElement));
        Assert.Contains("duplicate", error.Message);
    }

    [Fact]
    public void Refuses_duplicate_member_names_in_a_parsed_node_tree()
    {
        var node = JsonNode.Parse("{\"a\":1,\"b\":{\"c\":2,\"c\":3}}");

        var error = Assert.Throws<JsonCanonicalizationException>(() => JsonCanonicalizer.Canonicalize(node));
        Assert.Contains("duplicate", error.Message);
    }

    [Fact]
    public void Refuses_a_node_tree_nested_deeper_than_a_parser_would_read()
    {
        // Built in code, a tree can nest as deep as memory allows; written recursively, it would overflow the stack.
        JsonNode deep = new JsonArray();
        for (var i = 0; i < 100; i++) deep = new JsonArray(deep);
        JsonNode shallow = new JsonArray();
        for (var i = 0; i < 60; i++) shallow = new JsonArray(shallow);

        var error = Assert.Throws<JsonCanonicalizationException>(() => JsonCanonicalizer.Canonicalize(deep));
        Assert.Contains("deeper", error.Message);
        Assert.Equal(new string('[', 61) + new string(']', 61), Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(shallow)));
    }

    [Fact]
    public void Refuses_a_lone_surrogate()
    {
        using var escaped = JsonDocument.Parse("{\"a\":\"\\ud800\"}");
        Assert.Throws<JsonCanonicalizationException>(() => JsonCanonicalizer.Canonicalize(escaped.RootElement));
        Assert.Throws<JsonCanonicalizationException>(() => JsonCanonicalizer.Canonicalize(JsonValue.Create("x\udc00")));
    }

    [Fact]
    public void Refuses_a_number_too_large_for_a_double()
    {
        using var document = JsonDocument.Parse("[1e400]");
        Assert.Throws<JsonCanonicalizationException>(() => JsonCanonicalizer.Canonicalize(document.RootElement));
    }
}
