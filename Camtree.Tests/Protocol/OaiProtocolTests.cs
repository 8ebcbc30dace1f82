using System.Text;
using System.Xml;
using Camtree.Protocol.Oai;

namespace Camtree.Tests.Protocol;

public sealed class OaiRequestParserTests
{
    private static OaiParsed Parse(params (string Name, string Value)[] pairs) =>
        OaiRequestParser.Parse([.. pairs.Select(p => new KeyValuePair<string, string>(p.Name, p.Value))]);

    private static string Code(OaiParsed parsed) => Assert.Single(parsed.Errors).Code;

    [Fact]
    public void A_missing_unknown_or_repeated_verb_is_badVerb_and_echoes_no_arguments()
    {
        Assert.Equal(OaiErrorCodes.BadVerb, Code(Parse()));
        Assert.Equal(OaiErrorCodes.BadVerb, Code(Parse(("verb", "ListEverything"))));
        Assert.Equal(OaiErrorCodes.BadVerb, Code(Parse(("verb", "identify"))));
        Assert.Equal(OaiErrorCodes.BadVerb, Code(Parse(("verb", "Identify"), ("verb", "Identify"))));
        Assert.False(Parse(("verb", "Nope")).EchoArguments);
    }

    [Fact]
    public void Arguments_the_verb_does_not_take_repeated_empty_or_missing_ones_are_badArgument()
    {
        Assert.Equal(OaiErrorCodes.BadArgument, Code(Parse(("verb", "Identify"), ("metadataPrefix", "oai_dc"))));
        Assert.Equal(OaiErrorCodes.BadArgument, Code(Parse(("verb", "ListRecords"))));
        Assert.Equal(OaiErrorCodes.BadArgument, Code(Parse(("verb", "GetRecord"), ("identifier", "x:y"))));
        Assert.Equal(OaiErrorCodes.BadArgument, Code(Parse(("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("metadataPrefix", "oai_dc"))));
        Assert.Equal(OaiErrorCodes.BadArgument, Code(Parse(("verb", "ListRecords"), ("metadataPrefix", ""))));
        Assert.Equal(OaiErrorCodes.BadArgument, Code(Parse(("verb", "ListRecords"), ("metadataPrefix", "oai dc"))));
        Assert.Equal(OaiErrorCodes.BadArgument, Code(Parse(("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("set", "theme::x"))));
        Assert.Equal(OaiErrorCodes.BadArgument, Code(Parse(("verb", "ListRecords"), ("metadataPrefix", new string('a', 3000)))));
    }

    [Fact]
    public void A_resumptionToken_is_exclusive()
    {
        Assert.Equal(OaiErrorCodes.BadArgument, Code(Parse(("verb", "ListRecords"), ("resumptionToken", "t"), ("metadataPrefix", "oai_dc"))));
        var alone = Parse(("verb", "ListRecords"), ("resumptionToken", "t"));
        Assert.Empty(alone.Errors);
        Assert.Equal("t", alone.Request!.ResumptionToken);
    }

    [Theory]
    [InlineData("2026-13-01", null)]
    [InlineData("2026-12-01T10:00:00", null)]
    [InlineData("2026-12-01T10:00:00+01:00", null)]
    [InlineData("2026-12-01", "2026-12-02T00:00:00Z")]
    [InlineData("2026-12-02", "2026-12-01")]
    [InlineData("2026-12-02T00:00:01Z", "2026-12-02T00:00:00Z")]
    public void Dates_that_are_neither_granularity_mixed_or_out_of_order_are_badArgument(string from, string? until)
    {
        var pairs = new List<(string, string)> { ("verb", "ListIdentifiers"), ("metadataPrefix", "oai_dc"), ("from", from) };
        if (until is not null) pairs.Add(("until", until));
        Assert.Equal(OaiErrorCodes.BadArgument, Code(Parse([.. pairs])));
    }

    [Fact]
    public void A_well_formed_list_request_reads_its_dates_to_the_day_or_the_second()
    {
        var parsed = Parse(("verb", "ListRecords"), ("metadataPrefix", "camtree"), ("from", "2026-12-01"), ("until", "2026-12-01"), ("set", "theme:oracy"));
        Assert.Empty(parsed.Errors);
        var request = parsed.Request!;
        Assert.Equal(OaiVerb.ListRecords, request.Verb);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), request.From!.Value.Start);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 23, 59, 59, TimeSpan.Zero), request.Until!.Value.End);
        Assert.Equal("theme:oracy", request.Set);
        Assert.True(parsed.EchoArguments);

        var seconds = Parse(("verb", "ListIdentifiers"), ("metadataPrefix", "oai_dc"), ("from", "2026-12-01T10:20:30Z"));
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 10, 20, 30, TimeSpan.Zero), seconds.Request!.From!.Value.End);
        Assert.Equal("2026-12-01T10:20:30Z", seconds.Request.From.Value.ToString());
    }
}

public sealed class OaiSetsTests
{
    [Theory]
    [InlineData("oracy", "oracy")]
    [InlineData("lesson_study", "lesson_study")]
    [InlineData("educação", "educa~c3~a7~c3~a3o")]
    [InlineData("a~b", "a~7eb")]
    [InlineData("two words", "two~20words")]
    public void A_value_is_written_in_setSpec_characters_and_read_back(string value, string segment)
    {
        Assert.Equal(segment, OaiSets.EncodeValue(value));
        Assert.Equal(value, OaiSets.DecodeValue(segment));
        var spec = OaiSets.Spec(OaiSetKind.Theme, value);
        Assert.True(OaiSets.IsWellFormed(spec));
        Assert.Equal(new OaiSetFilter(OaiSetKind.Theme, value), OaiSets.Parse(spec));
    }

    [Theory]
    [InlineData("theme:~zz")]
    [InlineData("theme:~c3")]
    [InlineData("theme:~c")]
    [InlineData("subject:oracy")]
    public void A_spec_that_names_no_value_of_this_repository_is_not_a_set(string spec) => Assert.Null(OaiSets.Parse(spec));

    [Fact]
    public void A_kind_alone_is_the_whole_kind() =>
        Assert.Equal(new OaiSetFilter(OaiSetKind.Country, null), OaiSets.Parse("country"));
}

public sealed class ResumptionTokenTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);
    private static readonly ResumptionState State = new(OaiVerb.ListRecords, "oai_dc", "theme:oracy",
        OaiDate.TryParse("2026-01-01", out var from) ? from : null, null, After: 1234, Cursor: 100, Now.AddHours(1));

    private readonly ResumptionTokens _tokens = new(Encoding.UTF8.GetBytes("a secret of this repository, 32b"));

    [Fact]
    public void A_token_carries_the_list_and_its_position()
    {
        var read = _tokens.Read(_tokens.Issue(State), OaiVerb.ListRecords, Now, out var error);
        Assert.Null(error);
        Assert.Equal(State with { Expires = DateTimeOffset.FromUnixTimeSeconds(State.Expires.ToUnixTimeSeconds()) }, read);
    }

    [Fact]
    public void A_token_altered_forged_or_from_another_repository_is_refused()
    {
        var token = _tokens.Issue(State);
        var dot = token.IndexOf('.');
        var moved = Convert.ToBase64String(Encoding.UTF8.GetBytes("1\nListRecords\noai_dc\n\n\n\n0\n0\n9999999999")).TrimEnd('=');
        foreach (var bad in new[] { moved + token[dot..], token[..^2] + "AA", "no-dot", ".", token[..dot] + ".!!!", token + "x" })
        {
            Assert.Null(_tokens.Read(bad, OaiVerb.ListRecords, Now, out var error));
            Assert.Contains("not issued by this repository", error);
        }
        Assert.Null(new ResumptionTokens(new byte[32]).Read(token, OaiVerb.ListRecords, Now, out _));
    }

    [Fact]
    public void A_token_for_another_verb_or_past_its_expiry_is_refused_with_the_reason()
    {
        var token = _tokens.Issue(State);
        Assert.Null(_tokens.Read(token, OaiVerb.ListIdentifiers, Now, out var verbError));
        Assert.Contains("continues a ListRecords list", verbError);
        Assert.Null(_tokens.Read(token, OaiVerb.ListRecords, Now.AddHours(2), out var expired));
        Assert.Contains("expired", expired);
    }
}

public sealed class OaiXmlTests
{
    [Fact]
    public void Characters_XML_cannot_carry_are_dropped_and_the_rest_kept() =>
        Assert.Equal("a b😀c", OaiXml.Clean("a\u0001 b\uFFFE😀c\u0000"));

    [Fact]
    public void An_error_answer_names_the_base_url_only_and_a_deleted_header_carries_no_metadata()
    {
        var xml = Encoding.UTF8.GetString(OaiXml.Response("https://node.example/oai", DateTimeOffset.UnixEpoch, null,
            OaiXml.Errors([new OaiError(OaiErrorCodes.BadVerb, "no verb\u0007")])));
        var document = new XmlDocument();
        document.LoadXml(xml);
        var ns = new XmlNamespaceManager(document.NameTable);
        ns.AddNamespace("o", OaiNamespaces.Pmh);
        var request = document.SelectSingleNode("/o:OAI-PMH/o:request", ns)!;
        Assert.Equal(0, request.Attributes!.Count);
        Assert.Equal("https://node.example/oai", request.InnerText);
        Assert.Equal("no verb", document.SelectSingleNode("/o:OAI-PMH/o:error[@code='badVerb']", ns)!.InnerText);

        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream))
        {
            writer.WriteStartElement("root", OaiNamespaces.Pmh);
            OaiXml.Record(writer, new OaiRecord(new OaiHeader("https://node.example/reports/1", DateTimeOffset.UnixEpoch, ["theme:oracy"], true), null),
                OaiMetadataFormat.DublinCore);
            writer.WriteEndElement();
        }
        var record = Encoding.UTF8.GetString(stream.ToArray());
        Assert.Contains("status=\"deleted\"", record);
        Assert.DoesNotContain("metadata", record);
    }
}
