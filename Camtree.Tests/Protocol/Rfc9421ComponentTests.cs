using Camtree.Protocol.Signatures;

namespace Camtree.Tests.Protocol;

/// <summary>RFC 9421 §2.1 field values and §2.2 derived component values of a request.</summary>
public sealed class Rfc9421ComponentTests
{
    private static HttpRequestParts Request(string pathAndQuery, string host = "www.example.com", string scheme = "https") =>
        HttpRequestParts.Create("POST", pathAndQuery, [new("Host", host)]) with { Scheme = scheme };

    private static string? Value(HttpRequestParts request, string identifier)
    {
        var member = StructuredFieldParser.ParseList(identifier)![0];
        return Rfc9421Components.Value(request, (SfItem)member).Value;
    }

    [Theory]
    [InlineData("\"@method\"", "POST")]
    [InlineData("\"@target-uri\"", "https://www.example.com/path?param=value")]
    [InlineData("\"@authority\"", "www.example.com")]
    [InlineData("\"@scheme\"", "https")]
    [InlineData("\"@request-target\"", "/path?param=value")]
    [InlineData("\"@path\"", "/path")]
    [InlineData("\"@query\"", "?param=value")]
    public void Derived_components_of_the_RFCs_example_request(string identifier, string expected) =>
        Assert.Equal(expected, Value(Request("/path?param=value"), identifier));

    [Theory]
    [InlineData("Example.COM:443", "https", "example.com")]
    [InlineData("example.com:80", "http", "example.com")]
    [InlineData("example.com:8443", "https", "example.com:8443")]
    [InlineData("example.com:80", "https", "example.com:80")]
    public void Authority_is_lowercased_without_the_default_port(string host, string scheme, string expected) =>
        Assert.Equal(expected, Value(Request("/", host, scheme), "\"@authority\""));

    [Fact]
    public void A_request_without_a_query_has_the_query_question_mark_alone() =>
        Assert.Equal("?", Value(Request("/path"), "\"@query\""));

    [Fact]
    public void An_empty_path_is_a_slash() =>
        Assert.Equal("/", Value(Request("?x=1"), "\"@path\""));

    [Theory]
    [InlineData("var", "this%20is%20a%20big%0Amultiline%20value")]
    [InlineData("bar", "with%20plus%20whitespace")]
    [InlineData("fa%C3%A7ade%22%3A%20", "something")]
    public void Query_parameters_are_decoded_and_reencoded_as_in_section_2_2_8(string name, string expected)
    {
        var request = Request("/parameters?var=this%20is%20a%20big%0Amultiline%20value&bar=with+plus+whitespace&fa%C3%A7ade%22%3A%20=something");
        Assert.Equal(expected, Value(request, $"\"@query-param\";name=\"{name}\""));
    }

    [Theory]
    [InlineData("baz", "batman")]
    [InlineData("qux", "")]
    [InlineData("param", "value")]
    public void Named_query_parameters_of_section_2_2_8(string name, string expected) =>
        Assert.Equal(expected, Value(Request("/path?param=value&foo=bar&baz=batman&qux="), $"\"@query-param\";name=\"{name}\""));

    [Theory]
    [InlineData("/path?dup=1&dup=2", "dup", "more than once")] // §2.2.8: a repeated parameter MUST NOT be included
    [InlineData("/path?a=1", "b", "no query parameter")]
    public void A_query_parameter_that_is_absent_or_repeated_cannot_be_signed(string pathAndQuery, string name, string reason)
    {
        var (value, problem) = Rfc9421Components.Value(Request(pathAndQuery), (SfItem)StructuredFieldParser.ParseList($"\"@query-param\";name=\"{name}\"")![0]);
        Assert.Null(value);
        Assert.Contains(reason, problem);
    }

    [Fact]
    public void Repeated_fields_are_trimmed_and_joined_with_a_comma_and_a_space()
    {
        // §2.1: each instance's value without surrounding whitespace, then ", " between them.
        var request = HttpRequestParts.Create("GET", "/", [new("Cache-Control", "  max-age=60 "), new("cache-control", "\tmust-revalidate")]);
        Assert.Equal("max-age=60, must-revalidate", Value(request, "\"cache-control\""));
    }

    [Fact]
    public void An_empty_field_has_an_empty_value() =>
        Assert.Equal("", Value(HttpRequestParts.Create("GET", "/", [new("X-Empty-Header", "")]), "\"x-empty-header\""));

    [Fact]
    public void A_value_with_a_line_break_cannot_pose_as_more_lines_of_the_base()
    {
        var request = HttpRequestParts.Create("GET", "/", [new("X-Note", "a\n\"@method\": GET")]);
        var input = (SfInnerList)StructuredFieldParser.ParseDictionary("sig=(\"x-note\");created=1")![0].Value;

        var (signatureBase, problem) = Rfc9421SignatureBase.Build(request, input);

        Assert.Null(signatureBase);
        Assert.Contains("line break", problem);
    }
}
