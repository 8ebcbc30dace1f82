using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Camtree.Node.Storage;
using Camtree.Protocol.Delivery;
using Camtree.Protocol.Signatures;
using Camtree.Protocol.Vocabulary;
using Camtree.Tests.Support;

namespace Camtree.Tests.Node;

/// <summary>
/// The inbox trusts nothing: unsigned, forged, tampered, replayed-late or mis-attributed deliveries are refused
/// at once with a reason, malformed JSON gets a 400, and none of them leaves anything stored.
/// </summary>
public sealed class InboxSecurityTests : IAsyncLifetime
{
    private TestNode _origin = null!;
    private TestNode _receiver = null!;
    private Practitioner _alice = null!;
    private Practitioner _bob = null!;

    public async Task InitializeAsync()
    {
        var nodes = await Task.WhenAll(TestNode.StartAsync("origin"), TestNode.StartAsync("receiver"));
        (_origin, _receiver) = (nodes[0], nodes[1]);
        _alice = await _origin.AddPractitionerAsync("alice", "Alice");
        _bob = await _origin.AddPractitionerAsync("bob", "Bob");
        var reader = await _receiver.AddPractitionerAsync("reader", "Reader");
        // The receiver follows alice, so a genuine Create from her would be accepted into its library.
        using var follow = await reader.Api.PostAsJsonAsync("/api/v1/follows", new { target = _alice.Handle });
        Assert.Equal(HttpStatusCode.Accepted, follow.StatusCode);
        await Eventually.TrueAsync(async () => (await _receiver.Get<FollowStore>().FindFollowingAsync(reader.Actor.Id, _alice.Iri))?.State == FollowStates.Accepted,
            "the follow to be accepted");
        _inboxBaseline = await _receiver.Get<IInboxStore>().CountAsync(); // the Accept
    }

    private int _inboxBaseline;

    public async Task DisposeAsync()
    {
        await _origin.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    private string SharedInbox => $"{_receiver.BaseUrl}/inbox";

    private string CreateJson(string actorIri, string? id = null) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["@context"] = ActivityStreams.ContextIri,
        ["id"] = id ?? $"{actorIri}/activities/{Guid.NewGuid():N}",
        ["type"] = "Create",
        ["actor"] = actorIri,
        ["to"] = new[] { "as:Public" },
        ["object"] = new Dictionary<string, object>
        {
            ["id"] = $"{_origin.BaseUrl}/reports/{Guid.NewGuid():N}", ["type"] = "Article", ["attributedTo"] = actorIri,
            ["name"] = "A report that should not arrive", ["summary"] = "s", ["content"] = "c",
        },
    });

    private static Task<DeliveryOutcome> SendSignedAsync(string inbox, string json, SigningKey key, TimeProvider? time = null) =>
        SignedPost.SendAsync(inbox, json, key, time);

    private SigningKey AliceKey => new($"{_alice.Iri}#main-key", _alice.Actor.PrivateKeyPem);

    private async Task AssertNothingStoredAsync()
    {
        Assert.Equal(_inboxBaseline, await _receiver.Get<IInboxStore>().CountAsync());
        Assert.Empty(await _receiver.Get<ReportStore>().ListAsync(ReportOrigin.Federated));
    }

    private static string ErrorOf(DeliveryOutcome outcome) => outcome.Error ?? "";

    [Fact]
    public async Task An_unsigned_delivery_is_refused_with_401_and_a_reason()
    {
        using var content = new StringContent(CreateJson(_alice.Iri), Encoding.UTF8, ActivityStreams.MediaType);
        using var response = await _receiver.Http.PostAsync("/inbox", content);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("not signed", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task A_delivery_signed_with_a_forged_key_for_a_real_actor_is_refused()
    {
        using var forged = new SigningKey($"{_alice.Iri}#main-key", RsaKeyPair.Generate().PrivateKeyPem);
        var outcome = await SendSignedAsync(SharedInbox, CreateJson(_alice.Iri), forged);
        Assert.Equal(401, outcome.StatusCode);
        Assert.Contains("does not verify", ErrorOf(outcome));
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task A_delivery_signed_by_one_actor_claiming_to_be_another_is_refused()
    {
        using var bobKey = new SigningKey($"{_bob.Iri}#main-key", _bob.Actor.PrivateKeyPem);
        var outcome = await SendSignedAsync(SharedInbox, CreateJson(_alice.Iri), bobKey);
        Assert.Equal(401, outcome.StatusCode);
        Assert.Contains("not by the activity's actor", ErrorOf(outcome));
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task A_refused_delivery_with_a_verified_signature_still_shows_its_host_is_up()
    {
        // Accepted activities clear their host's failures in the transaction that records them; a refused one is
        // not recorded, so it clears them on its own.
        var hosts = _receiver.Get<HostHealthStore>();
        var now = DateTimeOffset.UtcNow;
        await hosts.SaveAsync(new HostHealth(_origin.Authority, 9, now.AddDays(-1), now, now.AddHours(2), now.AddHours(-12)));
        using var bobKey = new SigningKey($"{_bob.Iri}#main-key", _bob.Actor.PrivateKeyPem);

        var outcome = await SendSignedAsync(SharedInbox, CreateJson(_alice.Iri), bobKey);

        Assert.Equal(401, outcome.StatusCode);
        var health = await hosts.GetAsync(_origin.Authority);
        Assert.Equal(0, health.ConsecutiveFailures);
        Assert.Null(health.UnavailableSince);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task A_body_changed_after_signing_is_refused()
    {
        var json = CreateJson(_alice.Iri);
        var body = Encoding.UTF8.GetBytes(json);
        var target = new Uri(SharedInbox);
        var headers = new List<KeyValuePair<string, string>>
        {
            new("host", target.Authority), new("date", DateTimeOffset.UtcNow.ToString("r")),
            new("digest", HttpDigest.ComputeDigestHeader(body)), new("content-type", ActivityStreams.MediaType),
        };
        using var key = AliceKey;
        var signature = CavageSigner.SignRequest(HttpRequestParts.Create("POST", "/inbox", headers, body), key, CavageSigner.PostHeaders);

        using var request = new HttpRequestMessage(HttpMethod.Post, target)
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(json.Replace("should not arrive", "was tampered with"))),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", ActivityStreams.MediaType);
        request.Headers.TryAddWithoutValidation("Date", headers[1].Value);
        request.Headers.TryAddWithoutValidation("Digest", headers[2].Value);
        request.Headers.TryAddWithoutValidation("Signature", signature);
        using var response = await _receiver.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Digest", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task A_delivery_signed_two_hours_ago_is_refused()
    {
        using var key = AliceKey;
        var outcome = await SendSignedAsync(SharedInbox, CreateJson(_alice.Iri), key, new FixedTimeProvider(DateTimeOffset.UtcNow.AddHours(-2)));
        Assert.Equal(401, outcome.StatusCode);
        Assert.Contains("outside", ErrorOf(outcome));
        await AssertNothingStoredAsync();
    }

    [Theory]
    [InlineData("{\"type\": \"Create\", ", "malformed JSON")]
    [InlineData("[]", "JSON object")]
    [InlineData("{\"type\":\"Create\",\"actor\":\"ACTOR\"}", "needs an id")]
    public async Task A_signed_but_malformed_activity_gets_400_with_a_reason(string json, string reason)
    {
        using var key = AliceKey;
        var outcome = await SendSignedAsync(SharedInbox, json.Replace("ACTOR", _alice.Iri), key);
        Assert.Equal(400, outcome.StatusCode);
        Assert.Contains(reason, ErrorOf(outcome));
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task A_key_that_cannot_be_fetched_is_a_401_with_the_reason()
    {
        using var missing = new SigningKey($"{_origin.BaseUrl}/users/ghost#main-key", RsaKeyPair.Generate().PrivateKeyPem);
        var outcome = await SendSignedAsync(SharedInbox, CreateJson($"{_origin.BaseUrl}/users/ghost"), missing);
        Assert.Equal(401, outcome.StatusCode);
        Assert.Contains("could not fetch key", ErrorOf(outcome));
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Another_actor_of_the_same_server_cannot_overwrite_a_received_report()
    {
        var reader = (await _receiver.Get<ActorStore>().FindByUsernameAsync("reader"))!;
        await _receiver.Get<Camtree.Node.Library.FollowService>().FollowAsync(reader, _bob.Iri, CancellationToken.None);
        await Eventually.TrueAsync(async () => (await _receiver.Get<FollowStore>().FindFollowingAsync(reader.Id, _bob.Iri))?.State == FollowStates.Accepted,
            "the follow of bob to be accepted");
        using var aliceKey = AliceKey;
        var reportIri = $"{_origin.BaseUrl}/reports/{Guid.NewGuid():N}";
        string Create(string actor, string title) => JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["id"] = $"{actor}/activities/{Guid.NewGuid():N}", ["type"] = "Create", ["actor"] = actor,
            ["object"] = new Dictionary<string, object>
            {
                ["id"] = reportIri, ["type"] = "Article", ["attributedTo"] = actor, ["name"] = title, ["to"] = ActivityStreams.PublicIri,
            },
        });
        Assert.Equal(202, (await SendSignedAsync(SharedInbox, Create(_alice.Iri, "Alice's findings"), aliceKey)).StatusCode);
        await Eventually.GetAsync(() => _receiver.Get<ReportStore>().FindByIriAsync(reportIri), "alice's report");

        using var bobKey = new SigningKey($"{_bob.Iri}#main-key", _bob.Actor.PrivateKeyPem);
        Assert.Equal(202, (await SendSignedAsync(SharedInbox, Create(_bob.Iri, "Bob's rewrite"), bobKey)).StatusCode);
        await Eventually.TrueAsync(async () => await _receiver.Get<IInboxStore>().CountPendingAsync() == 0, "the inbox to drain");

        var report = (await _receiver.Get<ReportStore>().FindByIriAsync(reportIri))!;
        Assert.Equal("Alice's findings", report.Title);
        Assert.Equal(_alice.Iri, report.AuthorIri);
    }

    [Fact]
    public async Task A_report_not_addressed_to_the_public_stays_out_of_the_library()
    {
        using var key = AliceKey;
        var json = CreateJson(_alice.Iri).Replace("\"as:Public\"", $"\"{_alice.Iri}/followers\"");
        var id = JsonDocument.Parse(json).RootElement.GetProperty("id").GetString()!;
        Assert.Equal(202, (await SendSignedAsync(SharedInbox, json, key)).StatusCode);
        await Eventually.TrueAsync(async () => (await _receiver.Get<IInboxStore>().FindAsync(id))?.ProcessedAt is not null, "the Create to be processed");
        Assert.Empty(await _receiver.Get<ReportStore>().ListAsync(ReportOrigin.Federated));
    }

    [Fact]
    public async Task An_actor_cannot_update_another_actor_or_delete_what_is_not_its_own()
    {
        using var bobKey = new SigningKey($"{_bob.Iri}#main-key", _bob.Actor.PrivateKeyPem);
        var updateAlice = JsonSerializer.Serialize(new
        {
            id = $"{_bob.Iri}/activities/{Guid.NewGuid():N}", type = "Update", actor = _bob.Iri,
            @object = new { id = _alice.Iri, type = "Person", inbox = $"{_bob.Iri}/inbox", preferredUsername = "alice" },
        });
        var deleteAlice = JsonSerializer.Serialize(new { id = $"{_bob.Iri}/activities/{Guid.NewGuid():N}", type = "Delete", actor = _bob.Iri, @object = _alice.Iri });
        foreach (var json in new[] { updateAlice, deleteAlice })
        {
            Assert.Equal(202, (await SendSignedAsync(SharedInbox, json, bobKey)).StatusCode);
            var id = JsonDocument.Parse(json).RootElement.GetProperty("id").GetString()!;
            await Eventually.TrueAsync(async () => (await _receiver.Get<IInboxStore>().FindAsync(id))?.ProcessedAt is not null, "processing");
        }
        // Alice is still followed, with her own inbox.
        var reader = (await _receiver.Get<ActorStore>().FindByUsernameAsync("reader"))!;
        Assert.Equal(FollowStates.Accepted, (await _receiver.Get<FollowStore>().FindFollowingAsync(reader.Id, _alice.Iri))?.State);
        Assert.Equal($"{_alice.Iri}/inbox", (await _receiver.Get<RemoteActorStore>().FindAsync(_alice.Iri))!.Inbox);
    }

    [Fact]
    public async Task A_body_over_one_mebibyte_is_refused_with_413()
    {
        using var content = new StringContent(new string(' ', 1024 * 1024 + 10), Encoding.UTF8, ActivityStreams.MediaType);
        using var response = await _receiver.Http.PostAsync("/inbox", content);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task The_same_activity_delivered_twice_is_recorded_once()
    {
        // Through the per-actor inbox: both inboxes record into the same durable table.
        var json = JsonSerializer.Serialize(new
        {
            id = $"{_alice.Iri}/activities/like-{Guid.NewGuid():N}", type = "Like", actor = _alice.Iri, @object = $"{_receiver.BaseUrl}/reports/x",
        });
        using var key = AliceKey;
        var first = await SendSignedAsync($"{_receiver.BaseUrl}/users/reader/inbox", json, key);
        var second = await SendSignedAsync($"{_receiver.BaseUrl}/users/reader/inbox", json, key);
        Assert.Equal(202, first.StatusCode);
        Assert.Equal(202, second.StatusCode);
        var id = JsonDocument.Parse(json).RootElement.GetProperty("id").GetString()!;
        Assert.NotNull(await _receiver.Get<IInboxStore>().FindAsync(id));
        Assert.Equal(_inboxBaseline + 1, await _receiver.Get<IInboxStore>().CountAsync());
    }
}
