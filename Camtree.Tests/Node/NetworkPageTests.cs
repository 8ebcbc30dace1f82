using System.Net;
using System.Net.Http.Json;
using Camtree.Node.Storage;
using Camtree.Tests.Support;

namespace Camtree.Tests.Node;

/// <summary>
/// The network page across two real nodes: B subscribes to A's library; B's page lists A with the reports and themes
/// it holds from A, A's lists B as a library that reads it, and a practitioner on B follows A's library from there.
/// </summary>
public sealed class NetworkPageTests : IAsyncLifetime
{
    private TestNode _a = null!;
    private TestNode _b = null!;

    public async Task InitializeAsync()
    {
        var nodes = await Task.WhenAll(TestNode.StartAsync("network-a"), TestNode.StartAsync("network-b"));
        (_a, _b) = (nodes[0], nodes[1]);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact]
    public async Task Each_node_shows_the_libraries_it_reads_and_those_that_read_it_and_any_can_be_followed()
    {
        var ana = await _a.AddPractitionerAsync("ana", "Ana Souza");
        foreach (var (title, theme) in new[] { ("Talk partners", "oracy"), ("Sentence stems", "oracy"), ("Exit tickets", "assessment") })
            using (var published = await ana.Api.PostAsJsonAsync("/api/v1/reports", new { title, language = "pt-BR", findings = "Mais vozes.", themes = new[] { theme } }))
                Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        var operatorB = await _b.AddPractitionerAsync("olga", "Olga Reis", isOperator: true);
        using (var subscribe = await operatorB.Api.PostAsJsonAsync("/api/v1/admin/libraries", new { library = $"@library@{_a.Authority}" }))
            Assert.Equal(HttpStatusCode.Accepted, subscribe.StatusCode);
        await Eventually.TrueAsync(async () => (await _b.Get<ReportStore>().CountFromOriginAsync(_a.BaseUrl)) == 3, "A's reports to reach B");

        var onB = await Eventually.GetAsync(async () => await _b.Http.GetStringAsync("/network") is var html && html.Contains("3 reports held here") ? html : null,
            "B's network page to count A's reports");
        Assert.Contains($"@library@{_a.Authority}", onB);
        Assert.Contains("#oracy, #assessment", onB);
        Assert.DoesNotContain("action=\"/follow\"", onB); // a visitor is not offered the form
        var onA = await Eventually.GetAsync(async () => await _a.Http.GetStringAsync("/network") is var html && html.Contains($"@library@{_b.Authority}") ? html : null,
            "B's library to follow A's");
        Assert.Contains("3 reports written here", onA);

        // A practitioner on B follows A's library from the page, and comes back to it.
        await _b.AddPractitionerAsync("bea", "Bea Santos");
        using var bea = await _b.SignInAsync("bea");
        using (var follow = await bea.SubmitAsync("/network", "/follow", new Dictionary<string, string> { ["target"] = $"{_a.BaseUrl}/users/library", ["back"] = "/network" }))
            Assert.Equal("/network", follow.Headers.Location!.OriginalString);
        await Eventually.TrueAsync(async () => (await bea.PageAsync("/network")).Contains("You follow network-a library."), "A's Accept");
    }
}
