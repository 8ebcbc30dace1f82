using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Camtree.Node;
using Camtree.Node.Federation;
using Camtree.Node.Library;
using Camtree.Node.Storage;
using Camtree.Protocol.Signatures.Ed25519;
using Camtree.Protocol.Signatures.Multikeys;
using Camtree.Protocol.Signatures.Proofs;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Camtree.Benchmarks;

/// <summary>
/// <c>backfill</c>: one node (B, a process) subscribes to another's library (A, a process) holding N signed reports,
/// and takes all of them through A's library collection, verifying every report's FEP-8b32 proof — timed from the
/// subscribe request to the subscription's <c>synced</c>. The baseline, measured in the same run on the same cores: the
/// Ed25519 verify rate (what a backfill cannot beat when it verifies every proof), and the rate of whole
/// <c>eddsa-jcs-2022</c> proof verifications of A's own documents (canonicalising and hashing too). A's data directory is
/// generated once per size and URL and kept (<c>--data</c>); B's is made fresh each run.
/// </summary>
public static class BackfillBenchmark
{
    public const string Command = "backfill";
    private const int Authors = 20;

    public static async Task<int> RunAsync(string[] args)
    {
        var reports = 100_000;
        string? data = null;
        var timeout = TimeSpan.FromMinutes(20);
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--reports": reports = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--data": data = args[++i]; break;
                case "--timeout-seconds": timeout = TimeSpan.FromSeconds(int.Parse(args[++i], CultureInfo.InvariantCulture)); break;
                default: Console.Error.WriteLine($"unknown option {args[i]}; usage: backfill [--reports N] [--data DIR] [--timeout-seconds N]"); return 2;
            }
        }
        data ??= Path.Combine(Path.GetTempPath(), "camtree-bench", $"backfill-{reports}");
        var origin = Path.Combine(data, "origin");
        var nodeDll = Path.Combine(AppContext.BaseDirectory, "Camtree.Node.dll");

        // A's URL is in every IRI it signed: the port is kept with the data and used again when it is free.
        var originUrl = File.Exists(Path.Combine(data, "url")) ? File.ReadAllText(Path.Combine(data, "url")).Trim() : null;
        if (originUrl is null || !PortIsFree(new Uri(originUrl).Port) || !File.Exists(Path.Combine(data, "complete")))
        {
            if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
            Directory.CreateDirectory(origin);
            originUrl = $"http://127.0.0.1:{ServerProcess.FreePort()}";
            await GenerateOriginAsync(originUrl, origin, reports);
            File.WriteAllText(Path.Combine(data, "url"), originUrl);
            File.WriteAllText(Path.Combine(data, "complete"), DateTimeOffset.UtcNow.ToString("O"));
        }
        var originDatabase = new SqliteDatabase(Path.Combine(origin, "camtree.db"));

        // The baseline: Ed25519 verification, raw and as whole proofs of A's documents, on every core.
        var (documents, resolver) = await SampleDocumentsAsync(originDatabase, originUrl, 2_000);
        var rawVerify = RawVerifyRate(Ed25519Choice.Best(), TimeSpan.FromSeconds(3));
        var proofVerify = await ProofVerifyRateAsync(documents, resolver, TimeSpan.FromSeconds(3));
        Log($"baseline on {Machine.Cores} cores: Ed25519 verify {rawVerify:N0}/s; eddsa-jcs-2022 proof verify of A's reports {proofVerify:N0}/s");

        var subscriber = Path.Combine(data, $"subscriber-{DateTime.UtcNow:HHmmss}");
        Directory.CreateDirectory(subscriber);
        var subscriberUrl = $"http://127.0.0.1:{ServerProcess.FreePort()}";
        var token = await PrepareSubscriberAsync(subscriberUrl, subscriber);

        await using var a = await StartNodeAsync("origin A", nodeDll, originUrl, origin);
        await using var b = await StartNodeAsync("subscriber B", nodeDll, subscriberUrl, subscriber);
        using var api = new HttpClient { BaseAddress = new Uri(subscriberUrl), Timeout = TimeSpan.FromSeconds(30) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var cpuA = a.CpuTime();
        var cpuB = b.CpuTime();
        var clock = Stopwatch.StartNew();
        using (var subscribed = await api.PostAsJsonAsync("/api/v1/admin/libraries", new { library = $"{originUrl}/users/library" }))
            if ((int)subscribed.StatusCode != 202)
                throw new InvalidOperationException($"subscribe answered {(int)subscribed.StatusCode}: {await subscribed.Content.ReadAsStringAsync()}");
        string state = "?";
        long records = 0;
        var lastLog = TimeSpan.Zero;
        while (clock.Elapsed < timeout)
        {
            // Once a second: the API's rate limit (per token) is the node's to enforce, not this loop's to trip.
            await Task.Delay(1_000);
            using var answer = await api.GetAsync("/api/v1/admin/libraries");
            if (!answer.IsSuccessStatusCode) continue;
            using var listing = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
            var subscription = listing.RootElement.EnumerateArray().First();
            state = subscription.GetProperty("state").GetString() ?? "?";
            records = subscription.GetProperty("records").GetInt64();
            if (state is "synced" or "failed") break;
            if (clock.Elapsed - lastLog > TimeSpan.FromSeconds(10))
            {
                lastLog = clock.Elapsed;
                Log($"  {state}: {records:N0} records after {clock.Elapsed.TotalSeconds:N0} s");
            }
        }
        var elapsed = clock.Elapsed;
        var cpuUsedA = a.CpuTime() - cpuA;
        var cpuUsedB = b.CpuTime() - cpuB;
        if (state != "synced")
        {
            Console.Error.WriteLine($"the subscription ended {state} with {records:N0} records after {elapsed.TotalSeconds:N0} s\n{b.RecentOutput()}");
            return 1;
        }

        var subscriberDatabase = new SqliteDatabase(Path.Combine(subscriber, "camtree.db"));
        await using var connection = await subscriberDatabase.OpenAsync();
        var verified = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM reports WHERE local_slug IS NULL AND proof_verified = 1");
        var searchable = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM search_facets");
        var size = new DirectoryInfo(subscriber).EnumerateFiles("camtree.db*").Sum(f => f.Length);
        var rate = records / elapsed.TotalSeconds;
        var (peakB, _) = b.PeakMemory();
        var (peakA, _) = a.PeakMemory();

        Console.WriteLine();
        Console.WriteLine($"== Camtree backfill benchmark: {reports:N0} signed reports, A and B on the same {Machine.Cores} cores ==");
        Console.WriteLine($"backfill: {records:N0} records in {elapsed.TotalSeconds:N1} s = {rate:N0} reports/s; {verified:N0} with a verified proof, {searchable:N0} searchable");
        Console.WriteLine($"baseline: Ed25519 verify {rawVerify:N0}/s, whole proof verify {proofVerify:N0}/s (all cores, this process)");
        Console.WriteLine($"ratio: backfill / Ed25519 verify = {rate / rawVerify:N3}; backfill / proof verify = {rate / proofVerify:N3}");
        Console.WriteLine($"CPU: A {cpuUsedA.TotalSeconds:N1} s, B {cpuUsedB.TotalSeconds:N1} s of {elapsed.TotalSeconds * Machine.Cores:N1} core-seconds");
        Console.WriteLine($"B's database after: {size / 1024.0 / 1024:N0} MiB ({size / Math.Max(records, 1):N0} bytes per report, with its search index); " +
                          $"peak memory (VmHWM): B {peakB:N0} MiB, A {peakA:N0} MiB");
        Directory.Delete(subscriber, recursive: true);
        return 0;
    }

    /// <summary>A's data directory: <see cref="Authors"/> practitioners and <paramref name="reports"/> signed reports from the search benchmark's corpus.</summary>
    private static async Task GenerateOriginAsync(string url, string directory, int reports)
    {
        var clock = Stopwatch.StartNew();
        var app = NodeApp.Build([], Settings(url, directory));
        try
        {
            await NodeApp.InitializeAsync(app.Services);
            var practitioners = app.Services.GetRequiredService<PractitionerService>();
            var proofs = app.Services.GetRequiredService<ObjectProofs>();
            var store = app.Services.GetRequiredService<ReportStore>();
            var uris = app.Services.GetRequiredService<LocalUris>();
            var authors = new List<LocalActor>();
            for (var i = 0; i < Authors; i++) authors.Add(await practitioners.CreatePractitionerAsync($"teacher{i}", $"Teacher {i}"));
            var corpus = new Corpus(seed: 1202);
            const int batch = 2_000;
            for (var start = 0; start < reports; start += batch)
            {
                var rows = new ReportRow[Math.Min(batch, reports - start)];
                await Parallel.ForAsync(0, rows.Length, async (k, _) =>
                {
                    var i = start + k;
                    var r = corpus.Report(i);
                    var author = authors[i % Authors];
                    var slug = $"r{i:D7}";
                    var row = new ReportRow
                    {
                        Iri = uris.Report(slug), LocalSlug = slug, LocalAuthorId = author.Id, AuthorIri = uris.Actor(author.Username),
                        AuthorName = author.DisplayName, Title = r.Title, SummaryHtml = $"<p>{r.Findings}</p>", ContentHtml = $"<p>{r.Body}</p>",
                        ContentMarkdown = r.Body, Language = r.Language, Methodology = r.Methodology, EducationalLevel = r.Level, SubjectArea = r.Subject,
                        Country = r.Country, ResearchContext = r.Context, Aims = r.Aims, Methods = r.Methods, Findings = r.Findings,
                        License = "https://creativecommons.org/licenses/by/4.0/", Themes = string.Join(' ', r.Themes), Url = uris.Report(slug),
                        PublishedAt = r.Published, ReceivedAt = r.Published,
                    };
                    var signed = await proofs.ReportAsync(row, author);
                    rows[k] = row with { SignedJson = signed.ToJsonString(Camtree.Protocol.JsonLd.ActivityJson.Options) };
                });
                await store.InsertManyAsync(rows);
                if ((start / batch) % 10 == 9) Log($"  generated {start + batch:N0} signed reports ({(start + batch) / clock.Elapsed.TotalSeconds:N0}/s)");
            }
        }
        finally
        {
            await app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
        Log($"generated A: {reports:N0} signed reports in {clock.Elapsed.TotalSeconds:N0} s");
    }

    /// <summary>B's data directory, with an operator token.</summary>
    private static async Task<string> PrepareSubscriberAsync(string url, string directory)
    {
        var app = NodeApp.Build([], Settings(url, directory));
        try
        {
            await NodeApp.InitializeAsync(app.Services);
            var actors = app.Services.GetRequiredService<ActorStore>();
            var library = await actors.FindByUsernameAsync(LocalUris.LibraryUsername) ?? throw new InvalidOperationException("no library actor");
            return await app.Services.GetRequiredService<TokenStore>().IssueAsync(library.Id, "benchmark", isOperator: true);
        }
        finally
        {
            await app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
    }

    private static Dictionary<string, string?> Settings(string url, string directory) => new()
    {
        ["Camtree:PublicUrl"] = url,
        ["Camtree:DataDirectory"] = directory,
        ["Camtree:SeedDemo"] = "false",
        ["Camtree:AllowPrivateNetworks"] = "true",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    private static Task<ServerProcess> StartNodeAsync(string name, string nodeDll, string url, string directory) =>
        ServerProcess.StartAsync(name, nodeDll,
        [
            "--urls", url, $"--Camtree:PublicUrl={url}", $"--Camtree:DataDirectory={directory}", "--Camtree:SeedDemo=false",
            "--Camtree:AllowPrivateNetworks=true", "--Logging:LogLevel:Default=Warning",
        ], url + "/nodeinfo/2.1");

    /// <summary>Signed documents of A and a resolver holding its authors' keys, for the baseline.</summary>
    private static async Task<(List<string> Documents, IProofKeyResolver Resolver)> SampleDocumentsAsync(Database database, string url, int count)
    {
        await using var connection = await database.OpenAsync();
        var documents = (await connection.QueryAsync<string>("SELECT signed_json FROM reports WHERE signed_json IS NOT NULL LIMIT @count", new { count })).ToList();
        var keys = (await connection.QueryAsync<(string Username, string Fragment, string PublicKey)>("""
            SELECT a.username, k.fragment, k.public_key_multibase FROM local_actor_keys k JOIN local_actors a ON a.id = k.local_actor_id WHERE k.retired_at IS NULL
            """)).ToDictionary(k => $"{url}/users/{k.Username}#{k.Fragment}", k => new ResolvedMultikey($"{url}/users/{k.Username}#{k.Fragment}", $"{url}/users/{k.Username}", k.PublicKey));
        return (documents, new KnownKeys(keys));
    }

    private sealed class KnownKeys(Dictionary<string, ResolvedMultikey> keys) : IProofKeyResolver
    {
        public Task<ResolvedMultikey?> ResolveMultikeyAsync(string verificationMethodId, bool refresh, CancellationToken cancellationToken) =>
            Task.FromResult(keys.GetValueOrDefault(verificationMethodId));
    }

    /// <summary>Ed25519 verifications per second, one thread per core, for <paramref name="duration"/>.</summary>
    public static double RawVerifyRate(IEd25519 ed25519, TimeSpan duration)
    {
        var pair = ed25519.GenerateKeyPair();
        var message = new byte[64];
        Random.Shared.NextBytes(message);
        var signature = ed25519.Sign(pair.PrivateSeed, message);
        long total = 0;
        var clock = Stopwatch.StartNew();
        Parallel.For(0, Machine.Cores, _ =>
        {
            long n = 0;
            while (clock.Elapsed < duration)
            {
                if (!ed25519.Verify(pair.PublicKey, message, signature)) throw new InvalidOperationException("a valid signature did not verify");
                n++;
            }
            Interlocked.Add(ref total, n);
        });
        return total / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Whole proof verifications per second (parse, canonicalise, hash, verify) of A's documents, on every core.</summary>
    private static async Task<double> ProofVerifyRateAsync(List<string> documents, IProofKeyResolver resolver, TimeSpan duration)
    {
        var verifier = new ProofVerifier(resolver, Ed25519Choice.Best(), TimeProvider.System);
        long total = 0;
        var clock = Stopwatch.StartNew();
        await Parallel.ForAsync(0, Machine.Cores, async (worker, _) =>
        {
            long n = 0;
            var i = worker;
            while (clock.Elapsed < duration)
            {
                var document = JsonNode.Parse(documents[i++ % documents.Count])!.AsObject();
                if (!(await verifier.VerifyProofAsync(document)).IsValid) throw new InvalidOperationException("a proof of A's did not verify");
                n++;
            }
            Interlocked.Add(ref total, n);
        });
        return total / clock.Elapsed.TotalSeconds;
    }

    private static bool PortIsFree(int port)
    {
        try
        {
            using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (System.Net.Sockets.SocketException) { return false; }
    }

    private static void Log(string message) => Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {message}");
}
