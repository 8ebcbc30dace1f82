using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Camtree.Node.Storage;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Camtree.Benchmarks;

/// <summary>
/// How fast the practitioner app's pages render with a big library: a node process over a generated library of
/// 100,000 reports (local and from five other nodes, four languages, with real abstracts and bodies), a signed-in
/// reader who follows three authors and one library, and requests one after another to the home feed, search, a
/// report's page and the library's front page — each timed against a static response of the same Kestrel (the
/// stylesheet) measured in the same run, interleaved, so the ratio holds on any machine.
/// </summary>
public static class PagesBenchmark
{
    public const string Command = "pages";

    public static async Task<int> RunAsync(string[] args)
    {
        var reports = 100_000;
        var requests = 400;
        string? data = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--reports": reports = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--requests": requests = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--data": data = args[++i]; break;
                default: Console.Error.WriteLine($"unknown option {args[i]}; usage: pages [--reports N] [--requests N per page] [--data DIR]"); return 2;
            }
        }
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        data ??= Path.Combine(Path.GetTempPath(), "camtree-bench", $"pages-{reports}");
        Directory.CreateDirectory(data);
        var database = new SqliteDatabase(Path.Combine(data, "camtree.db"));
        var corpus = new Corpus(seed: 1202);
        await EnsureGeneratedAsync(database, corpus, reports);
        await EnsureReaderAsync(database, data);

        var url = $"http://127.0.0.1:{ServerProcess.FreePort()}";
        var nodeDll = Path.Combine(AppContext.BaseDirectory, "Camtree.Node.dll");
        await using var node = await ServerProcess.StartAsync("node", nodeDll,
        [
            // The library was generated with this public URL in its local IRIs; Kestrel listens where it is told.
            "--urls", url, "--Camtree:PublicUrl=http://local.invalid", $"--Camtree:DataDirectory={data}", "--Camtree:SeedDemo=false",
            "--Camtree:AllowPrivateNetworks=true", "--Logging:LogLevel:Default=Warning",
        ], url + "/nodeinfo/2.1");
        using var client = await SignedInClientAsync(url);

        await using (var connection = await database.OpenAsync())
        {
            var ids = (await connection.QueryAsync<long>("SELECT id FROM reports ORDER BY random() LIMIT @requests", new { requests })).ToArray();
            var words = corpus.QueryMix(requests / 9 + 1).Select(q => q.Parameters).ToList();
            var pages = new (string Name, Func<int, string> Path)[]
            {
                ("static (stylesheet)", _ => "/assets/camtree.css"),
                ("home feed", i => "/home"),
                ("search", i => "/search?" + string.Join('&', words[i % words.Count].Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"))),
                ("report page", i => $"/library/{ids[i % ids.Length]}"),
                ("library front page", _ => "/"),
            };
            // Warm the JIT, the page cache and the node's caches on every page first.
            for (var i = 0; i < 30; i++) foreach (var (_, path) in pages) await TimeAsync(client, path(i));

            // Interleaved: each round asks every page once, so drift (another process, the machine's clock) falls on all alike.
            var timings = pages.ToDictionary(p => p.Name, _ => new List<double>());
            var slowest = new List<(double Ms, string Path)>();
            for (var i = 0; i < requests; i++)
                foreach (var (name, path) in pages)
                {
                    var ms = await TimeAsync(client, path(i));
                    timings[name].Add(ms);
                    if (name != pages[0].Name) slowest.Add((ms, path(i)));
                }

            var baseline = P(timings[pages[0].Name], 99);
            Console.WriteLine();
            Console.WriteLine($"== Camtree pages benchmark: {reports:N0} reports, {requests:N0} requests per page one after another, {Machine.Cores} cores, {Machine.CpuModel()} ==");
            Console.WriteLine($"{"page",-22}{"p50 ms",9}{"p99 ms",9}{"max ms",9}{"p99 / static p99",18}{"p99 < 50 ms",13}");
            foreach (var (name, _) in pages)
            {
                var t = timings[name];
                Console.WriteLine($"{name,-22}{P(t, 50),9:N1}{P(t, 99),9:N1}{t.Max(),9:N1}{P(t, 99) / baseline,18:N1}{(P(t, 99) < 50 ? "yes" : "NO"),13}");
            }
            Console.WriteLine("the slowest requests:");
            foreach (var (ms, path) in slowest.OrderByDescending(s => s.Ms).Take(8)) Console.WriteLine($"  {ms,8:N1} ms  {path}");
            Console.WriteLine($"node peak memory (VmHWM) {(Machine.ProcessStatusKiB(node.Process.Id, "VmHWM") ?? 0) / 1024.0:N0} MiB; " +
                              $"database {new DirectoryInfo(data).EnumerateFiles("camtree.db*").Sum(f => f.Length) / 1024.0 / 1024:N0} MiB");
        }
        return 0;
    }

    /// <summary>One request's time to the last byte of its body; anything but 200 stops the benchmark (a fast error is no page).</summary>
    private static async Task<double> TimeAsync(HttpClient client, string path)
    {
        var clock = Stopwatch.StartNew();
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsByteArrayAsync();
        var elapsed = clock.Elapsed.TotalMilliseconds;
        if (response.StatusCode != HttpStatusCode.OK || body.Length == 0)
            throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode} ({body.Length} bytes)");
        return elapsed;
    }

    private static async Task<HttpClient> SignedInClientAsync(string url)
    {
        var client = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = new Uri(url) };
        var form = await client.GetStringAsync("/sign-in");
        var token = WebUtility.HtmlDecode(Regex.Match(form, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value);
        using var signedIn = await client.PostAsync("/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = Reader, ["password"] = ReaderPassword, ["__RequestVerificationToken"] = token,
        }));
        if (signedIn.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"sign-in answered {(int)signedIn.StatusCode}");
        return client;
    }

    private const string Reader = "reader";
    private const string ReaderPassword = "a reader of the whole library";

    /// <summary>The reader, made with the node's own command line (Identity's hashing), following three authors and one library.</summary>
    private static async Task EnsureReaderAsync(Database database, string data)
    {
        await using var connection = await database.OpenAsync();
        if (await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM local_actors WHERE username = @Reader", new { Reader }) == 0)
        {
            if (await Camtree.Node.Cli.NodeCommandLine.RunAsync(["practitioner", "create", "--username", Reader, "--name", "A reader", "--data-dir", data], TextWriter.Null) != 0)
                throw new InvalidOperationException("could not create the reader");
        }
        if (await Camtree.Node.Cli.NodeCommandLine.RunAsync(["practitioner", "set-password", "--username", Reader, "--data-dir", data], TextWriter.Null,
                new StringReader(ReaderPassword + "\n")) != 0)
            throw new InvalidOperationException("could not set the reader's password");
        var reader = await connection.ExecuteScalarAsync<long>("SELECT id FROM local_actors WHERE username = @Reader", new { Reader });
        foreach (var target in new[] { "https://chile.example/users/author1", "https://ucl.example/users/author2", "https://brasil.example/users/author3",
                     "https://manila.example/users/library" })
            await connection.ExecuteAsync("""
                INSERT INTO following (local_actor_id, target_iri, follow_activity_iri, state, created_at)
                VALUES (@reader, @target, @target || '#follow', 'accepted', '2026-01-01T00:00:00.000Z') ON CONFLICT DO NOTHING
                """, new { reader, target });
    }

    /// <summary>A library as a node holds it: every tenth report written here, the others from five nodes, each with its abstract and body as HTML.</summary>
    private static async Task EnsureGeneratedAsync(SqliteDatabase database, Corpus corpus, int reports)
    {
        await Migrator.MigrateAsync(database);
        await using var connection = await database.OpenAsync();
        var have = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM reports");
        if (have >= reports) return;
        await connection.ExecuteAsync("PRAGMA synchronous = OFF");
        var authors = new long[20];
        for (var a = 0; a < authors.Length; a++)
            authors[a] = await connection.ExecuteScalarAsync<long>("""
                INSERT INTO local_actors (username, actor_type, display_name, private_key_pem, public_key_pem, created_at)
                VALUES (@name, 'Person', @name, '-', '-', '2026-01-01T00:00:00.000Z') ON CONFLICT (username) DO UPDATE SET username = excluded.username RETURNING id
                """, new { name = $"teacher{a}" });
        var clock = Stopwatch.StartNew();
        const int batch = 5_000;
        for (var start = (int)have; start < reports; start += batch)
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO reports (iri, local_slug, local_author_id, author_iri, author_name, title, summary_html, content_html, content_text, language,
                    methodology, educational_level, subject_area, country, research_context, aims, methods, findings, license, themes, url,
                    published_at, received_at, review_status)
                VALUES ($iri, $slug, $author, $authorIri, $authorName, $title, $summary, $content, $text, $language, $methodology, $level, $subject, $country,
                    $context, $aims, $methods, $findings, 'https://creativecommons.org/licenses/by/4.0/', $themes, $iri, $published, $published, $review)
                RETURNING id
                """;
            var names = new[] { "iri", "slug", "author", "authorIri", "authorName", "title", "summary", "content", "text", "language", "methodology", "level",
                "subject", "country", "context", "aims", "methods", "findings", "themes", "published", "review" };
            foreach (var name in names) insert.Parameters.Add(new SqliteParameter("$" + name, null));
            using var theme = connection.CreateCommand();
            theme.Transaction = transaction;
            theme.CommandText = "INSERT OR IGNORE INTO report_themes (theme, report_id) VALUES ($theme, $id)";
            theme.Parameters.Add(new SqliteParameter("$theme", null));
            theme.Parameters.Add(new SqliteParameter("$id", null));
            for (var i = start; i < Math.Min(start + batch, reports); i++)
            {
                var r = corpus.Report(i);
                var local = i % 10 == 0;
                var author = i % authors.Length;
                var summary = Camtree.Node.Library.ReportRendering.AbstractHtml(r.Language, r.Context, r.Aims, r.Methods, r.Findings);
                var content = string.Concat(r.Body.Chunk(400).Select(part => $"<p>{new string(part)}</p>"));
                object?[] values = local
                    ? [$"http://local.invalid/reports/p{i}", $"p{i}", authors[author], $"http://local.invalid/users/teacher{author}", $"Teacher {author}"]
                    : [$"https://{r.Node}/reports/p{i}", null, null, $"https://{r.Node}/users/author{author}", $"Author {author}"];
                values =
                [
                    .. values, r.Title, summary, content, r.Body, r.Language, r.Methodology, r.Level, r.Subject, r.Country, r.Context, r.Aims, r.Methods,
                    r.Findings, string.Join(' ', r.Themes), r.Published.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture), r.Review,
                ];
                for (var p = 0; p < values.Length; p++) insert.Parameters[p].Value = values[p] ?? DBNull.Value;
                var id = (long)insert.ExecuteScalar()!;
                foreach (var t in r.Themes)
                {
                    theme.Parameters[0].Value = t;
                    theme.Parameters[1].Value = id;
                    theme.ExecuteNonQuery();
                }
            }
            await transaction.CommitAsync();
        }
        await connection.ExecuteAsync("INSERT INTO report_search (report_search) VALUES ('optimize')");
        Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] generated {reports - have:N0} reports in {clock.Elapsed.TotalSeconds:N0} s");
    }

    private static double P(List<double> values, int percentile)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)(percentile / 100.0 * sorted.Count))];
    }
}
