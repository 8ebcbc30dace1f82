using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Camtree.Node.Library;
using Camtree.Node.Storage;
using Camtree.Protocol.Signatures.Proofs;
using Camtree.Tests.Support;

namespace Camtree.Tests.Node;

/// <summary>
/// Reports stay attributable wherever they travel: they and their activities carry FEP-8b32 proofs by the
/// author's Ed25519 key, published as a FEP-521a Multikey; another node verifies them by fetching that key,
/// before and after the author rotates it; a forwarded activity with a valid proof is accepted, a bad proof refused.
/// </summary>
public sealed class ObjectProofTests
{
    private static async Task<JsonObject> GetActivityPubAsync(TestNode node, string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd("application/activity+json");
        using var response = await node.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    private static ReportDraft Draft(string title) => new()
    {
        Title = title, Language = "en", Findings = "Pupils explained more.", Body = "## What we tried\nMini-whiteboards.", Methodology = "lesson-study",
    };

    [Fact]
    public async Task An_actor_publishes_its_Ed25519_key_as_a_Multikey()
    {
        await using var node = await TestNode.StartAsync("keys");
        var ana = await node.AddPractitionerAsync("ana", "Ana");
        var actor = await GetActivityPubAsync(node, ana.Iri);
        var key = Assert.Single(actor["assertionMethod"]!.AsArray())!.AsObject();
        Assert.Equal($"{ana.Iri}#ed25519-key", key["id"]!.GetValue<string>());
        Assert.Equal("Multikey", key["type"]!.GetValue<string>());
        Assert.Equal(ana.Iri, key["controller"]!.GetValue<string>());
        Assert.StartsWith("z6Mk", key["publicKeyMultibase"]!.GetValue<string>());
        var context = actor["@context"]!.AsArray().Select(c => c!.ToJsonString()).ToList();
        Assert.Contains("\"https://w3id.org/security/multikey/v1\"", context);
    }

    [Fact]
    public async Task A_report_re_served_by_anyone_verifies_against_its_author_before_and_after_a_key_rotation()
    {
        await using var origin = await TestNode.StartAsync("origin");
        await using var mirror = await TestNode.StartAsync("mirror");
        var ana = await origin.AddPractitionerAsync("ana", "Ana");
        var report = await origin.Get<ReportService>().PublishAsync(ana.Actor, Draft("Signed where it goes"));
        var copy = await GetActivityPubAsync(origin, report.Iri); // what a mirror or an index would keep

        var proof = copy["proof"]!.AsObject();
        Assert.Equal("DataIntegrityProof", proof["type"]!.GetValue<string>());
        Assert.Equal("eddsa-jcs-2022", proof["cryptosuite"]!.GetValue<string>());
        Assert.Equal($"{ana.Iri}#ed25519-key", proof["verificationMethod"]!.GetValue<string>());
        Assert.Equal(copy["@context"]!.ToJsonString(), proof["@context"]!.ToJsonString());

        // Another node checks it by fetching the author's key over HTTP.
        var verifier = mirror.Get<ProofVerifier>();
        var verified = await verifier.VerifyProofAsync(copy);
        Assert.True(verified.IsValid, verified.Reason);
        Assert.Equal(ana.Iri, verified.Controller);
        Assert.True(ProofRules.ControllerMatches(copy, verified.Controller!) || copy["attributedTo"]!.GetValue<string>() == verified.Controller);

        // A changed word breaks it.
        var tampered = (JsonObject)copy.DeepClone();
        tampered["findings"] = "Pupils explained less.";
        Assert.Equal(ProofFailure.InvalidSignature, (await verifier.VerifyProofAsync(tampered)).Failure);

        // The author rotates the key: the old copy still verifies (the retired key stays published), and the
        // report is now served with a proof by the new key.
        await origin.Get<ProfileService>().RotateKeyAsync(ana.Actor);
        var actor = await GetActivityPubAsync(origin, ana.Iri);
        var keys = actor["assertionMethod"]!.AsArray().Select(k => k!.AsObject()).ToList();
        Assert.Equal([$"{ana.Iri}#ed25519-key-2", $"{ana.Iri}#ed25519-key"], keys.Select(k => k["id"]!.GetValue<string>()));
        Assert.NotNull(keys[1]["retired"]);
        Assert.True((await verifier.VerifyProofAsync(copy)).IsValid, "a copy signed before the rotation still verifies");
        var current = await GetActivityPubAsync(origin, report.Iri);
        Assert.Equal($"{ana.Iri}#ed25519-key-2", current["proof"]!["verificationMethod"]!.GetValue<string>());
        Assert.True((await verifier.VerifyProofAsync(current)).IsValid);
    }

    [Fact]
    public async Task A_Create_forwarded_by_a_third_party_is_accepted_on_its_proof_and_a_bad_proof_is_refused()
    {
        await using var origin = await TestNode.StartAsync("origin");
        await using var relay = await TestNode.StartAsync("relay");
        await using var reader = await TestNode.StartAsync("reader");
        var ana = await origin.AddPractitionerAsync("ana", "Ana");
        var forwarder = await relay.AddPractitionerAsync("forwarder", "Forwarder");
        var librarian = await reader.AddPractitionerAsync("librarian", "Librarian");

        // Ana publishes before anyone on the reader's node follows her, so the report reaches it only by forwarding.
        var report = await origin.Get<ReportService>().PublishAsync(ana.Actor, Draft("Forwarded, still hers"));
        var create = JsonNode.Parse((await origin.Get<OutboxStore>().PagePublicAsync(ana.Actor.Id, null, 1)).Single().Json)!.AsObject();
        Assert.Equal(report.Iri, create["object"]!["id"]!.GetValue<string>());
        using (await librarian.Api.PostAsJsonAsync("/api/v1/follows", new { target = ana.Handle })) { }
        await Eventually.TrueAsync(async () =>
            (await reader.Get<FollowStore>().FindFollowingAsync(librarian.Actor.Id, ana.Iri))?.State == FollowStates.Accepted, "the follow");

        // The relay forwards ana's signed Create as it received it; the HTTP signature is the relay's own.
        using var relayKey = new Camtree.Protocol.Signatures.SigningKey($"{forwarder.Iri}#main-key", forwarder.Actor.PrivateKeyPem);

        var tampered = (JsonObject)create.DeepClone();
        tampered["object"]!["name"] = "Forwarded, and changed";
        var refused = await SignedPost.SendAsync($"{reader.BaseUrl}/inbox", tampered.ToJsonString(), relayKey);
        Assert.Equal(401, refused.StatusCode);
        Assert.Contains("proof does not hold", refused.Error);

        var accepted = await SignedPost.SendAsync($"{reader.BaseUrl}/inbox", create.ToJsonString(), relayKey);
        Assert.Equal(202, accepted.StatusCode);
        var iri = create["object"]!["id"]!.GetValue<string>();
        var stored = await Eventually.GetAsync(() => reader.Get<ReportStore>().FindByIriAsync(iri), "the forwarded report");
        Assert.Equal("Forwarded, still hers", stored.Title);
        Assert.Equal($"{ana.Iri}#ed25519-key", stored.VerifiedKeyId);
    }

    [Fact]
    public async Task A_proof_of_a_kind_this_node_does_not_implement_is_set_aside_not_held_against_the_sender()
    {
        await using var origin = await TestNode.StartAsync("origin");
        await using var reader = await TestNode.StartAsync("reader");
        var ana = await origin.AddPractitionerAsync("ana", "Ana");
        await reader.AddPractitionerAsync("reader", "Reader");
        var activity = new JsonObject
        {
            ["@context"] = "https://www.w3.org/ns/activitystreams",
            ["id"] = $"{ana.Iri}/activities/{Guid.NewGuid():N}", ["type"] = "Like", ["actor"] = ana.Iri, ["object"] = $"{reader.BaseUrl}/reports/x",
            ["proof"] = new JsonObject
            {
                ["type"] = "DataIntegrityProof", ["cryptosuite"] = "eddsa-rdfc-2022", ["verificationMethod"] = $"{ana.Iri}#ed25519-key",
                ["proofPurpose"] = "assertionMethod", ["proofValue"] = "z3FXQ",
            },
        };
        var outcome = await SignedPost.SendAsync($"{reader.BaseUrl}/inbox", activity.ToJsonString(), ana);

        Assert.Equal(202, outcome.StatusCode); // signed by its actor: the HTTP signature stands alone
        var entry = (await reader.Get<IInboxStore>().FindAsync(activity["id"]!.GetValue<string>()))!;
        Assert.False(entry.ProofVerified);
        Assert.Equal($"{ana.Iri}#main-key", entry.SignerKeyId);
    }

    [Fact]
    public async Task A_proof_by_one_actor_never_makes_an_activity_another_actor_s()
    {
        await using var evil = await TestNode.StartAsync("evil");
        await using var victimNode = await TestNode.StartAsync("victim");
        await using var reader = await TestNode.StartAsync("reader");
        var mallory = await evil.AddPractitionerAsync("mallory", "Mallory");
        var victim = await victimNode.AddPractitionerAsync("victim", "Victim");
        var librarian = await reader.AddPractitionerAsync("librarian", "Librarian");
        using (await librarian.Api.PostAsJsonAsync("/api/v1/follows", new { target = victim.Handle })) { }
        await Eventually.TrueAsync(async () =>
            (await reader.Get<FollowStore>().FindFollowingAsync(librarian.Actor.Id, victim.Iri))?.State == FollowStates.Accepted, "the follow");

        // Mallory's activity names the victim as actor through a Link whose id is Mallory's own IRI, and carries
        // a valid proof by Mallory: the proof must not stand for the victim.
        var forged = new JsonObject
        {
            ["@context"] = "https://www.w3.org/ns/activitystreams",
            ["id"] = $"{mallory.Iri}/activities/{Guid.NewGuid():N}", ["type"] = "Delete",
            ["actor"] = new JsonObject { ["type"] = "Link", ["id"] = mallory.Iri, ["href"] = victim.Iri },
            ["object"] = victim.Iri,
        };
        var key = await evil.Get<ActorKeyStore>().CurrentAsync(mallory.Actor.Id);
        var signed = new ProofCreator(Camtree.Protocol.Signatures.Ed25519.BouncyCastleEd25519.Instance)
            .CreateProof(forged, $"{mallory.Iri}#{key.Fragment}", key.PrivateSeed(), DateTimeOffset.UtcNow);
        var outcome = await SignedPost.SendAsync($"{reader.BaseUrl}/inbox", signed.ToJsonString(), mallory);

        Assert.Equal(401, outcome.StatusCode);
        Assert.Equal(FollowStates.Accepted, (await reader.Get<FollowStore>().FindFollowingAsync(librarian.Actor.Id, victim.Iri))?.State);
    }

    [Fact]
    public async Task A_copy_cannot_claim_a_report_id_on_another_server_than_its_author_s()
    {
        await using var victimNode = await TestNode.StartAsync("victim");
        await using var evil = await TestNode.StartAsync("evil");
        await using var index = await TestNode.StartAsync("index");
        var mallory = await evil.AddPractitionerAsync("mallory", "Mallory");
        var indexer = await index.AddPractitionerAsync("indexer", "Indexer");
        var squat = ActivityJsonOf(new JsonObject
        {
            ["id"] = $"{victimNode.BaseUrl}/reports/{Guid.NewGuid():N}", ["type"] = "Article", ["attributedTo"] = mallory.Iri,
            ["name"] = "Squatting on the victim's report", ["to"] = "https://www.w3.org/ns/activitystreams#Public",
        });
        var key = await evil.Get<ActorKeyStore>().CurrentAsync(mallory.Actor.Id);
        var signed = new ProofCreator(Camtree.Protocol.Signatures.Ed25519.BouncyCastleEd25519.Instance)
            .CreateProof(squat, $"{mallory.Iri}#{key.Fragment}", key.PrivateSeed(), DateTimeOffset.UtcNow);
        await using var mirror = await MirrorServer.StartAsync(new() { ["/squat"] = signed.ToJsonString() });

        using var response = await indexer.Api.PostAsJsonAsync("/api/v1/library/copies", new { url = mirror.BaseUrl + "/squat" });
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not on its author's server", (await response.Content.ReadFromJsonAsync<JsonElement>()).Text("error"));
        Assert.Null(await index.Get<ReportStore>().FindByIriAsync(squat["id"]!.GetValue<string>()));
    }

    private static JsonObject ActivityJsonOf(JsonObject body)
    {
        var document = new JsonObject { ["@context"] = Camtree.Protocol.JsonLd.CamtreeContext.DocumentContext() };
        foreach (var (k, v) in body.ToList()) { body.Remove(k); document[k] = v; }
        return document;
    }

    [Fact]
    public async Task A_copy_from_a_mirror_is_verified_against_its_author_or_kept_flagged()
    {
        await using var origin = await TestNode.StartAsync("origin");
        await using var index = await TestNode.StartAsync("index");
        var ana = await origin.AddPractitionerAsync("ana", "Ana");
        var indexer = await index.AddPractitionerAsync("indexer", "Indexer");
        var genuine = await GetActivityPubAsync(origin, (await origin.Get<ReportService>().PublishAsync(ana.Actor, Draft("Mirrored faithfully"))).Iri);
        var other = await GetActivityPubAsync(origin, (await origin.Get<ReportService>().PublishAsync(ana.Actor, Draft("Mirrored and altered"))).Iri);
        var altered = (JsonObject)other.DeepClone();
        altered["findings"] = "Pupils explained nothing.";
        var alteredGenuine = (JsonObject)genuine.DeepClone();
        alteredGenuine["name"] = "Replaced by the mirror";

        // A mirror: a real HTTP server on loopback that re-serves copies under its own URLs.
        await using var mirror = await MirrorServer.StartAsync(new()
        {
            ["/copies/1"] = genuine.ToJsonString(), ["/copies/2"] = altered.ToJsonString(), ["/copies/3"] = alteredGenuine.ToJsonString(),
        });

        async Task<JsonElement> TakeAsync(string path)
        {
            using var response = await indexer.Api.PostAsJsonAsync("/api/v1/library/copies", new { url = mirror.BaseUrl + path });
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }

        var first = await TakeAsync("/copies/1");
        Assert.True(first.GetProperty("verified").GetBoolean());
        Assert.Equal($"{ana.Iri}#ed25519-key", first.Text("verifiedKeyId"));
        var second = await TakeAsync("/copies/2");
        Assert.False(second.GetProperty("verified").GetBoolean());
        Assert.True(second.GetProperty("stored").GetBoolean());
        Assert.Contains("does not hold", second.Text("reason"));
        var third = await TakeAsync("/copies/3");
        Assert.False(third.GetProperty("verified").GetBoolean());
        Assert.False(third.GetProperty("stored").GetBoolean()); // never replaces the verified copy

        var verified = (await index.Get<ReportStore>().FindByIriAsync(genuine["id"]!.GetValue<string>()))!;
        Assert.Equal("Mirrored faithfully", verified.Title);
        Assert.True(verified.ProofVerified);
        var verifiedPage = await index.Http.GetStringAsync($"/library/{verified.Id}");
        Assert.Contains("Signed by its author", verifiedPage);
        var flagged = (await index.Get<ReportStore>().FindByIriAsync(other["id"]!.GetValue<string>()))!;
        Assert.False(flagged.ProofVerified);
        Assert.Equal(mirror.BaseUrl + "/copies/2", flagged.CopiedFrom);
        var flaggedPage = await index.Http.GetStringAsync($"/library/{flagged.Id}");
        Assert.Contains("Unverified copy", flaggedPage);
    }

    /// <summary>A plain HTTP server on loopback serving fixed JSON documents: someone else's mirror.</summary>
    private sealed class MirrorServer : IAsyncDisposable
    {
        private readonly Microsoft.AspNetCore.Builder.WebApplication _app;
        private MirrorServer(Microsoft.AspNetCore.Builder.WebApplication app, string baseUrl) { _app = app; BaseUrl = baseUrl; }
        public string BaseUrl { get; }

        public static async Task<MirrorServer> StartAsync(Dictionary<string, string> documents)
        {
            var baseUrl = $"http://127.0.0.1:{TestNode.FreePort()}";
            var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
            Microsoft.AspNetCore.Hosting.HostingAbstractionsWebHostBuilderExtensions.UseUrls(builder.WebHost, baseUrl);
            var app = builder.Build();
            foreach (var (path, json) in documents)
                Microsoft.AspNetCore.Builder.EndpointRouteBuilderExtensions.MapGet(app, path, () =>
                    Microsoft.AspNetCore.Http.Results.Text(json, "application/activity+json"));
            await app.StartAsync();
            return new MirrorServer(app, baseUrl);
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
