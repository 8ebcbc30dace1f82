using Camtree.Node.Storage;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Camtree.Node.Library;
using Camtree.Protocol.Vocabulary;
using Camtree.Tests.Support;

namespace Camtree.Tests.Node;

/// <summary>What a fediverse server sees when it discovers a Camtree node: WebFinger, NodeInfo, actors, collections.</summary>
public sealed class DiscoveryEndpointTests : IAsyncLifetime
{
    private TestNode _node = null!;
    private Practitioner _ana = null!;

    public async Task InitializeAsync()
    {
        _node = await TestNode.StartAsync("discovery");
        _ana = await _node.AddPractitionerAsync("ana", "Ana Souza");
    }

    public async Task DisposeAsync() => await _node.DisposeAsync();

    private async Task<JsonElement> GetActivityPubAsync(string url, string accept = ActivityStreams.MediaType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd(accept);
        using var response = await _node.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ActivityStreams.MediaType, response.Content.Headers.ContentType!.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    [Fact]
    public async Task WebFinger_resolves_a_handle_to_the_actor()
    {
        using var response = await _node.Http.GetAsync($"/.well-known/webfinger?resource=acct:{_ana.Handle}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/jrd+json", response.Content.Headers.ContentType!.MediaType);
        var jrd = await response.Content.ReadFromJsonAsync<Camtree.Protocol.Discovery.WebFingerResponse>();
        Assert.Equal($"acct:{_ana.Handle}", jrd!.Subject);
        Assert.Equal(_ana.Iri, jrd.ActorIri);
    }

    [Theory]
    [InlineData("acct:nobody@{host}", 404)]
    [InlineData("acct:ana@elsewhere.example", 404)]
    [InlineData("", 400)]
    public async Task WebFinger_refuses_what_it_does_not_host(string resource, int status)
    {
        using var response = await _node.Http.GetAsync($"/.well-known/webfinger?resource={resource.Replace("{host}", _node.Authority)}");
        Assert.Equal(status, (int)response.StatusCode);
    }

    [Fact]
    public async Task NodeInfo_is_discoverable_and_names_the_software()
    {
        var links = await _node.Http.GetFromJsonAsync<JsonElement>("/.well-known/nodeinfo");
        var href = links.GetProperty("links")[0].GetProperty("href").GetString()!;
        Assert.Equal($"{_node.BaseUrl}/nodeinfo/2.1", href);
        var info = await _node.Http.GetFromJsonAsync<JsonElement>(href);
        Assert.Equal("2.1", info.GetProperty("version").GetString());
        Assert.Equal("camtree", info.GetProperty("software").GetProperty("name").GetString());
        Assert.Equal("activitypub", info.GetProperty("protocols")[0].GetString());
        Assert.True(info.GetProperty("usage").GetProperty("users").GetProperty("total").GetInt32() >= 1);
    }

    [Fact]
    public async Task NodeInfo_metadata_describes_the_library_for_the_directory_of_the_network()
    {
        await using var demo = await TestNode.StartAsync("directory", seedDemo: true, settings: new Dictionary<string, string?>
        {
            ["Camtree:NodeDescription"] = "Lesson study in four countries.", ["Camtree:Registration"] = "Open",
        });
        var info = await demo.Http.GetFromJsonAsync<JsonElement>("/nodeinfo/2.1");
        Assert.True(info.GetProperty("openRegistrations").GetBoolean());
        var metadata = info.GetProperty("metadata");
        Assert.Equal("directory library", metadata.GetProperty("nodeName").GetString());
        Assert.Equal("Lesson study in four countries.", metadata.GetProperty("nodeDescription").GetString());
        var camtree = metadata.GetProperty("camtree");
        Assert.Equal($"{demo.BaseUrl}/users/library", camtree.GetProperty("library").GetString());
        Assert.Equal($"{demo.BaseUrl}/users/library/reports", camtree.GetProperty("libraryCollection").GetString());
        Assert.Equal("open", camtree.GetProperty("registration").GetString());

        // The counts are what the library holds: the demo's reports by language, and its themes with their pages.
        var reports = await demo.Get<ReportStore>().ListAsync(ReportOrigin.Local, limit: 100);
        var languages = camtree.GetProperty("languages").EnumerateObject().ToDictionary(l => l.Name, l => l.Value.GetInt32());
        Assert.Equal(reports.GroupBy(r => r.Language).ToDictionary(g => g.Key, g => g.Count()), languages);
        Assert.Equal(reports.Count, camtree.GetProperty("reports").GetProperty("local").GetInt32());
        Assert.Equal(reports.Count, info.GetProperty("usage").GetProperty("localPosts").GetInt32());
        var themes = camtree.GetProperty("themes").EnumerateArray().ToList();
        var top = reports.SelectMany(r => r.ThemeList).GroupBy(t => t).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First();
        Assert.Equal(top.Key, themes[0].GetProperty("name").GetString());
        Assert.Equal(top.Count(), themes[0].GetProperty("reports").GetInt32());
        Assert.Equal($"{demo.BaseUrl}/themes/{top.Key}", themes[0].GetProperty("href").GetString());
        Assert.Equal(0, camtree.GetProperty("subscriptions").GetInt32());
    }

    [Fact]
    public async Task Host_meta_points_at_WebFinger()
    {
        var xml = await _node.Http.GetStringAsync("/.well-known/host-meta");
        Assert.Contains($"template=\"{_node.BaseUrl}/.well-known/webfinger?resource={{uri}}\"", xml);
    }

    [Theory]
    [InlineData(ActivityStreams.MediaType)]
    [InlineData(ActivityStreams.LdMediaType)]
    public async Task The_actor_document_is_served_to_fediverse_clients_without_a_signature(string accept)
    {
        var actor = await GetActivityPubAsync(_ana.Iri, accept);
        Assert.Equal(_ana.Iri, actor.GetProperty("id").GetString());
        Assert.Equal("Person", actor.GetProperty("type").GetString());
        Assert.Equal("ana", actor.GetProperty("preferredUsername").GetString());
        Assert.Equal($"{_ana.Iri}/inbox", actor.GetProperty("inbox").GetString());
        Assert.Equal($"{_node.BaseUrl}/inbox", actor.GetProperty("endpoints").GetProperty("sharedInbox").GetString());
        var key = actor.GetProperty("publicKey");
        Assert.Equal($"{_ana.Iri}#main-key", key.GetProperty("id").GetString());
        Assert.Equal(_ana.Iri, key.GetProperty("owner").GetString());
        using var rsa = System.Security.Cryptography.RSA.Create();
        rsa.ImportFromPem(key.GetProperty("publicKeyPem").GetString());
        Assert.Equal(2048, rsa.KeySize);
    }

    [Fact]
    public async Task A_browser_asking_for_the_actor_is_sent_to_the_profile_page()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(_node.BaseUrl) };
        client.DefaultRequestHeaders.Accept.ParseAdd("text/html");
        using var response = await client.GetAsync("/users/ana");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"{_node.BaseUrl}/@ana", response.Headers.Location!.ToString());
        var page = await _node.Http.GetStringAsync("/@ana");
        Assert.Contains("Ana Souza", page);
    }

    [Fact]
    public async Task The_library_actor_is_a_Service_reachable_by_WebFinger()
    {
        var jrd = await _node.Http.GetFromJsonAsync<Camtree.Protocol.Discovery.WebFingerResponse>(
            $"/.well-known/webfinger?resource=acct:library@{_node.Authority}");
        var actor = await GetActivityPubAsync(jrd!.ActorIri!);
        Assert.Equal("Service", actor.GetProperty("type").GetString());
    }

    [Fact]
    public async Task The_outbox_pages_newest_first_with_a_cursor()
    {
        var author = await _node.AddPractitionerAsync("prolific", "Prolific Writer");
        for (var i = 1; i <= 23; i++)
            await _node.Get<ReportService>().PublishAsync(author.Actor, new ReportDraft { Title = $"Cycle {i}", Findings = "We noticed." });

        var outbox = await GetActivityPubAsync($"{author.Iri}/outbox");
        Assert.Equal("OrderedCollection", outbox.GetProperty("type").GetString());
        Assert.Equal(23, outbox.GetProperty("totalItems").GetInt32());

        var first = await GetActivityPubAsync(outbox.GetProperty("first").GetString()!);
        var items = first.GetProperty("orderedItems");
        Assert.Equal(20, items.GetArrayLength());
        Assert.Equal("Create", items[0].GetProperty("type").GetString());
        Assert.Equal("Cycle 23", items[0].GetProperty("object").GetProperty("name").GetString());

        var second = await GetActivityPubAsync(first.GetProperty("next").GetString()!);
        var rest = second.GetProperty("orderedItems");
        Assert.Equal(3, rest.GetArrayLength());
        Assert.Equal("Cycle 1", rest[2].GetProperty("object").GetProperty("name").GetString());
        Assert.False(second.TryGetProperty("next", out _));
    }

    [Fact]
    public async Task A_report_is_an_Article_for_fediverse_clients_and_a_page_for_browsers()
    {
        var report = await _node.Get<ReportService>().PublishAsync(_ana.Actor, new ReportDraft
        {
            Title = "Mini-whiteboards and reasoning", Language = "en", ResearchContext = "Year 5, mixed attainment.",
            Aims = "Hear every pupil.", Methods = "Lesson study, three cycles.", Findings = "More pupils explained their thinking.",
            Body = "## What we tried\nMini-whiteboards <script>alert(1)</script>", Methodology = "lesson-study",
            EducationalLevel = "primary", SubjectArea = "mathematics", Country = "gb", Themes = ["oracy", "#Assessment"],
        });

        var article = await GetActivityPubAsync(report.Iri);
        Assert.Equal("Article", article.GetProperty("type").GetString());
        Assert.Equal(report.Iri, article.GetProperty("id").GetString());
        Assert.Equal(_ana.Iri, article.GetProperty("attributedTo").GetString());
        Assert.Equal("Mini-whiteboards and reasoning", article.GetProperty("name").GetString());
        Assert.Contains("<strong>Findings:</strong> More pupils explained their thinking.", article.GetProperty("summary").GetString());
        Assert.Contains("<h2", article.GetProperty("content").GetString());
        Assert.DoesNotContain("<script>", article.GetProperty("content").GetString());
        Assert.Equal("en", article.GetProperty("inLanguage").GetString());
        Assert.Equal("lesson-study", article.GetProperty("methodology").GetString());
        Assert.Equal("GB", article.GetProperty("spatialCoverage").GetString());
        Assert.Equal(CamtreeVocabulary.DefaultLicense, article.GetProperty("license").GetString());
        Assert.Equal(["#oracy", "#assessment"], article.GetProperty("tag").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        Assert.Contains(ActivityStreams.PublicIri, article.GetProperty("to").EnumerateArray().Select(t => t.GetString()));

        var page = await _node.Http.GetStringAsync(report.Iri);
        Assert.Contains("<h1>Mini-whiteboards and reasoning</h1>", page);
    }

    [Fact]
    public async Task The_Camtree_context_document_is_served()
    {
        using var response = await _node.Http.GetAsync("/ns/camtree/v1");
        Assert.Equal("application/ld+json", response.Content.Headers.ContentType!.MediaType);
        var context = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("@context");
        Assert.Equal(CamtreeVocabulary.NamespaceIri, context.GetProperty("camtree").GetString());
        Assert.Equal("schema:inLanguage", context.GetProperty("inLanguage").GetString());
    }

    [Fact]
    public async Task Unknown_actors_and_reports_are_404()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _node.Http.GetAsync("/users/nobody")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _node.Http.GetAsync("/reports/nothing")).StatusCode);
    }
}
