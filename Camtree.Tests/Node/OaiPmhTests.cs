using System.Net;
using System.Text;
using System.Xml;
using Camtree.Node.Storage;
using Camtree.Protocol.Oai;
using Camtree.Tests.Support;

namespace Camtree.Tests.Node;

/// <summary>What the OAI-PMH tests share: writing reports straight into a node's store, and reading answers.</summary>
internal static class Oai
{
    public static ReportRow LocalReport(TestNode node, Practitioner author, int n, string theme = "oracy", string? methodology = "lesson-study",
        string? country = "GB", DateTimeOffset? published = null)
    {
        var iri = $"{node.BaseUrl}/reports/oai-{n:D5}";
        return new ReportRow
        {
            Iri = iri, LocalSlug = $"oai-{n:D5}", LocalAuthorId = author.Actor.Id, AuthorIri = author.Iri, AuthorName = "Rosa Quispe",
            Title = $"Report {n}: talk partners", SummaryHtml = $"<p>Summary of report {n} &amp; its findings.</p>", ContentHtml = "<p>Body</p>",
            Language = "en", License = "https://creativecommons.org/licenses/by/4.0/", Themes = theme, Url = iri,
            Methodology = methodology, Country = country, Findings = $"Finding {n}.", Aims = "To hear every pupil.",
            PublishedAt = published ?? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddHours(n), ReceivedAt = DateTimeOffset.UtcNow,
        };
    }

    /// <summary>GETs <c>/oai</c> with the query, checks the answer is HTTP 200 XML valid against the OAI-PMH schema, and loads it.</summary>
    public static async Task<Answer> GetAsync(TestNode node, string query)
    {
        using var response = await node.Http.GetAsync("/oai?" + query);
        return await ReadAsync(response);
    }

    public static async Task<Answer> ReadAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/xml", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        await OaiTools.AssertValidAsync(bytes);
        var document = new XmlDocument();
        document.LoadXml(Encoding.UTF8.GetString(bytes));
        return new Answer(document);
    }

    public sealed class Answer(XmlDocument document)
    {
        private readonly XmlNamespaceManager _ns = Namespaces(document);
        public XmlDocument Document => document;

        private static XmlNamespaceManager Namespaces(XmlDocument document)
        {
            var ns = new XmlNamespaceManager(document.NameTable);
            ns.AddNamespace("o", OaiNamespaces.Pmh);
            ns.AddNamespace("dc", OaiNamespaces.DublinCore);
            ns.AddNamespace("oai_dc", OaiNamespaces.OaiDc);
            ns.AddNamespace("c", OaiNamespaces.Camtree);
            return ns;
        }

        public string? Text(string xpath) => document.SelectSingleNode(xpath, _ns)?.InnerText;
        public IReadOnlyList<string> Texts(string xpath) => [.. document.SelectNodes(xpath, _ns)!.Cast<XmlNode>().Select(n => n.InnerText)];
        public XmlNode? Node(string xpath) => document.SelectSingleNode(xpath, _ns);
        public string? ErrorCode => Node("/o:OAI-PMH/o:error")?.Attributes!["code"]?.Value;
        public string? Token => Text("//o:resumptionToken") is { Length: > 0 } token ? token : null;
        public IReadOnlyList<string> Identifiers => Texts("//o:header/o:identifier");
    }
}

/// <summary>
/// <c>/oai</c> on a real node, every answer validated with xmllint against the OAI-PMH schema: the six verbs, both
/// formats, sets, paging that stays stable while reports are added, deleted records, and every error code.
/// </summary>
public sealed class OaiPmhTests : IAsyncLifetime
{
    private TestNode _node = null!;
    private Practitioner _author = null!;

    public async Task InitializeAsync()
    {
        _node = await TestNode.StartAsync("oai", settings: new Dictionary<string, string?>
        {
            ["Camtree:Oai:PageSize"] = "5",
            ["Camtree:AdminEmail"] = "repository@oai.example.org",
        });
        _author = await _node.AddPractitionerAsync("rosa", "Rosa Quispe");
        await _node.Get<ReportStore>().InsertManyAsync(Enumerable.Range(1, 12).Select(n =>
            Oai.LocalReport(_node, _author, n, theme: n % 2 == 0 ? "oracy metacognition" : "educação", country: n <= 6 ? "GB" : "PE")));
    }

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Identify_names_the_repository_its_base_url_persistent_deletions_and_second_granularity()
    {
        var answer = await Oai.GetAsync(_node, "verb=Identify");
        Assert.Equal("oai library", answer.Text("//o:repositoryName"));
        Assert.Equal(_node.BaseUrl + "/oai", answer.Text("//o:baseURL"));
        Assert.Equal("repository@oai.example.org", answer.Text("//o:adminEmail"));
        Assert.Equal("persistent", answer.Text("//o:deletedRecord"));
        Assert.Equal("YYYY-MM-DDThh:mm:ssZ", answer.Text("//o:granularity"));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", answer.Text("//o:earliestDatestamp"));
        Assert.Equal("Identify", answer.Node("/o:OAI-PMH/o:request")!.Attributes!["verb"]!.Value);
    }

    [Fact]
    public async Task Both_formats_are_listed_and_a_record_is_disseminated_in_each()
    {
        var formats = await Oai.GetAsync(_node, "verb=ListMetadataFormats");
        Assert.Equal(["oai_dc", "camtree"], formats.Texts("//o:metadataPrefix"));

        var iri = $"{_node.BaseUrl}/reports/oai-00002";
        var dc = await Oai.GetAsync(_node, $"verb=GetRecord&metadataPrefix=oai_dc&identifier={Uri.EscapeDataString(iri)}");
        Assert.Equal(iri, dc.Text("//o:header/o:identifier"));
        Assert.Equal(["theme:metacognition", "theme:oracy", "methodology:lesson-study", "country:GB"], dc.Texts("//o:header/o:setSpec"));
        Assert.Equal("Report 2: talk partners", dc.Text("//dc:title"));
        Assert.Equal("Rosa Quispe", dc.Text("//dc:creator"));
        Assert.Equal("Summary of report 2 & its findings.", dc.Text("//dc:description"));
        Assert.Equal("oai library", dc.Text("//dc:publisher"));
        Assert.Equal("2026-01-01", dc.Text("//dc:date"));
        Assert.Null(dc.Text("//dc:source"));

        var camtree = await Oai.GetAsync(_node, $"verb=GetRecord&metadataPrefix=camtree&identifier={Uri.EscapeDataString(iri)}");
        Assert.Equal(iri, camtree.Text("//c:report/c:id"));
        Assert.Equal("Finding 2.", camtree.Text("//c:abstract/c:findings"));
        Assert.Equal("lesson-study", camtree.Text("//c:methodology"));
        Assert.Equal(["metacognition", "oracy"], camtree.Texts("//c:theme").Order());
        Assert.Equal(_author.Iri, camtree.Node("//c:author")!.Attributes!["id"]!.Value);

        var unknown = await Oai.GetAsync(_node, "verb=ListMetadataFormats&identifier=" + Uri.EscapeDataString(_node.BaseUrl + "/reports/none"));
        Assert.Equal(OaiErrorCodes.IdDoesNotExist, unknown.ErrorCode);
    }

    [Fact]
    public async Task Sets_cover_themes_methodologies_and_countries_and_select_records()
    {
        var sets = await Oai.GetAsync(_node, "verb=ListSets");
        var specs = sets.Texts("//o:setSpec");
        foreach (var spec in new[] { "theme", "theme:oracy", "theme:educa~c3~a7~c3~a3o", "methodology", "methodology:lesson-study", "country", "country:GB", "country:PE" })
            Assert.Contains(spec, specs);

        var oracy = await Oai.GetAsync(_node, "verb=ListIdentifiers&metadataPrefix=oai_dc&set=theme:oracy");
        Assert.Equal(5, oracy.Identifiers.Count);
        Assert.Equal("6", oracy.Node("//o:resumptionToken")!.Attributes!["completeListSize"]!.Value);
        var educacao = await Oai.GetAsync(_node, "verb=ListIdentifiers&metadataPrefix=oai_dc&set=theme:educa~c3~a7~c3~a3o");
        Assert.All(educacao.Identifiers, id => Assert.True(int.Parse(id[^5..]) % 2 == 1, id));
        var peru = await Oai.GetAsync(_node, "verb=ListRecords&metadataPrefix=oai_dc&set=country:PE");
        Assert.Equal(5, peru.Identifiers.Count);
        Assert.All(peru.Texts("//dc:coverage"), c => Assert.Equal("PE", c));
        var none = await Oai.GetAsync(_node, "verb=ListRecords&metadataPrefix=oai_dc&set=theme:gardening");
        Assert.Equal(OaiErrorCodes.NoRecordsMatch, none.ErrorCode);
        var otherKind = await Oai.GetAsync(_node, "verb=ListRecords&metadataPrefix=oai_dc&set=subject:maths");
        Assert.Equal(OaiErrorCodes.NoRecordsMatch, otherKind.ErrorCode);
    }

    [Fact]
    public async Task Paging_sends_every_record_once_while_reports_are_added_and_ends_with_an_empty_token()
    {
        var seen = new List<string>();
        var page = await Oai.GetAsync(_node, "verb=ListIdentifiers&metadataPrefix=oai_dc");
        Assert.Equal("0", page.Node("//o:resumptionToken")!.Attributes!["cursor"]!.Value);
        Assert.NotNull(page.Node("//o:resumptionToken")!.Attributes!["expirationDate"]);
        seen.AddRange(page.Identifiers);
        var added = 0;
        while (page.Token is { } token)
        {
            // A report written between two pages lands after the harvester's position: nothing already listed moves.
            await _node.Get<ReportStore>().InsertManyAsync([Oai.LocalReport(_node, _author, 100 + added++)]);
            page = await Oai.GetAsync(_node, "verb=ListIdentifiers&resumptionToken=" + Uri.EscapeDataString(token));
            Assert.Equal(token, page.Node("/o:OAI-PMH/o:request")!.Attributes!["resumptionToken"]!.Value);
            seen.AddRange(page.Identifiers);
        }
        Assert.Equal(seen.Count, seen.Distinct().Count());
        foreach (var n in Enumerable.Range(1, 12)) Assert.Contains($"{_node.BaseUrl}/reports/oai-{n:D5}", seen);
        var last = page.Node("//o:resumptionToken")!;
        Assert.Equal("", last.InnerText);
        Assert.Null(last.Attributes!["expirationDate"]);
    }

    [Fact]
    public async Task A_withdrawn_report_stays_as_a_deleted_header_with_a_new_datestamp_and_no_metadata()
    {
        var iri = $"{_node.BaseUrl}/reports/oai-00003";
        Assert.True(await _node.Get<ReportStore>().MarkDeletedAsync(iri, _author.Iri, DateTimeOffset.UtcNow));

        var record = await Oai.GetAsync(_node, $"verb=GetRecord&metadataPrefix=oai_dc&identifier={Uri.EscapeDataString(iri)}");
        Assert.Equal("deleted", record.Node("//o:header")!.Attributes!["status"]!.Value);
        Assert.Null(record.Node("//o:metadata"));
        var datestamp = DateTimeOffset.Parse(record.Text("//o:header/o:datestamp")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(datestamp > DateTimeOffset.UtcNow.AddMinutes(-1), $"the datestamp {datestamp} moved with the withdrawal");

        // The withdrawal moved the record to the end of the change sequence: the last page of a list from then holds it.
        var since = await Oai.GetAsync(_node, $"verb=ListIdentifiers&metadataPrefix=oai_dc&from={OaiDate.Format(datestamp)}");
        var identifiers = since.Identifiers.ToList();
        while (since.Token is { } token)
        {
            since = await Oai.GetAsync(_node, "verb=ListIdentifiers&resumptionToken=" + Uri.EscapeDataString(token));
            identifiers.AddRange(since.Identifiers);
        }
        Assert.Equal(iri, identifiers[^1]);
        Assert.Equal("deleted", since.Node("(//o:header)[last()]")!.Attributes!["status"]!.Value);
    }

    [Fact]
    public async Task Selective_harvesting_by_date_is_inclusive_to_the_second_and_a_day_runs_to_its_end()
    {
        var all = await Oai.GetAsync(_node, "verb=ListIdentifiers&metadataPrefix=oai_dc&set=country:GB");
        var stamp = all.Text("//o:header/o:datestamp")!;
        var exact = await Oai.GetAsync(_node, $"verb=ListIdentifiers&metadataPrefix=oai_dc&set=country:GB&from={stamp}&until={stamp}");
        Assert.NotEmpty(exact.Identifiers);
        var day = await Oai.GetAsync(_node, $"verb=ListIdentifiers&metadataPrefix=oai_dc&set=country:GB&from={stamp[..10]}&until={stamp[..10]}");
        Assert.NotEmpty(day.Identifiers);
        var future = await Oai.GetAsync(_node, "verb=ListRecords&metadataPrefix=oai_dc&from=2999-01-01");
        Assert.Equal(OaiErrorCodes.NoRecordsMatch, future.ErrorCode);
        var past = await Oai.GetAsync(_node, "verb=ListRecords&metadataPrefix=oai_dc&until=2000-01-01T00:00:00Z");
        Assert.Equal(OaiErrorCodes.NoRecordsMatch, past.ErrorCode);
    }

    [Theory]
    [InlineData("", OaiErrorCodes.BadVerb)]
    [InlineData("verb=Harvest", OaiErrorCodes.BadVerb)]
    [InlineData("verb=Identify&verb=Identify", OaiErrorCodes.BadVerb)]
    [InlineData("verb=ListRecords", OaiErrorCodes.BadArgument)]
    [InlineData("verb=Identify&set=theme", OaiErrorCodes.BadArgument)]
    [InlineData("verb=ListRecords&metadataPrefix=oai_dc&from=yesterday", OaiErrorCodes.BadArgument)]
    [InlineData("verb=ListRecords&metadataPrefix=oai_dc&from=2026-01-01&until=2026-01-02T00:00:00Z", OaiErrorCodes.BadArgument)]
    [InlineData("verb=ListRecords&metadataPrefix=oai_dc&resumptionToken=abc", OaiErrorCodes.BadArgument)]
    [InlineData("verb=GetRecord&identifier=x", OaiErrorCodes.BadArgument)]
    [InlineData("verb=ListRecords&metadataPrefix=marc21", OaiErrorCodes.CannotDisseminateFormat)]
    [InlineData("verb=GetRecord&metadataPrefix=oai_dc&identifier=http%3A%2F%2Fnowhere.example%2Freports%2F1", OaiErrorCodes.IdDoesNotExist)]
    [InlineData("verb=ListIdentifiers&resumptionToken=forged.token", OaiErrorCodes.BadResumptionToken)]
    [InlineData("verb=ListSets&resumptionToken=anything", OaiErrorCodes.BadResumptionToken)]
    public async Task Each_protocol_error_is_HTTP_200_with_its_code(string query, string code)
    {
        var answer = await Oai.GetAsync(_node, query);
        Assert.Equal(code, answer.ErrorCode);
        var request = answer.Node("/o:OAI-PMH/o:request")!;
        // §3.2: after badVerb or badArgument, the request element echoes no arguments.
        if (code is OaiErrorCodes.BadVerb or OaiErrorCodes.BadArgument) Assert.Equal(0, request.Attributes!.Count);
        else Assert.NotEqual(0, request.Attributes!.Count);
    }

    [Fact]
    public async Task A_token_past_its_lifetime_or_moved_to_another_verb_is_badResumptionToken()
    {
        var page = await Oai.GetAsync(_node, "verb=ListRecords&metadataPrefix=oai_dc");
        var token = page.Token!;
        var wrongVerb = await Oai.GetAsync(_node, "verb=ListIdentifiers&resumptionToken=" + Uri.EscapeDataString(token));
        Assert.Equal(OaiErrorCodes.BadResumptionToken, wrongVerb.ErrorCode);
        Assert.Contains("continues a ListRecords list", wrongVerb.Text("//o:error"));

        _node.Clock.Advance(TimeSpan.FromHours(2));
        var expired = await Oai.GetAsync(_node, "verb=ListRecords&resumptionToken=" + Uri.EscapeDataString(token));
        Assert.Equal(OaiErrorCodes.BadResumptionToken, expired.ErrorCode);
        Assert.Contains("expired", expired.Text("//o:error"));
    }

    [Fact]
    public async Task A_form_POST_is_answered_as_the_GET_and_a_body_that_is_no_request_is_refused()
    {
        using (var post = await _node.Http.PostAsync("/oai", new FormUrlEncodedContent([new("verb", "ListRecords"), new("metadataPrefix", "camtree"), new("set", "country:PE")])))
        {
            var answer = await Oai.ReadAsync(post);
            Assert.Equal(5, answer.Identifiers.Count);
            Assert.Equal("country:PE", answer.Node("/o:OAI-PMH/o:request")!.Attributes!["set"]!.Value);
        }
        using (var huge = await _node.Http.PostAsync("/oai", new FormUrlEncodedContent([new("verb", "Identify"), new("padding", new string('x', 40_000))])))
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        using (var json = await _node.Http.PostAsync("/oai", new StringContent("{\"verb\":\"Identify\"}", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.StatusCode);
            Assert.Contains("x-www-form-urlencoded", await json.Content.ReadAsStringAsync());
        }
        // A form of more values than any OAI-PMH request has is refused while it is read (the form reader's own bound).
        using (var many = await _node.Http.PostAsync("/oai", new FormUrlEncodedContent(Enumerable.Range(0, 40).Select(i => new KeyValuePair<string, string>($"k{i}", "v")))))
        {
            Assert.Equal(HttpStatusCode.BadRequest, many.StatusCode);
            Assert.Contains("the form could not be read", await many.Content.ReadAsStringAsync());
        }
        // A chunked body (no Content-Length) over the bound is cut off while it is read.
        var chunked = new StreamContent(new MemoryStream(Encoding.ASCII.GetBytes("verb=Identify&padding=" + new string('x', 40_000))));
        chunked.Headers.ContentType = new("application/x-www-form-urlencoded");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oai") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        using var cut = await _node.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, cut.StatusCode);
    }
}

/// <summary>Which reports the repository holds: its own by default, federated ones by setting; and a node with no sets.</summary>
public sealed class OaiScopeTests
{
    private static ReportRow Federated(string origin, int n) => new()
    {
        Iri = $"{origin}/reports/far-{n}", AuthorIri = $"{origin}/users/far", AuthorName = "Far Author", Title = $"Held from afar {n}",
        SummaryHtml = "<p>From another node.</p>", ContentHtml = "<p>x</p>", Language = "es", License = "https://creativecommons.org/licenses/by/4.0/",
        Themes = "oracy", Url = $"{origin}/reports/far-{n}", PublishedAt = DateTimeOffset.UtcNow, ReceivedAt = DateTimeOffset.UtcNow,
        VerifiedKeyId = $"{origin}/users/far#main-key", Methodology = "action-research",
    };

    [Fact]
    public async Task Federated_reports_are_left_out_by_default_and_carry_their_origin_in_dc_source_when_included()
    {
        const string origin = "http://127.0.0.1:9";
        await using var own = await TestNode.StartAsync("oai-own");
        await using var wide = await TestNode.StartAsync("oai-wide", settings: new Dictionary<string, string?> { ["Camtree:Oai:IncludeFederated"] = "true" });
        foreach (var node in new[] { own, wide })
        {
            var author = await node.AddPractitionerAsync("local", "Local Author");
            await node.Get<ReportStore>().InsertManyAsync([Oai.LocalReport(node, author, 1)]);
            Assert.True(await node.Get<ReportStore>().UpsertRemoteAsync(Federated(origin, 1)));
            Assert.True(await node.Get<ReportStore>().InsertFlaggedCopyAsync(Federated(origin, 2) with { VerifiedKeyId = null, CopiedFrom = "http://127.0.0.1:10" }));
        }

        var ownList = await Oai.GetAsync(own, "verb=ListRecords&metadataPrefix=oai_dc");
        Assert.Equal([$"{own.BaseUrl}/reports/oai-00001"], ownList.Identifiers);
        Assert.Equal(OaiErrorCodes.IdDoesNotExist, (await Oai.GetAsync(own,
            $"verb=GetRecord&metadataPrefix=oai_dc&identifier={Uri.EscapeDataString(origin + "/reports/far-1")}")).ErrorCode);

        var wideList = await Oai.GetAsync(wide, "verb=ListRecords&metadataPrefix=oai_dc");
        // The copy whose proof did not verify is not disseminated.
        Assert.Equal([$"{wide.BaseUrl}/reports/oai-00001", $"{origin}/reports/far-1"], wideList.Identifiers.Order());
        var far = await Oai.GetAsync(wide, $"verb=GetRecord&metadataPrefix=oai_dc&identifier={Uri.EscapeDataString(origin + "/reports/far-1")}");
        Assert.Equal(origin, far.Text("//dc:source"));
        Assert.Null(far.Text("//dc:publisher"));

        // An ended subscription removes the federated rows outright: the record stays, as a deleted header.
        Assert.Equal(2, await wide.Get<ReportStore>().RemoveFromOriginAsync(origin, libraryActorId: -1));
        var removed = await Oai.GetAsync(wide, $"verb=GetRecord&metadataPrefix=oai_dc&identifier={Uri.EscapeDataString(origin + "/reports/far-1")}");
        Assert.Equal("deleted", removed.Node("//o:header")!.Attributes!["status"]!.Value);
    }

    [Fact]
    public async Task A_repository_with_no_sets_answers_noSetHierarchy_and_an_empty_one_noRecordsMatch()
    {
        await using var node = await TestNode.StartAsync("oai-empty");
        Assert.Equal(OaiErrorCodes.NoSetHierarchy, (await Oai.GetAsync(node, "verb=ListSets")).ErrorCode);
        Assert.Equal(OaiErrorCodes.NoSetHierarchy, (await Oai.GetAsync(node, "verb=ListRecords&metadataPrefix=oai_dc&set=theme")).ErrorCode);
        Assert.Equal(OaiErrorCodes.NoRecordsMatch, (await Oai.GetAsync(node, "verb=ListIdentifiers&metadataPrefix=oai_dc")).ErrorCode);
        Assert.NotNull((await Oai.GetAsync(node, "verb=Identify")).Text("//o:earliestDatestamp"));
    }
}

/// <summary>
/// A harvester others wrote (Debian's HTTP::OAI::Harvester) harvests 1,000 records in pages, then incrementally with
/// <c>from</c>, and sees a withdrawal as a deleted record.
/// </summary>
public sealed class OaiHarvesterTests
{
    [Fact]
    public async Task HTTP_OAI_harvests_a_thousand_records_through_pages_then_only_what_changed_including_a_withdrawal()
    {
        await using var node = await TestNode.StartAsync("oai-harvest");
        var author = await node.AddPractitionerAsync("many", "Many Reports");
        var reports = node.Get<ReportStore>();
        await reports.InsertManyAsync(Enumerable.Range(1, 1_000).Select(n => Oai.LocalReport(node, author, n, theme: n % 10 == 0 ? "oracy" : "metacognition")));
        // Datestamps are to the second: let the second of the inserts pass before the harvest starts.
        await Task.Delay(1_100);

        var first = await OaiTools.HarvestAsync(node.BaseUrl + "/oai", "ListRecords", "oai_dc");
        Assert.Empty(first.Errors);
        Assert.Equal(1_000, first.Records.Count);
        Assert.Equal(1_000, first.Records.Select(r => r.Fields[0]).Distinct().Count());
        Assert.All(first.Records, r => Assert.Equal("live", r.Fields[2]));
        Assert.Contains(first.Records, r => r.Fields[3] == "Report 1000: talk partners");
        // The default page is 100 records, so the harvester followed nine resumption tokens to get here.
        Assert.Equal(100, node.Get<Microsoft.Extensions.Options.IOptions<Camtree.Node.Configuration.NodeOptions>>().Value.Oai.PageSize);

        var sets = await OaiTools.HarvestAsync(node.BaseUrl + "/oai", "ListIdentifiers", "oai_dc", set: "theme:oracy");
        Assert.Equal(100, sets.Records.Count);

        await Task.Delay(1_100);
        var withdrawn = $"{node.BaseUrl}/reports/oai-00500";
        Assert.True(await reports.MarkDeletedAsync(withdrawn, author.Iri, DateTimeOffset.UtcNow));
        await reports.InsertManyAsync(Enumerable.Range(2_001, 3).Select(n => Oai.LocalReport(node, author, n)));
        // `from` is inclusive: a harvest starting in the second of these changes would list them again next time.
        await Task.Delay(1_100);

        var since = await OaiTools.HarvestAsync(node.BaseUrl + "/oai", "ListRecords", "oai_dc", from: first.ResponseDate);
        Assert.Empty(since.Errors);
        Assert.Equal([withdrawn, .. Enumerable.Range(2_001, 3).Select(n => $"{node.BaseUrl}/reports/oai-{n:D5}")], since.Records.Select(r => r.Fields[0]));
        Assert.Equal("deleted", since.Records[0].Fields[2]);
        Assert.Equal("-", since.Records[0].Fields[3]);

        var nothing = await OaiTools.HarvestAsync(node.BaseUrl + "/oai", "ListRecords", "oai_dc", from: since.ResponseDate);
        Assert.Equal([OaiErrorCodes.NoRecordsMatch], nothing.Errors);
    }
}
