using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Camtree.Benchmarks;
using Camtree.Node.Storage;
using Camtree.Protocol.Signatures;
using Dapper;

// Camtree benchmark: a load driver, not a test. See Options.Usage and docs/benchmarks.md.
//   dotnet run -c Release --project Camtree.Benchmarks -- [--seconds 10] [--concurrency 32] [--followers 10000] [--inboxes 500]
// Everything runs on 127.0.0.1; every loop is bounded in time and count; it stops by itself.

if (args is [RawServer.Command, var rawUrl]) return await RawServer.RunAsync(rawUrl);
if (args is [SearchBenchmark.Command, ..]) return await SearchBenchmark.RunAsync(args[1..]);
if (args is [BackfillBenchmark.Command, ..]) return await BackfillBenchmark.RunAsync(args[1..]);
if (args is [ProofBenchmark.Command, ..]) return await ProofBenchmark.RunAsync(args[1..]);
if (args is [PagesBenchmark.Command, ..]) return await PagesBenchmark.RunAsync(args[1..]);
if (args is [Ed25519Benchmark.Command, ..]) return Ed25519Benchmark.Run(args[1..]);

Options options;
try
{
    if (Options.Parse(args) is not { } parsed)
    {
        Console.WriteLine(Options.Usage);
        return 0;
    }
    options = parsed;
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(Options.Usage);
    return 2;
}

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var report = new Report();
var runId = Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();
var nodeDll = Path.Combine(AppContext.BaseDirectory, "Camtree.Node.dll");
var selfDll = typeof(Options).Assembly.Location;
var nodeServerGc = FanOut.NodeUsesServerGc(nodeDll);
var scratch = Path.Combine(Path.GetTempPath(), "camtree-bench", runId);
var configuration = typeof(Camtree.Node.NodeApp).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "?";
var loadBefore = Machine.LoadAverage();
var started = DateTimeOffset.UtcNow;
var total = Stopwatch.StartNew();

Log($"Camtree benchmark {runId}: {Machine.Cores} × {Machine.CpuModel()}, {Machine.MemoryTotal()}, {RuntimeInformation.OSDescription}, .NET {Environment.Version}");
Log($"node build: {configuration}; node GC: {(nodeServerGc is null ? "?" : nodeServerGc.Value ? "server" : "workstation")}; load average before: {loadBefore}");
if (!string.Equals(configuration, "Release", StringComparison.OrdinalIgnoreCase))
    Log("WARNING: not a Release build; figures are not comparable (use -c Release)");

// RSA-2048 on one core: what bounds signing (fan-out) and verifying (inbox).
if (options.WaitQuietSeconds > 0) await CpuShare.WaitForQuietAsync(Seconds(options.WaitQuietSeconds), null);
var (signPerSecond, verifyPerSecond) = MeasureRsa();
Log($"RSA-2048 (PKCS#1 v1.5, SHA-256) on one core: sign {signPerSecond:N0}/s, verify {verifyPerSecond:N0}/s");

var maxHosts = options.SkipFanOut ? 1 : options.FanOutHosts.Max();
await using var peer = await Peer.StartAsync(maxHosts);
Log($"peer (sending actor + fan-out inboxes) on {peer.BaseUrls.Count} port(s) of 127.0.0.1, sender {peer.Sender.Iri}");

try
{
    // 1. The baseline: an empty Kestrel POST endpoint in its own process, the same signed payloads, client and concurrency.
    LoadResult raw;
    {
        var url = $"http://127.0.0.1:{ServerProcess.FreePort()}";
        var environment = nodeServerGc == true ? new Dictionary<string, string> { ["DOTNET_gcServer"] = "1" } : null;
        await using var server = await ServerProcess.StartAsync("raw Kestrel", selfDll, [RawServer.Command, url], url + "/ready", environment);
        var posts = new InboxPosts(peer.Sender, new Uri(url + "/inbox"), $"{runId}-raw");
        var pool = posts.SignMany(0, 2_000);
        Log($"raw baseline: POST {url}/inbox, {pool[0].Body.Length:N0}-byte signed Create, {options.Concurrency} workers");
        using var client = LoadGenerator.NewClient(options.Concurrency);
        await QuietAsync("the raw baseline", server.Process);
        HttpRequestMessage Request(long i) => posts.ToRequest(pool[i % pool.Length]);
        var warm = await LoadGenerator.RunAsync(client, options.Concurrency, Seconds(options.WarmupSeconds), long.MaxValue, Request, HttpStatusCode.Accepted, server.Process);
        Log($"  warm-up: {warm.Describe()}");
        raw = await LoadGenerator.RunAsync(client, options.Concurrency, Seconds(options.Seconds), long.MaxValue, Request, HttpStatusCode.Accepted, server.Process);
        Log($"  timed:   {raw.Describe()}");
        var memory = server.PeakMemory();
        report.Raw = raw;
        report.RawMemory = memory;
        report.PayloadBytes = pool[0].Body.Length;
    }

    // 2. Inbox throughput: the node as a process, signed Creates from the peer's actor, each with a unique id.
    if (!options.SkipInbox)
        await InboxPhaseAsync();

    // 2b. The same on PostgreSQL: two node processes on one database, the load spread over both.
    if (!options.SkipInbox && options.Postgres is not null)
        await PostgresInboxPhaseAsync(options.Postgres);

    // 3. Fan-out: a prepared node publishes one report to N followers behind M shared inboxes.
    if (!options.SkipFanOut)
        await FanOutPhaseAsync();
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    if (!options.KeepData)
    {
        try { Directory.Delete(scratch, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
    else Log($"data kept in {scratch}");
}

report.Print(options, signPerSecond, verifyPerSecond, started, loadBefore, Machine.LoadAverage(), total.Elapsed, nodeServerGc, args);
return 0;

async Task InboxPhaseAsync()
{
    var dataDirectory = Path.Combine(scratch, "inbox-node");
    var url = $"http://127.0.0.1:{ServerProcess.FreePort()}";
    await using var node = await StartNodeAsync("node (inbox)", url, dataDirectory);
    var database = new SqliteDatabase(Path.Combine(dataDirectory, "camtree.db"));
    var inbox = new Uri(url + "/inbox");
    using var client = LoadGenerator.NewClient(options.Concurrency);
    Log($"inbox: POST {inbox} (shared inbox), signed Create(Article) from {peer.Sender.Iri}, {options.Concurrency} workers");

    // Warm-up 1, signing in the driver per request (the node fetches the sender's key on the first one): shows what
    // signing in the load generator would cost, on the same cores.
    var warmPosts = new InboxPosts(peer.Sender, inbox, $"{runId}-w");
    LoadResult warm;
    using (var keys = new ThreadLocal<SigningKey>(peer.Sender.NewSigningKey, trackAllValues: true))
    {
        warm = await LoadGenerator.RunAsync(client, options.Concurrency, Seconds(options.WarmupSeconds), int.MaxValue,
            i => warmPosts.ToRequest(warmPosts.Sign((int)i, keys.Value!, DateTimeOffset.UtcNow)), HttpStatusCode.Accepted, node.Process);
        foreach (var key in keys.Values) key.Dispose();
    }
    Log($"  warm-up 1 (signing per request in the driver): {warm.Describe()}");
    report.InboxSigningInWindow = warm;
    if (warm.Accepted == 0)
    {
        Log($"  the node accepted nothing; its output:\n{node.RecentOutput()}");
        report.InboxError = $"warm-up accepted nothing: {warm.FirstError}";
        return;
    }

    // Warm-up 2, pre-signed as the timed window will be: the rate that sizes the timed window's requests.
    var probePosts = new InboxPosts(peer.Sender, inbox, $"{runId}-p");
    var probePool = probePosts.SignMany(0, 4_000);
    await WaitForInboxWorkerAsync(database, TimeSpan.FromSeconds(120));
    var probe = await LoadGenerator.RunAsync(client, options.Concurrency, Seconds(options.WarmupSeconds), probePool.Length,
        i => probePosts.ToRequest(probePool[i]), HttpStatusCode.Accepted, node.Process);
    Log($"  warm-up 2 (pre-signed): {probe.Describe(noteRunningOut: false)}");

    // Sign the timed window's requests up front, so that signing is not in it: 3× what the warm-up rate needs.
    // (At least 2,000 a second: the node's rate swings widely from one window to the next, see docs/benchmarks.md.)
    var count = (int)Math.Clamp(Math.Max(Math.Max(probe.RatePerSecond, warm.RatePerSecond) * 3, 2_000) * options.Seconds, 2_000, 200_000);
    var posts = new InboxPosts(peer.Sender, inbox, $"{runId}-m");
    var signing = Stopwatch.StartNew();
    var pool = posts.SignMany(0, count);
    Log($"  pre-signed {count:N0} requests in {signing.Elapsed.TotalSeconds:0.0} s on {Machine.Cores} cores ({count / signing.Elapsed.TotalSeconds:N0}/s)");

    // Start from an idle node: the inbox worker has applied what the warm-up recorded.
    var idle = await WaitForInboxWorkerAsync(database, TimeSpan.FromSeconds(120));
    Log($"  inbox worker idle after warm-up: {idle}");

    await QuietAsync("the timed inbox window", node.Process);
    var result = await LoadGenerator.RunAsync(client, options.Concurrency, Seconds(options.Seconds), pool.Length,
        i => posts.ToRequest(pool[i]), HttpStatusCode.Accepted, node.Process);
    Log($"  timed (pre-signed):   {result.Describe()}");
    report.Inbox = result;

    // Durable: every 202 is a row in the inbox table (it was committed before the answer).
    await using (var connection = await database.OpenAsync())
    {
        var prefix = posts.ActivityId(0)[..^9];
        report.InboxRows = await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM inbox WHERE activity_iri >= @from AND activity_iri < @to", new { from = prefix, to = prefix + ":" });
        report.InboxBacklogAtEnd = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM inbox WHERE processed_at IS NULL");
    }
    var drain = Stopwatch.StartNew();
    var drained = await WaitForInboxWorkerAsync(database, TimeSpan.FromSeconds(120));
    report.InboxDrain = drained ? drain.Elapsed : null;
    Log($"  {report.InboxRows:N0} rows recorded for {result.Accepted:N0} accepted; inbox worker backlog at the end {report.InboxBacklogAtEnd:N0}, " +
        (drained ? $"drained {drain.Elapsed.TotalSeconds:0.0} s later" : "NOT drained within 120 s"));
    report.InboxMemory = node.PeakMemory();
    Log($"  node memory: VmHWM {report.InboxMemory.Value.HighWaterMiB:N0} MiB, largest sampled VmRSS {report.InboxMemory.Value.MaxSampledRssMiB:N0} MiB");
}

async Task PostgresInboxPhaseAsync(string connectionString)
{
    var dataDirectory = Path.Combine(scratch, "inbox-postgres");
    string[] urls = [$"http://127.0.0.1:{ServerProcess.FreePort()}", $"http://127.0.0.1:{ServerProcess.FreePort()}"];
    // Both processes are one node: one public URL (the first's), one database. The load goes to each directly.
    string[] postgres = ["--Camtree:Storage:Provider=Postgres", $"--Camtree:Storage:ConnectionString={connectionString}"];
    await using var first = await StartNodeAsync("node A (PostgreSQL)", urls[0], dataDirectory, [.. postgres, $"--Camtree:PublicUrl={urls[0]}"]);
    await using var second = await StartNodeAsync("node B (PostgreSQL)", urls[1], dataDirectory, [.. postgres, $"--Camtree:PublicUrl={urls[0]}"]);
    await using var database = new Camtree.Node.Storage.Postgres.PostgresDatabase(connectionString);
    using var client = LoadGenerator.NewClient(options.Concurrency);
    Log($"inbox on PostgreSQL: POST {urls[0]}/inbox and {urls[1]}/inbox in turn, {options.Concurrency} workers");

    // Signed for the process each goes to (the signature covers the host).
    var posts = urls.Select((url, n) => new InboxPosts(peer.Sender, new Uri(url + "/inbox"), $"{runId}-pg{n}")).ToArray();
    var warmPool = posts.Select(p => p.SignMany(0, 2_000)).ToArray();
    var warm = await LoadGenerator.RunAsync(client, options.Concurrency, Seconds(options.WarmupSeconds), 4_000,
        i => posts[i % 2].ToRequest(warmPool[i % 2][i / 2]), HttpStatusCode.Accepted, first.Process);
    Log($"  warm-up (pre-signed): {warm.Describe(noteRunningOut: false)}");
    if (warm.Accepted == 0)
    {
        report.PostgresInboxError = $"warm-up accepted nothing: {warm.FirstError}; node A: {first.RecentOutput()}";
        return;
    }
    var count = (int)Math.Clamp(Math.Max(warm.RatePerSecond * 3, 2_000) * options.Seconds, 2_000, 200_000) / 2 * 2;
    var pools = posts.Select(p => p.SignMany(2_000, count / 2)).ToArray();
    await WaitForInboxWorkerAsync(database, TimeSpan.FromSeconds(120));
    await QuietAsync("the timed PostgreSQL inbox window", first.Process);
    var result = await LoadGenerator.RunAsync(client, options.Concurrency, Seconds(options.Seconds), count,
        i => posts[i % 2].ToRequest(pools[i % 2][i / 2]), HttpStatusCode.Accepted, first.Process);
    Log($"  timed (pre-signed):   {result.Describe()}");
    report.PostgresInbox = result;
    await using (var connection = await database.OpenAsync())
    {
        report.PostgresInboxRows = await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM inbox WHERE activity_iri LIKE @pattern", new { pattern = $"%/activities/{runId}-pg%" });
        report.PostgresInboxBacklogAtEnd = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM inbox WHERE processed_at IS NULL");
    }
    Log($"  {report.PostgresInboxRows:N0} rows recorded in all (warm-up included); backlog at the end {report.PostgresInboxBacklogAtEnd:N0}");
}

async Task FanOutPhaseAsync()
{
    var dataDirectory = Path.Combine(scratch, "fanout-node");
    var url = $"http://127.0.0.1:{ServerProcess.FreePort()}";
    var layouts = options.FanOutHosts.Select((hosts, i) => FanOutLayout.Create(i, hosts, options.Inboxes, peer.BaseUrls)).ToList();
    // A small fan-out first (its own author, a few inboxes), so that the timed ones run on a warmed-up node.
    var warmLayout = FanOutLayout.Create(layouts.Count, 1, Math.Min(20, options.Inboxes), peer.BaseUrls);
    var preparing = Stopwatch.StartNew();
    var authors = await FanOut.PrepareAsync(url, dataDirectory,
        [(warmLayout, warmLayout.InboxUrls.Count), .. layouts.Select(l => (l, options.Followers))]);
    Log($"fan-out: prepared {layouts.Count} author(s) × {options.Followers:N0} followers in {preparing.Elapsed.TotalSeconds:0.0} s");

    await using var node = await StartNodeAsync("node (fan-out)", url, dataDirectory);
    var database = new SqliteDatabase(Path.Combine(dataDirectory, "camtree.db"));
    var warm = await FanOut.RunAsync(url, database, authors[0], peer.Sink, node, TimeSpan.FromMinutes(1));
    Log($"  warm-up, {warmLayout.Label}: " + (warm.AllArrived is { } w ? $"{w.TotalSeconds:0.00} s" : $"FAILED: {warm.Error}"));
    authors = authors.Skip(1).ToList();
    foreach (var author in authors)
    {
        await QuietAsync($"the fan-out to {author.Layout.Label}", node.Process);
        var result = await FanOut.RunAsync(url, database, author, peer.Sink, node, TimeSpan.FromMinutes(3));
        report.FanOuts.Add(result);
        Log($"  {author.Layout.Label}: " + (result.AllArrived is { } t
            ? $"all inboxes in {t.TotalSeconds:0.00} s = {result.DeliveriesPerSecond:N0} deliveries/s ({result.FollowersPerSecond:N0} followers reached/s)"
            : $"FAILED: {result.Error}"));
        Log($"    publish answered in {result.PublishResponse.TotalMilliseconds:N0} ms; first inbox at {result.FirstArrival.TotalMilliseconds:N0} ms, " +
            $"half at {result.HalfArrived.TotalSeconds:0.00} s; repeats {result.Repeats}; node rows {string.Join(", ", result.NodeStates.Select(s => $"{s.Key} {s.Value}"))}" +
            (result.NodeSpan is { } span ? $", first row created → last delivered {span.TotalSeconds:0.00} s" : "") + $"; {result.Cpu}");

        var workers = options.ReferenceParallelismFor(author.Layout.Hosts);
        var reference = await FanOut.ReferenceAsync(author.Layout, peer.Sender, peer.Sink, workers);
        report.FanOutReferences.Add((workers, reference));
        Log($"    reference, the driver signing + POSTing the same {author.Layout.InboxUrls.Count:N0} deliveries with {workers} workers: {reference.Describe(noteRunningOut: false)}");
    }
    report.FanOutMemory = node.PeakMemory();
    Log($"  node memory: VmHWM {report.FanOutMemory.Value.HighWaterMiB:N0} MiB, largest sampled VmRSS {report.FanOutMemory.Value.MaxSampledRssMiB:N0} MiB");
}

async Task<ServerProcess> StartNodeAsync(string name, string url, string dataDirectory, string[]? more = null) =>
    await ServerProcess.StartAsync(name, nodeDll,
    [
        "--urls", url, $"--Camtree:PublicUrl={url}", $"--Camtree:DataDirectory={dataDirectory}", "--Camtree:SeedDemo=false",
        "--Camtree:AllowPrivateNetworks=true", "--Camtree:NodeName=Benchmark node", "--Logging:LogLevel:Default=Warning",
        // The load driver is one sending host on one address: the per-host inbox limit would measure itself.
        "--Camtree:Limits:InboxBurstPerHost=1000000", "--Camtree:Limits:InboxPerSecondPerHost=1000000",
        // Later settings win (a second process's public URL is the first's).
        .. more ?? [],
    ], url + "/nodeinfo/2.1");

async Task QuietAsync(string what, Process server)
{
    if (options.WaitQuietSeconds <= 0) return;
    var clock = Stopwatch.StartNew();
    var others = await CpuShare.WaitForQuietAsync(Seconds(options.WaitQuietSeconds), server);
    Log(others < 0.10
        ? $"  machine quiet for {what} (others {others:P0}) after {clock.Elapsed.TotalSeconds:0} s"
        : $"  WARNING: machine still busy before {what} after {clock.Elapsed.TotalSeconds:0} s: others use {others:P0} of the cores");
}

static async Task<bool> WaitForInboxWorkerAsync(Database database, TimeSpan bound)
{
    var clock = Stopwatch.StartNew();
    while (clock.Elapsed < bound)
    {
        await using (var connection = await database.OpenAsync())
        {
            if (await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM inbox WHERE processed_at IS NULL AND attempts = 0") == 0) return true;
        }
        await Task.Delay(100);
    }
    return false;
}

static (double Sign, double Verify) MeasureRsa()
{
    using var rsa = RSA.Create(2048);
    var data = Encoding.UTF8.GetBytes("(request-target): post /inbox\nhost: 127.0.0.1:5080\ndate: Tue, 07 Jun 2014 20:51:35 GMT\ndigest: SHA-256=x\ncontent-type: application/activity+json");
    var signature = rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    static double Rate(Action action)
    {
        for (var i = 0; i < 50; i++) action();
        var clock = Stopwatch.StartNew();
        var n = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(1)) { action(); n++; }
        return n / clock.Elapsed.TotalSeconds;
    }
    return (Rate(() => rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)),
        Rate(() => rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)));
}

static TimeSpan Seconds(int seconds) => TimeSpan.FromSeconds(seconds);

static void Log(string line) => Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}");
