using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Camtree.Protocol.JsonLd;
using Camtree.Protocol.Signatures.Ed25519;
using Camtree.Protocol.Signatures.Multikeys;
using Camtree.Protocol.Signatures.Proofs;

namespace Camtree.Benchmarks;

/// <summary>
/// <c>proofs</c>: where the time of an FEP-8b32 proof goes, on one core, for a report-sized document: the Ed25519
/// operations alone, canonicalising (RFC 8785), hashing, and whole proof creation and verification.
/// A document can be given (<c>--document FILE</c>, e.g. a report's signed JSON); else a generated one is used.
/// </summary>
public static class ProofBenchmark
{
    public const string Command = "proofs";

    public static async Task<int> RunAsync(string[] args)
    {
        var json = args is ["--document", var file] ? File.ReadAllText(file) : SampleDocument();
        var ed25519 = Ed25519Choice.Best(); // what the node uses
        var pair = ed25519.GenerateKeyPair();
        var keyId = "https://bench.example/users/teacher#ed25519-key";
        var unsigned = JsonNode.Parse(json)!.AsObject();
        unsigned.Remove("proof");
        var signed = new ProofCreator(ed25519).CreateProof(unsigned, keyId, pair.PrivateSeed, DateTimeOffset.UtcNow);
        var signedText = signed.ToJsonString();
        var resolver = new OneKey(new ResolvedMultikey(keyId, "https://bench.example/users/teacher", Ed25519Multikey.EncodePublicKey(pair.PublicKey)));
        var verifier = new ProofVerifier(resolver, ed25519, TimeProvider.System);
        var message = SHA256.HashData(Encoding.UTF8.GetBytes(signedText));
        var signature = ed25519.Sign(pair.PrivateSeed, message);

        Console.WriteLine($"== Camtree proof benchmark: one core, a {Encoding.UTF8.GetByteCount(signedText):N0}-byte signed document ==");
        Row($"Ed25519 sign ({ed25519.GetType().Name})", Rate(() => ed25519.Sign(pair.PrivateSeed, message)));
        Row($"Ed25519 verify ({ed25519.GetType().Name})", Rate(() => ed25519.Verify(pair.PublicKey, message, signature)));
        Row("parse the document (JsonNode)", Rate(() => JsonNode.Parse(signedText)));
        Row("canonicalise (RFC 8785)", Rate(() => JsonCanonicalizer.Canonicalize(signed)));
        using var parsed = System.Text.Json.JsonDocument.Parse(signedText);
        Row("  of a parsed JsonElement", Rate(() => JsonCanonicalizer.Canonicalize(parsed.RootElement)));
        Row("  serialising the JsonNode", Rate(() => System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(signed)));
        Row("SHA-256 of the document", Rate(() => SHA256.HashData(Encoding.UTF8.GetBytes(signedText))));
        Row("create a proof (eddsa-jcs-2022)", Rate(() => new ProofCreator(ed25519).CreateProof(unsigned, keyId, pair.PrivateSeed, DateTimeOffset.UtcNow)));
        Row("verify a proof, parsed document", await RateAsync(async () => await verifier.VerifyProofAsync(signed)));
        Row("parse and verify a proof", await RateAsync(async () => await verifier.VerifyProofAsync(JsonNode.Parse(signedText)!.AsObject())));
        // What else a received report costs before it is stored: its HTML made safe, and its text for search.
        var content = signed["content"]?.GetValue<string>() ?? "";
        var summary = signed["summary"]?.GetValue<string>() ?? "";
        Row("sanitise content (HtmlSanitizer)", Rate(() => Camtree.Node.Library.ContentSanitizer.Sanitize(content)));
        Row("sanitise summary (HtmlSanitizer)", Rate(() => Camtree.Node.Library.ContentSanitizer.Sanitize(summary)));
        Row("plain text of content (AngleSharp)", Rate(() => Camtree.Node.Storage.SearchText.Plain(content)));
        return 0;
    }

    private static void Row(string what, double perSecond) => Console.WriteLine($"{what,-36}{perSecond,12:N0}/s{1_000_000 / perSecond,10:N1} µs");

    private static double Rate(Action action)
    {
        for (var i = 0; i < 20; i++) action();
        var clock = Stopwatch.StartNew();
        var n = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(1)) { action(); n++; }
        return n / clock.Elapsed.TotalSeconds;
    }

    private static async Task<double> RateAsync(Func<Task> action)
    {
        for (var i = 0; i < 20; i++) await action();
        var clock = Stopwatch.StartNew();
        var n = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(1)) { await action(); n++; }
        return n / clock.Elapsed.TotalSeconds;
    }

    private static string SampleDocument()
    {
        var r = new Corpus(seed: 1202).Report(0);
        return new JsonObject
        {
            ["@context"] = new JsonArray("https://www.w3.org/ns/activitystreams", "https://w3id.org/security/data-integrity/v2"),
            ["id"] = "https://bench.example/reports/r0", ["type"] = "Article", ["attributedTo"] = "https://bench.example/users/teacher",
            ["name"] = r.Title, ["summary"] = $"<p>{r.Findings}</p>", ["content"] = $"<p>{r.Body}</p>", ["published"] = r.Published.ToString("O"),
        }.ToJsonString();
    }

    private sealed class OneKey(ResolvedMultikey key) : IProofKeyResolver
    {
        public Task<ResolvedMultikey?> ResolveMultikeyAsync(string verificationMethodId, bool refresh, CancellationToken cancellationToken) =>
            Task.FromResult(verificationMethodId == key.Id ? key : null);
    }
}
