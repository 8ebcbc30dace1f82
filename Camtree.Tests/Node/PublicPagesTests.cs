using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Camtree.Node.Storage;
using Camtree.Tests.Support;

namespace Camtree.Tests.Node;

/// <summary>
/// What readers' browsers get: pages with a script-free Content-Security-Policy and the other protective headers,
/// HTML error pages (API clients and servers get JSON), lists a page at a time with bounded excerpts, reports from
/// elsewhere cut to their limits, and no link made from a peer's URL unless it is http(s).
/// </summary>
public sealed class PublicPagesTests : IAsyncLifetime
{
    private TestNode _node = null!;
    private HostilePeer _peer = null!;
    private Practitioner _reader = null!;

    public async Task InitializeAsync()
    {
        _node = await TestNode.StartAsync("pages");
        _peer = await HostilePeer.StartAsync();
        _reader = await _node.AddPractitionerAsync("reader", "Reader");
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _peer.DisposeAsync();
    }

    private HttpClient Browser()
    {
        var browser = new HttpClient { BaseAddress = new Uri(_node.BaseUrl) };
        browser.DefaultRequestHeaders.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        return browser;
    }

    [Fact]
    public async Task Pages_carry_a_content_security_policy_that_runs_only_the_nodes_own_script_and_protective_headers()
    {
        using var browser = Browser();
        using var page = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var csp = string.Join(' ', page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        // Script from this node's own files only: never inline, never eval, never from elsewhere (ADR 0004).
        Assert.Contains("script-src 'self';", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("same-origin", page.Headers.GetValues("Referrer-Policy").Single());
        var html = await page.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<style", html);
        Assert.DoesNotContain("<script", html);
        Assert.Contains("href=\"/assets/camtree.css\"", html);

        using var css = await browser.GetAsync("/assets/camtree.css");
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
        Assert.Contains("font:", await css.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/no/such/page")]
    [InlineData("/library/999999")]
    [InlineData("/@nobody")]
    [InlineData("/reports/nothing-here")]
    public async Task Browsers_get_an_html_error_page_and_api_clients_json(string path)
    {
        using var browser = Browser();
        using var page = await browser.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<h1>Not found</h1>", html);
        Assert.Contains("Back to the library", html);

        using var api = await _node.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.Equal("application/json", api.Content.Headers.ContentType?.MediaType);
        Assert.False(string.IsNullOrWhiteSpace((await api.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString()));
    }

    [Fact]
    public async Task An_unexpected_failure_is_a_500_that_says_so_in_the_clients_form_without_details()
    {
        await using (var connection = await _node.Get<Database>().OpenAsync())
            await Dapper.SqlMapper.ExecuteAsync(connection, "ALTER TABLE reports RENAME TO reports_away");
        try
        {
            using var browser = Browser();
            using var page = await browser.GetAsync("/");
            Assert.Equal(HttpStatusCode.InternalServerError, page.StatusCode);
            var html = await page.Content.ReadAsStringAsync();
            Assert.Contains("<h1>Something went wrong</h1>", html);
            Assert.DoesNotContain("reports", html); // nothing of the exception reaches the client
            using var json = await _node.Http.GetAsync("/api/v1/reports");
            Assert.Equal(HttpStatusCode.InternalServerError, json.StatusCode);
            Assert.Contains("operator", (await json.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        }
        finally
        {
            await using var connection = await _node.Get<Database>().OpenAsync();
            await Dapper.SqlMapper.ExecuteAsync(connection, "ALTER TABLE reports_away RENAME TO reports");
        }
        using var again = await _node.Http.GetAsync("/api/v1/reports");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task A_wrong_method_is_explained_in_the_clients_form()
    {
        using var browser = Browser();
        using var page = await browser.GetAsync("/inbox");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, page.StatusCode);
        Assert.Contains("GET is not allowed here", await page.Content.ReadAsStringAsync());
        using var json = await _node.Http.GetAsync("/inbox");
        Assert.Equal("GET is not allowed here", (await json.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_collection_page_far_past_the_end_is_empty_and_does_not_wrap_round()
    {
        var json = await _node.Http.GetFromJsonAsync<JsonElement>("/users/reader/followers?page=2147483647");
        Assert.Equal($"{_reader.Iri}/followers?page=2147483647", json.GetProperty("id").GetString());
        Assert.Empty(json.GetProperty("orderedItems").EnumerateArray());
        Assert.False(json.TryGetProperty("next", out _));
        using var bad = await _node.Http.GetAsync("/users/reader/followers?page=-1");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task The_library_comes_a_page_at_a_time_in_the_browser_and_the_api()
    {
        for (var i = 0; i < 45; i++)
        {
            using var published = await _reader.Api.PostAsJsonAsync("/api/v1/reports", new
            {
                title = $"Report {i:00}", language = "en", findings = new string('f', 3000) + $" end{i:00}",
                published = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(i),
            });
            Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        }

        using var browser = Browser();
        var titles = new List<string>();
        var path = "/";
        for (var page = 0; page < 4 && path is not null; page++)
        {
            var html = await browser.GetStringAsync(path);
            var onPage = System.Text.RegularExpressions.Regex.Matches(html, @">Report (\d\d)<").Select(m => m.Groups[1].Value).ToList();
            Assert.True(onPage.Count <= 20);
            titles.AddRange(onPage);
            Assert.DoesNotContain(new string('f', 400), html); // excerpts, not whole findings
            var next = System.Text.RegularExpressions.Regex.Match(html, "href=\"(/\\?before=[^\"]+)\" rel=\"next\"");
            path = next.Success ? System.Net.WebUtility.HtmlDecode(next.Groups[1].Value) : null;
        }
        Assert.Equal(Enumerable.Range(0, 45).Reverse().Select(i => $"{i:00}"), titles);

        // The API: the same order, a Link to the next page.
        var seen = new List<string>();
        string? url = "/api/v1/reports?origin=local&limit=20";
        while (url is not null)
        {
            using var response = await _node.Http.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            seen.AddRange((await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Select(r => r.GetProperty("title").GetString()!));
            url = response.Headers.TryGetValues("Link", out var links)
                ? System.Text.RegularExpressions.Regex.Match(links.Single(), "<([^>]+)>; rel=\"next\"").Groups[1].Value : null;
        }
        Assert.Equal(titles.Select(t => $"Report {t}"), seen);
        Assert.Equal(HttpStatusCode.BadRequest, (await _node.Http.GetAsync("/api/v1/reports?limit=1000")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _node.Http.GetAsync("/api/v1/reports?before=yesterday")).StatusCode);
        using var badCursor = await browser.GetAsync("/?before=yesterday");
        Assert.Equal(HttpStatusCode.BadRequest, badCursor.StatusCode);
    }

    [Fact]
    public async Task A_report_from_elsewhere_is_cut_to_its_limits_and_its_links_are_checked()
    {
        var author = _peer.AddActor("prolix");
        using (var follow = await _reader.Api.PostAsJsonAsync("/api/v1/follows", new { target = author.Iri }))
            Assert.Equal(HttpStatusCode.Accepted, follow.StatusCode);
        var followIri = await Eventually.GetAsync(async () => (await _node.Get<FollowStore>().FindFollowingAsync(_reader.Actor.Id, author.Iri))?.FollowActivityIri,
            "the follow");
        using var key = author.SigningKey();
        Assert.Equal(202, (await SignedPost.SendAsync($"{_node.BaseUrl}/inbox", JsonSerializer.Serialize(new
        {
            id = $"{author.Iri}/accept/1", type = "Accept", actor = author.Iri, @object = followIri,
        }), key)).StatusCode);
        await Eventually.TrueAsync(async () => (await _node.Get<FollowStore>().FindFollowingAsync(_reader.Actor.Id, author.Iri))?.State == FollowStates.Accepted, "accepted");

        var reportIri = $"{author.Iri}/reports/huge";
        var create = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["@context"] = "https://www.w3.org/ns/activitystreams",
            ["id"] = $"{author.Iri}/create/huge", ["type"] = "Create", ["actor"] = author.Iri,
            ["to"] = new[] { "https://www.w3.org/ns/activitystreams#Public" },
            ["object"] = new Dictionary<string, object>
            {
                ["id"] = reportIri, ["type"] = "Article", ["attributedTo"] = author.Iri,
                ["to"] = new[] { "https://www.w3.org/ns/activitystreams#Public" },
                ["name"] = new string('T', 2000), ["summary"] = "<p>short</p>", ["content"] = "<p>" + new string('c', 300_000) + "</p>",
                ["findings"] = new string('f', 600_000), ["setting"] = new string('s', 5000),
                ["published"] = "2099-01-01T00:00:00Z",
                ["license"] = "javascript:alert(1)", ["url"] = "javascript:alert(2)",
                ["tag"] = Enumerable.Range(0, 500).Select(i => new { type = "Hashtag", name = $"#t{i}" }).ToArray(),
            },
        });
        Assert.Equal(202, (await SignedPost.SendAsync($"{_node.BaseUrl}/inbox", create, key)).StatusCode);
        var report = await Eventually.GetAsync(() => _node.Get<ReportStore>().FindByIriAsync(reportIri), "the report");

        Assert.True(report.Title.Length <= 300);
        Assert.True(report.Findings!.Length <= 5_000);
        Assert.True(report.Setting!.Length <= 300);
        Assert.True(report.ContentHtml.Length <= 200_100);
        Assert.Equal(20, report.ThemeList.Count);
        Assert.True(report.PublishedAt <= _node.Clock.GetUtcNow(), "a report from the future is clamped to when it arrived");
        Assert.Equal("https://creativecommons.org/licenses/by/4.0/", report.License);
        Assert.Equal(reportIri, report.Url);

        using var browser = Browser();
        var library = await browser.GetStringAsync("/");
        Assert.True(library.Length < 50_000, $"the library page is {library.Length} characters");
        var page = await browser.GetStringAsync($"/library/{report.Id}");
        Assert.DoesNotContain("javascript:", page);
        Assert.Contains("rel=\"license\">CC BY 4.0</a>", page);
    }

    [Fact]
    public async Task The_search_page_lists_results_with_facets_as_links_and_the_atom_feed_follows_the_same_search()
    {
        foreach (var (title, methodology, theme) in new[] { ("Lesson study in primary maths", "lesson-study", "maths"), ("Maths talk in Year 3", "action-research", "maths"), ("Reading aloud", "lesson-study", "reading") })
        {
            using var published = await _reader.Api.PostAsJsonAsync("/api/v1/reports", new { title, language = "en", findings = $"About {title}.", methodology, themes = new[] { theme } });
            Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        }
        using var browser = Browser();
        var page = await browser.GetStringAsync("/search?q=maths");
        Assert.Contains(">Lesson study in primary maths</a>", page);
        Assert.Contains(">Maths talk in Year 3</a>", page);
        Assert.DoesNotContain("Reading aloud", page);
        Assert.Contains("<mark>", page);
        // Every filter is a link that keeps the query.
        Assert.Contains("href=\"/search?q=maths&amp;methodology=lesson-study\"", page);
        Assert.Contains("Lesson study (1)", page);
        Assert.Contains("type=\"application/atom+xml\"", WebUtility.HtmlDecode(page));
        var filtered = await browser.GetStringAsync("/search?q=maths&methodology=lesson-study");
        Assert.Contains(">Lesson study in primary maths</a>", filtered);
        Assert.DoesNotContain(">Maths talk in Year 3</a>", filtered);

        using var bad = await browser.GetAsync("/search?q=-maths");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("not only words to leave out", await bad.Content.ReadAsStringAsync());

        using var feed = await _node.Http.GetAsync("/search.atom?q=maths&methodology=lesson-study");
        Assert.Equal("application/atom+xml", feed.Content.Headers.ContentType?.MediaType);
        var atom = System.Xml.Linq.XDocument.Parse(await feed.Content.ReadAsStringAsync());
        System.Xml.Linq.XNamespace ns = "http://www.w3.org/2005/Atom";
        var entries = atom.Root!.Elements(ns + "entry").ToList();
        Assert.Single(entries);
        Assert.Equal("Lesson study in primary maths", entries[0].Element(ns + "title")!.Value);
        Assert.Contains("Lesson study", atom.Root.Element(ns + "title")!.Value);
    }

    [Fact]
    public async Task A_local_draft_over_the_limits_is_refused_field_by_field()
    {
        using var response = await _reader.Api.PostAsJsonAsync("/api/v1/reports", new
        {
            title = "Too much", language = "en", findings = new string('f', 1_500_000),
            themes = Enumerable.Range(0, 10_000).Select(i => $"t{i}").ToArray(),
            license = "javascript:alert(1)",
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains("at most 5,000 characters", errors.GetProperty("findings")[0].GetString());
        Assert.Contains("at most 20 themes", errors.GetProperty("themes")[0].GetString());
        Assert.Contains("http(s) URL", errors.GetProperty("license")[0].GetString());
        Assert.Empty(await _node.Get<ReportStore>().ListAsync(ReportOrigin.Local));
    }
}
