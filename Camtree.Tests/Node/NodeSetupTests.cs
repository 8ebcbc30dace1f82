using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Camtree.Node.Cli;
using Camtree.Tests.Support;

namespace Camtree.Tests.Node;

/// <summary>What a newcomer and an operator meet first: the demo library, the CLI, the JSON API's rules.</summary>
public sealed class NodeSetupTests
{
    [Fact]
    public async Task A_new_node_is_seeded_with_a_multilingual_demo_library_once()
    {
        await using var node = await TestNode.StartAsync("demo", seedDemo: true);

        var reports = await node.Http.GetFromJsonAsync<JsonElement>("/api/v1/reports");
        Assert.True(reports.GetArrayLength() >= 5, "several demo reports");
        var languages = reports.EnumerateArray().Select(r => r.GetProperty("language").GetString()).Distinct().ToList();
        Assert.True(languages.Count >= 3, $"reports in several languages, got {string.Join(", ", languages)}");
        Assert.Contains(reports.EnumerateArray(), r => r.GetProperty("methodology").GetString() == "lesson-study");

        var page = WebUtility.HtmlDecode(await node.Http.GetStringAsync("/"));
        Assert.Contains(reports[0].GetProperty("title").GetString()!, page);

        // Initialising again (a restart) does not seed twice.
        await Camtree.Node.NodeApp.InitializeAsync(node.Services);
        Assert.Equal(reports.GetArrayLength(), (await node.Http.GetFromJsonAsync<JsonElement>("/api/v1/reports")).GetArrayLength());
    }

    [Fact]
    public async Task The_CLI_creates_a_practitioner_and_issues_a_token_the_API_accepts()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "camtree-tests", $"cli-{Guid.NewGuid():N}");
        var output = new StringWriter();
        Assert.Equal(0, await NodeCommandLine.RunAsync(
            ["practitioner", "create", "--username", "maria", "--name", "María Fernández", "--data-dir", dataDir], output));
        Assert.Contains("created @maria@", output.ToString());

        var duplicate = new StringWriter();
        Assert.Equal(1, await NodeCommandLine.RunAsync(["practitioner", "create", "--username", "maria", "--name", "x", "--data-dir", dataDir], duplicate));
        Assert.Contains("taken", duplicate.ToString());

        var tokenOutput = new StringWriter();
        Assert.Equal(0, await NodeCommandLine.RunAsync(["token", "issue", "--username", "maria", "--data-dir", dataDir], tokenOutput));
        var token = tokenOutput.ToString().Trim();
        Assert.StartsWith("ct_", token);

        var missing = new StringWriter();
        Assert.Equal(1, await NodeCommandLine.RunAsync(["token", "issue", "--username", "nobody", "--data-dir", dataDir], missing));

        // A node over the same data directory knows her and takes her token.
        var app = Camtree.Node.NodeApp.Build([], new Dictionary<string, string?>
        {
            ["Camtree:DataDirectory"] = dataDir, ["Camtree:SeedDemo"] = "false", ["Urls"] = "http://127.0.0.1:0",
        });
        await Camtree.Node.NodeApp.InitializeAsync(app.Services);
        await app.StartAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            client.DefaultRequestHeaders.Authorization = new("Bearer", token);
            var me = await client.GetFromJsonAsync<JsonElement>("/api/v1/me");
            Assert.Equal("maria", me.GetProperty("username").GetString());
            Assert.Equal("María Fernández", me.GetProperty("displayName").GetString());
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_API_refuses_anonymous_writes_and_explains_invalid_drafts()
    {
        await using var node = await TestNode.StartAsync("api");
        var ana = await node.AddPractitionerAsync("ana", "Ana");

        using var anonymous = await node.Http.PostAsJsonAsync("/api/v1/reports", new { title = "x", findings = "y" });
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        using var wrongToken = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        wrongToken.Headers.Authorization = new("Bearer", "ct_not-a-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await node.Http.SendAsync(wrongToken)).StatusCode);

        using var invalid = await ana.Api.PostAsJsonAsync("/api/v1/reports", new { title = "", country = "Chile", language = "en" });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var errors = (await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("title", out _));
        Assert.True(errors.TryGetProperty("country", out _));
        Assert.True(errors.TryGetProperty("findings", out _));

        using var malformed = new StringContent("{ not json", System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, (await ana.Api.PostAsync("/api/v1/reports", malformed)).StatusCode);
        Assert.Empty((await node.Http.GetFromJsonAsync<JsonElement>("/api/v1/reports")).EnumerateArray());

        using var created = await ana.Api.PostAsJsonAsync("/api/v1/reports", new { title = "Exit tickets", findings = "They helped.", language = "en" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.StartsWith($"{node.BaseUrl}/reports/", created.Headers.Location!.ToString());
    }
}
