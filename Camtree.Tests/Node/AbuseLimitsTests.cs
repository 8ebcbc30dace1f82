using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Camtree.Node.Cli;
using Camtree.Node.Federation;
using Camtree.Node.Jobs;
using Camtree.Node.Storage;
using Camtree.Tests.Support;

namespace Camtree.Tests.Node;

/// <summary>
/// Abuse costs the abuser: rate limits per remote host and per token answer 429 with Retry-After; a key that could
/// not be fetched is not asked for again at once; one server cannot store actors without end; activities nothing
/// here acts on keep only their id, and processed ones lose their body after the retention period; tokens expire
/// and can be revoked.
/// </summary>
public sealed class AbuseLimitsTests : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];

    private async Task<TestNode> NodeAsync(params (string Key, string Value)[] settings)
    {
        var node = await TestNode.StartAsync("abuse", settings: settings.ToDictionary(s => s.Key, s => (string?)s.Value));
        _owned.Add(node);
        return node;
    }

    private async Task<HostilePeer> PeerAsync()
    {
        var peer = await HostilePeer.StartAsync();
        _owned.Add(peer);
        return peer;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned) await owned.DisposeAsync();
    }

    [Fact]
    public async Task An_inbox_flood_from_one_host_is_answered_429_with_Retry_After_and_others_go_on()
    {
        var node = await NodeAsync(("Camtree:Limits:InboxBurstPerHost", "5"), ("Camtree:Limits:InboxPerSecondPerHost", "1"));
        using var http = new HttpClient();
        async Task<HttpResponseMessage> PostClaimingAsync(string host)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"{node.BaseUrl}/inbox") { Content = new StringContent("{}", Encoding.UTF8, "application/activity+json") };
            request.Headers.TryAddWithoutValidation("Signature", $"keyId=\"http://{host}/users/a#main-key\",algorithm=\"rsa-sha256\",headers=\"date\",signature=\"AAAA\"");
            return await http.SendAsync(request);
        }

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++) statuses.Add((await PostClaimingAsync("flooder.example")).StatusCode);
        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.Unauthorized)); // the burst reaches the signature check
        using var limited = await PostClaimingAsync("flooder.example");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Contains("too many requests", (await limited.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());

        // Another sending host is not held back by the flooder.
        using var other = await PostClaimingAsync("neighbour.example");
        Assert.Equal(HttpStatusCode.Unauthorized, other.StatusCode);
    }

    [Fact]
    public async Task The_API_is_limited_per_token()
    {
        var node = await NodeAsync(("Camtree:Limits:ApiBurstPerClient", "3"), ("Camtree:Limits:ApiPerSecondPerClient", "1"));
        var busy = await node.AddPractitionerAsync("busy", "Busy");
        var calm = await node.AddPractitionerAsync("calm", "Calm");
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await busy.Api.GetAsync("/api/v1/me")).StatusCode);
        // The bucket refills a token a second: on a busy machine the burst can take that long, so a few more calls
        // are allowed before the limit must have answered (a limit that never answers still fails).
        HttpResponseMessage limited = await busy.Api.GetAsync("/api/v1/me");
        for (var i = 0; i < 5 && limited.StatusCode != HttpStatusCode.TooManyRequests; i++)
        {
            limited.Dispose();
            limited = await busy.Api.GetAsync("/api/v1/me");
        }
        using var _ = limited;
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.NotNull(limited.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, (await calm.Api.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task A_key_that_could_not_be_fetched_is_not_fetched_again_until_its_failure_expires()
    {
        var node = await NodeAsync(("Camtree:Limits:KeyFetchFailureSeconds", "300"));
        var peer = await PeerAsync();
        var ghost = peer.AddActor("ghost");
        peer.Fault(ghost.Path, PeerFault.NotFound);
        var json = JsonSerializer.Serialize(new { id = $"{ghost.Iri}/a/1", type = "Like", actor = ghost.Iri, @object = $"{node.BaseUrl}/x" });

        using var key = ghost.SigningKey();
        var first = await SignedPost.SendAsync($"{node.BaseUrl}/inbox", json, key);
        Assert.Equal(401, first.StatusCode);
        Assert.Equal(1, peer.Hits(ghost.Path));
        var second = await SignedPost.SendAsync($"{node.BaseUrl}/inbox", json, key);
        Assert.Equal(401, second.StatusCode);
        Assert.Contains("not tried again until", second.Error);
        Assert.Equal(1, peer.Hits(ghost.Path));

        node.Clock.Advance(TimeSpan.FromMinutes(6));
        peer.ClearFaults();
        var third = await SignedPost.SendAsync($"{node.BaseUrl}/inbox", json, key);
        Assert.Equal(202, third.StatusCode);
        Assert.Equal(2, peer.Hits(ghost.Path));
    }

    [Fact]
    public async Task One_server_cannot_store_more_actors_here_than_the_cap()
    {
        var node = await NodeAsync(("Camtree:Limits:RemoteActorsPerHost", "2"));
        var peer = await PeerAsync();
        var directory = node.Get<ActorDirectory>();
        foreach (var name in new[] { "one", "two" })
            Assert.NotNull(await directory.ResolveAsync(peer.AddActor(name).KeyId, refresh: false, CancellationToken.None));

        var third = peer.AddActor("three");
        using var key = third.SigningKey();
        var refused = await SignedPost.SendAsync($"{node.BaseUrl}/inbox",
            JsonSerializer.Serialize(new { id = $"{third.Iri}/a/1", type = "Like", actor = third.Iri, @object = $"{node.BaseUrl}/x" }), key);
        Assert.Equal(401, refused.StatusCode);
        Assert.Contains("already has 2 actors stored here", refused.Error);
        Assert.Null(await node.Get<RemoteActorStore>().FindAsync(third.Iri));
        // Those already stored are refreshed as before.
        Assert.NotNull(await directory.GetAsync($"{peer.BaseUrl}/users/one", refresh: true, CancellationToken.None));
    }

    [Fact]
    public async Task Activities_nothing_here_acts_on_keep_only_their_id_so_a_key_cannot_fill_the_disk()
    {
        var node = await NodeAsync();
        var peer = await PeerAsync();
        var flagger = peer.AddActor("flagger");
        using var key = flagger.SigningKey();
        var store = node.Get<Database>();
        // The file and its WAL on SQLite; what PostgreSQL keeps of the database.
        long Size()
        {
            if (store is SqliteDatabase sqlite)
                return new FileInfo(sqlite.Path).Length + (File.Exists(sqlite.Path + "-wal") ? new FileInfo(sqlite.Path + "-wal").Length : 0);
            using var connection = store.OpenAsync().GetAwaiter().GetResult();
            return Dapper.SqlMapper.ExecuteScalar<long>(connection, "SELECT pg_database_size(current_database())");
        }
        var before = Size();

        var padding = new string('x', 900 * 1024);
        for (var i = 0; i < 30; i++)
        {
            var flag = JsonSerializer.Serialize(new { id = $"{flagger.Iri}/flags/{i}", type = "Flag", actor = flagger.Iri, @object = $"{node.BaseUrl}/users/x", content = padding });
            Assert.Equal(202, (await SignedPost.SendAsync($"{node.BaseUrl}/inbox", flag, key)).StatusCode);
        }
        var entry = await node.Get<IInboxStore>().FindAsync($"{flagger.Iri}/flags/0");
        Assert.NotNull(entry);
        Assert.Equal("", entry.Json);
        Assert.NotNull(entry.ProcessedAt);
        // 27 MB sent; a few KB kept (page growth and the WAL are allowed for).
        Assert.True(Size() - before < 2 * 1024 * 1024, $"the database grew by {(Size() - before) / 1024} KB");
        // Sent again, it is still recognised.
        var again = JsonSerializer.Serialize(new { id = $"{flagger.Iri}/flags/0", type = "Flag", actor = flagger.Iri, @object = $"{node.BaseUrl}/users/x" });
        Assert.Equal(202, (await SignedPost.SendAsync($"{node.BaseUrl}/inbox", again, key)).StatusCode);
        Assert.Equal(30, (await node.Get<IInboxStore>().CountAsync()));
    }

    [Fact]
    public async Task Processed_activities_lose_their_body_after_the_retention_period_and_keep_their_id()
    {
        var node = await NodeAsync(("Camtree:Limits:InboxRetentionDays", "7"));
        var peer = await PeerAsync();
        var liker = peer.AddActor("liker");
        using var key = liker.SigningKey();
        var like = JsonSerializer.Serialize(new { id = $"{liker.Iri}/likes/1", type = "Like", actor = liker.Iri, @object = $"{node.BaseUrl}/reports/none" });
        Assert.Equal(202, (await SignedPost.SendAsync($"{node.BaseUrl}/inbox", like, key)).StatusCode);
        var inbox = node.Get<IInboxStore>();
        await Eventually.TrueAsync(async () => (await inbox.FindAsync($"{liker.Iri}/likes/1"))?.ProcessedAt is not null, "the Like to be processed");

        // Six days on, it is kept whole; eight days on, only its id.
        node.Clock.Advance(TimeSpan.FromDays(6));
        node.Get<WorkSignal<RetentionWorker>>().Notify();
        await Task.Delay(300);
        Assert.NotEqual("", (await inbox.FindAsync($"{liker.Iri}/likes/1"))!.Json);
        node.Clock.Advance(TimeSpan.FromDays(2));
        node.Get<WorkSignal<RetentionWorker>>().Notify();
        var pruned = await Eventually.GetAsync(async () => await inbox.FindAsync($"{liker.Iri}/likes/1") is { PrunedAt: not null } e ? e : null, "the body to be pruned");
        Assert.Equal("", pruned.Json);

        // Delivered again, it is recognised and not applied twice.
        using var signedLater = liker.SigningKey();
        Assert.Equal(202, (await SignedPost.SendAsync($"{node.BaseUrl}/inbox", like, signedLater, node.Clock)).StatusCode);
        Assert.Equal(1, await inbox.CountAsync());
    }

    [Fact]
    public async Task Tokens_expire_and_operators_revoke_them_through_the_API_and_the_CLI()
    {
        var node = await NodeAsync();
        var op = await node.AddPractitionerAsync("op", "Operator", isOperator: true);
        var ana = await node.AddPractitionerAsync("ana", "Ana");
        var tokens = node.Get<TokenStore>();

        // Expiry.
        var shortLived = await tokens.IssueAsync(ana.Actor.Id, "trial", expiresAt: node.Clock.GetUtcNow().AddHours(1));
        using var client = new HttpClient { BaseAddress = new Uri(node.BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", shortLived);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/me")).StatusCode);
        node.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/me")).StatusCode);

        // Revocation through the API, by the public id the listing shows.
        var listed = await op.Api.GetFromJsonAsync<JsonElement>("/api/v1/admin/tokens");
        var anaToken = listed.EnumerateArray().First(t => t.GetProperty("username").GetString() == "ana" && t.GetProperty("label").GetString() == "test");
        Assert.Equal(HttpStatusCode.OK, (await ana.Api.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ana.Api.DeleteAsync($"/api/v1/admin/tokens/{anaToken.GetProperty("id").GetString()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await op.Api.DeleteAsync($"/api/v1/admin/tokens/{anaToken.GetProperty("id").GetString()}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ana.Api.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await op.Api.DeleteAsync("/api/v1/admin/tokens/000000000000")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await op.Api.DeleteAsync("/api/v1/admin/tokens/not-an-id")).StatusCode);
    }

    [Fact]
    public async Task The_CLI_lists_and_revokes_tokens_and_issues_expiring_ones()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "camtree-tests", $"cli-tokens-{Guid.NewGuid():N}");
        try
        {
            Assert.Equal(0, await NodeCommandLine.RunAsync(["practitioner", "create", "--username", "maria", "--name", "Maria", "--data-dir", dataDir], new StringWriter()));
            var issued = new StringWriter();
            Assert.Equal(0, await NodeCommandLine.RunAsync(["token", "issue", "--username", "maria", "--label", "laptop", "--expires-in-days", "30", "--data-dir", dataDir], issued));
            var list = new StringWriter();
            Assert.Equal(0, await NodeCommandLine.RunAsync(["token", "list", "--data-dir", dataDir], list));
            var row = list.ToString().Split('\n').Single(l => l.Contains("\tlaptop\t"));
            var id = row.Split('\t')[0];
            Assert.Equal(12, id.Length);
            Assert.Matches(@"\t\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z\t", row); // it has an expiry
            Assert.Equal(0, await NodeCommandLine.RunAsync(["token", "revoke", "--id", id, "--data-dir", dataDir], new StringWriter()));
            var again = new StringWriter();
            Assert.Equal(1, await NodeCommandLine.RunAsync(["token", "revoke", "--id", id, "--data-dir", dataDir], again));
            Assert.Contains("no live token", again.ToString());
            Assert.Equal(1, await NodeCommandLine.RunAsync(["token", "issue", "--username", "maria", "--expires-in-days", "0", "--data-dir", dataDir], new StringWriter()));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { }
        }
    }
}
