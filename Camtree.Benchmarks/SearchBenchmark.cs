using System.Diagnostics;
using System.Globalization;
using Camtree.Node.Library.Search;
using Camtree.Node.Storage;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Camtree.Benchmarks;

/// <summary>
/// <c>search</c>: the node's search (<see cref="SearchIndex"/>) over a million generated reports, against the naive
/// baseline on the same data in the same run (<c>MATCH … ORDER BY rank LIMIT 20</c>, a full count and a <c>GROUP BY</c>
/// per facet over every match). The reports are realistic enough to stress ranking and facets: four languages, a
/// Zipf-distributed vocabulary (so the most common words match most reports), Zipf-distributed metadata and themes.
/// The database is generated once per size and kept (<c>--data</c>), since generating it takes minutes.
/// </summary>
public static class SearchBenchmark
{
    public const string Command = "search";

    public static async Task<int> RunAsync(string[] args)
    {
        var reports = 1_000_000;
        var repetitions = 30;
        var naiveRepetitions = 3;
        string? data = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--reports": reports = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--repetitions": repetitions = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--naive-repetitions": naiveRepetitions = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--data": data = args[++i]; break;
                default: Console.Error.WriteLine($"unknown option {args[i]}; usage: search [--reports N] [--repetitions N] [--data DIR]"); return 2;
            }
        }
        data ??= Path.Combine(Path.GetTempPath(), "camtree-bench", $"search-{reports}");
        Directory.CreateDirectory(data);
        var database = new SqliteDatabase(Path.Combine(data, "camtree.db"));
        var corpus = new Corpus(seed: 1201);
        await EnsureGeneratedAsync(database, corpus, reports);
        var size = new DirectoryInfo(data).EnumerateFiles("camtree.db*").Sum(f => f.Length);
        await using (var c = await database.OpenAsync())
            Log($"database {database.Path}: {await c.ExecuteScalarAsync<long>("SELECT count(*) FROM search_facets"):N0} searchable reports, {size / 1024.0 / 1024:N0} MiB on disk (with the FTS index)");

        // A node's index lives in the page cache; a benchmark right after generating (or after the machine reclaimed the
        // cache) would measure the disk instead. The file is read once, as `cat` would.
        var warming = Stopwatch.StartNew();
        foreach (var file in new DirectoryInfo(data).EnumerateFiles("camtree.db*"))
        {
            await using var stream = file.OpenRead();
            var buffer = new byte[1 << 20];
            while (await stream.ReadAsync(buffer) > 0) { }
        }
        Log($"database read once into the page cache in {warming.Elapsed.TotalSeconds:N0} s");

        var queries = corpus.QueryMix(repetitions);
        var index = new SearchIndex(database);
        // Warm the page cache and the JIT on both paths (one query of each class).
        foreach (var query in queries.DistinctBy(q => q.Class)) { await OursAsync(index, query); if (naiveRepetitions > 0) await NaiveAsync(database, query); }

        var ours = new Dictionary<string, List<double>>();
        var slowest = new List<(double Ms, BenchQuery Query)>();
        var naive = new Dictionary<string, List<double>>();
        foreach (var group in queries.GroupBy(q => q.Class))
        {
            foreach (var query in group)
            {
                var clock = Stopwatch.StartNew();
                await OursAsync(index, query);
                Add(ours, query.Class, clock.Elapsed.TotalMilliseconds);
                slowest.Add((clock.Elapsed.TotalMilliseconds, query));
            }
            // The baseline takes seconds per query at this size: fewer of them, the same queries.
            foreach (var query in group.Take(naiveRepetitions))
            {
                var clock = Stopwatch.StartNew();
                await NaiveAsync(database, query);
                Add(naive, query.Class, clock.Elapsed.TotalMilliseconds);
            }
            Log($"  {group.Key}: ours p50 {P(ours[group.Key], 50):N1} ms, naive p50 {P(naive.GetValueOrDefault(group.Key) ?? [], 50):N1} ms");
        }

        Console.WriteLine();
        Console.WriteLine($"== Camtree search benchmark: {reports:N0} reports, {queries.Count:N0} queries ({repetitions} per class; baseline {naiveRepetitions} per class), {Machine.Cores} cores ==");
        Console.WriteLine($"{"class",-26}{"ours p50",10}{"ours p99",10}{"naive p50",11}{"naive p99",11}{"p99 ratio",11}");
        foreach (var name in ours.Keys.Append("all"))
        {
            var a = name == "all" ? ours.Values.SelectMany(v => v).ToList() : ours[name];
            var b = name == "all" ? naive.Values.SelectMany(v => v).ToList() : naive.GetValueOrDefault(name) ?? [];
            Console.WriteLine($"{name,-26}{P(a, 50),10:N1}{P(a, 99),10:N1}{P(b, 50),11:N1}{P(b, 99),11:N1}{P(a, 99) / P(b, 99),11:N3}");
        }
        Console.WriteLine("the slowest queries (ours):");
        foreach (var (ms, query) in slowest.OrderByDescending(s => s.Ms).Take(8))
            Console.WriteLine($"  {ms,8:N1} ms  {query.Class}: {string.Join("&", query.Parameters.Select(p => $"{p.Key}={p.Value}"))}");
        Console.WriteLine($"milliseconds; ratio = ours / naive (below 1: faster). Index on disk {size / 1024.0 / 1024:N0} MiB; " +
                          $"this process's peak memory (VmHWM) {(Machine.ProcessStatusKiB(Environment.ProcessId, "VmHWM") ?? 0) / 1024.0:N0} MiB.");
        return 0;
    }

    private static async Task OursAsync(SearchIndex index, BenchQuery query)
    {
        var (request, errors) = SearchQuery.Parse(name => query.Parameters.GetValueOrDefault(name));
        if (request is null) throw new InvalidOperationException(string.Join("; ", errors.Select(e => e.Value[0])));
        var result = await index.SearchAsync(request);
        _ = result.Facets.Count;
    }

    /// <summary>What a first implementation would do: rank every match, count every match, group every match per facet.</summary>
    private static async Task NaiveAsync(Database database, BenchQuery query)
    {
        await using var connection = await database.OpenAsync();
        var filters = new List<string>();
        var parameters = new DynamicParameters();
        foreach (var (name, column) in new[] { ("methodology", "methodology"), ("country", "country"), ("educationalLevel", "educational_level"), ("language", "language") })
            if (query.Parameters.TryGetValue(name, out var value)) { filters.Add($"f.{column} = @{name}"); parameters.Add(name, value); }
        var where = filters.Count == 0 ? "1" : string.Join(" AND ", filters);
        string matches;
        if (query.Parameters.TryGetValue("q", out var q))
        {
            parameters.Add("match", SearchQuery.ToFts(q).Expression);
            matches = $"SELECT s.rowid AS id FROM report_search s JOIN search_facets f ON f.report_id = s.rowid WHERE report_search MATCH @match AND {where}";
            await connection.QueryAsync<long>($"SELECT s.rowid FROM report_search s JOIN search_facets f ON f.report_id = s.rowid WHERE report_search MATCH @match AND {where} ORDER BY rank LIMIT 20", parameters);
        }
        else
        {
            matches = $"SELECT f.report_id AS id FROM search_facets f WHERE {where}";
            await connection.QueryAsync<long>($"SELECT f.report_id FROM search_facets f WHERE {where} ORDER BY f.published_at DESC LIMIT 20", parameters);
        }
        await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM ({matches})", parameters);
        foreach (var column in new[] { "methodology", "educational_level", "subject_area", "country", "language", "node", "review_status", "year" })
            await connection.QueryAsync($"SELECT {column}, count(*) FROM search_facets WHERE report_id IN ({matches}) GROUP BY {column}", parameters);
        await connection.QueryAsync($"SELECT theme, count(*) FROM report_themes WHERE report_id IN ({matches}) GROUP BY theme", parameters);
    }

    private static async Task EnsureGeneratedAsync(SqliteDatabase database, Corpus corpus, int reports)
    {
        await Migrator.MigrateAsync(database);
        await using var connection = await database.OpenAsync();
        var have = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM reports");
        if (have >= reports) return;
        await connection.ExecuteAsync("PRAGMA synchronous = OFF");
        var authors = new long[50];
        for (var a = 0; a < authors.Length; a++)
            authors[a] = await connection.ExecuteScalarAsync<long>("""
                INSERT INTO local_actors (username, actor_type, display_name, private_key_pem, public_key_pem, created_at)
                VALUES (@name, 'Person', @name, '-', '-', '2026-01-01T00:00:00.000Z') ON CONFLICT (username) DO UPDATE SET username = excluded.username RETURNING id
                """, new { name = $"author{a}" });
        var clock = Stopwatch.StartNew();
        const int batch = 10_000;
        for (var start = (int)have; start < reports; start += batch)
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO reports (iri, local_slug, local_author_id, author_iri, author_name, title, summary_html, content_html, content_text, language,
                    methodology, educational_level, subject_area, country, research_context, aims, methods, findings, license, themes, url,
                    published_at, received_at, review_status)
                VALUES ($iri, $slug, $author, $authorIri, $authorName, $title, '', '', $body, $language, $methodology, $level, $subject, $country,
                    $context, $aims, $methods, $findings, 'https://creativecommons.org/licenses/by/4.0/', $themes, $iri, $published, $published, $review)
                RETURNING id
                """;
            var names = new[] { "iri", "slug", "author", "authorIri", "authorName", "title", "body", "language", "methodology", "level", "subject", "country", "context", "aims", "methods", "findings", "themes", "published", "review" };
            foreach (var name in names) insert.Parameters.Add(new SqliteParameter("$" + name, null));
            using var theme = connection.CreateCommand();
            theme.Transaction = transaction;
            theme.CommandText = "INSERT OR IGNORE INTO report_themes (theme, report_id) VALUES ($theme, $id)";
            theme.Parameters.Add(new SqliteParameter("$theme", null));
            theme.Parameters.Add(new SqliteParameter("$id", null));
            for (var i = start; i < Math.Min(start + batch, reports); i++)
            {
                var r = corpus.Report(i);
                var author = i % authors.Length;
                var node = r.Node;
                object?[] values =
                [
                    $"https://{node}/reports/r{i}", $"r{i}", authors[author], $"https://{node}/users/author{author}", $"Author {author}", r.Title, r.Body,
                    r.Language, r.Methodology, r.Level, r.Subject, r.Country, r.Context, r.Aims, r.Methods, r.Findings, string.Join(' ', r.Themes),
                    r.Published.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture), r.Review,
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
            if ((start / batch) % 10 == 9) Log($"  generated {start + batch:N0} reports ({(start + batch - have) / clock.Elapsed.TotalSeconds:N0}/s)");
        }
        // FTS5's own merge, as a node's index reaches after a while; no ANALYZE: a node gathers no planner statistics.
        await connection.ExecuteAsync("INSERT INTO report_search (report_search) VALUES ('optimize')");
        Log($"generated {reports - have:N0} reports in {clock.Elapsed.TotalSeconds:N0} s");
    }

    private static void Add(Dictionary<string, List<double>> into, string key, double value)
    {
        if (!into.TryGetValue(key, out var list)) into[key] = list = [];
        list.Add(value);
    }

    private static double P(List<double> values, int percentile)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    private static void Log(string message) => Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {message}");
}

/// <summary>One query of the mix, and which class of query it is.</summary>
public sealed record BenchQuery(string Class, IReadOnlyDictionary<string, string> Parameters);

/// <summary>
/// Deterministic generated reports: per language a vocabulary of pronounceable words ranked by a Zipf law (s = 1.07),
/// a few domain words near the top; metadata and themes Zipf-distributed too; publication times over ten years.
/// </summary>
public sealed class Corpus
{
    public static readonly string[] Languages = ["en", "es", "pt-BR", "fil"];
    private static readonly string[] Methodologies = ["lesson-study", "action-research", "exploratory-action-research", "practitioner-enquiry", "t-seda"];
    private static readonly string[] Levels = ["primary", "secondary", "early-years", "further-education", "teacher-education", "higher-education"];
    private static readonly string[] Countries = ["GB", "CL", "BR", "PH", "ES", "MX", "PT", "US", "IE", "AR", "CO", "PE", "NZ", "AU", "CA", "IN", "KE", "NG", "ZA", "JP"];
    private static readonly string[] Nodes = ["ucl.example", "chile.example", "brasil.example", "manila.example", "schools.example"];
    private static readonly string[] Reviews = ["unreviewed", "peer-reviewed", "in-review"];
    private static readonly string[] Domain = ["evaluación", "feedback", "oracy", "questioning", "avaliação", "pagtatasa", "metacognition", "talk", "reading", "mathematics"];

    private readonly string[][] _words;
    private readonly double[] _wordCdf;
    private readonly string[] _themes;
    private readonly double[] _themeCdf;
    private readonly int _seed;

    public Corpus(int seed, int vocabulary = 40_000)
    {
        _seed = seed;
        var random = new Random(seed);
        string[] syllables = ["ka", "lo", "mi", "ra", "te", "su", "na", "pe", "do", "vi", "ga", "ro", "li", "ma", "se", "tu", "ne", "ba", "co", "fi", "ja", "qu", "xe", "zo", "ñi", "çã", "é", "á"];
        _words = Languages.Select((_, l) =>
        {
            var set = new HashSet<string>(StringComparer.Ordinal);
            foreach (var w in Domain) set.Add(w);
            while (set.Count < vocabulary)
            {
                var length = 2 + random.Next(3);
                set.Add(string.Concat(Enumerable.Range(0, length).Select(_ => syllables[random.Next(syllables.Length)])) + (l == 0 ? "" : syllables[l]));
            }
            return set.ToArray();
        }).ToArray();
        _wordCdf = Zipf(vocabulary, 1.07);
        _themes = Enumerable.Range(0, 300).Select(i => $"theme{i}").Prepend("oracy").Prepend("assessment").ToArray();
        _themeCdf = Zipf(_themes.Length, 1.2);
    }

    public sealed record Generated(string Title, string Body, string Context, string Aims, string Methods, string Findings, string Language,
        string Methodology, string Level, string Subject, string Country, string Node, string Review, string[] Themes, DateTimeOffset Published);

    public Generated Report(int i)
    {
        var random = new Random(HashCode.Combine(_seed, i));
        var language = Languages[Pick(random, Zipf(Languages.Length, 0.8))];
        var words = _words[Array.IndexOf(Languages, language)];
        string Text(int count) => string.Join(' ', Enumerable.Range(0, count).Select(_ => words[Pick(random, _wordCdf)]));
        return new Generated(
            Title: Text(5 + random.Next(6)), Body: Text(60 + random.Next(60)), Context: Text(15), Aims: Text(12), Methods: Text(15), Findings: Text(20),
            Language: language,
            Methodology: Methodologies[Pick(random, Zipf(Methodologies.Length, 1.0))],
            Level: Levels[Pick(random, Zipf(Levels.Length, 1.0))],
            Subject: $"subject{Pick(random, Zipf(20, 1.0))}",
            Country: Countries[Pick(random, Zipf(Countries.Length, 1.0))],
            Node: Nodes[Pick(random, Zipf(Nodes.Length, 0.7))],
            Review: Reviews[Pick(random, Zipf(Reviews.Length, 1.5))],
            Themes: Enumerable.Range(0, 1 + random.Next(3)).Select(_ => _themes[Pick(random, _themeCdf)]).Distinct().ToArray(),
            Published: new DateTimeOffset(2016, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(i * 5.0 + random.Next(5)));
    }

    /// <summary>The query mix: each class <paramref name="repetitions"/> times with different words or values.</summary>
    public List<BenchQuery> QueryMix(int repetitions)
    {
        var random = new Random(_seed + 1);
        var english = _words[0];
        var list = new List<BenchQuery>();
        Dictionary<string, string> P(params (string, string)[] pairs) => pairs.ToDictionary(p => p.Item1, p => p.Item2);
        for (var r = 0; r < repetitions; r++)
        {
            list.Add(new("very common word", P(("q", english[r % 5]))));
            list.Add(new("common word", P(("q", english[20 + r]))));
            list.Add(new("rare word", P(("q", english[15_000 + random.Next(20_000)]))));
            list.Add(new("phrase", P(("q", $"\"{english[r % 8]} {english[(r + 3) % 8]}\""))));
            list.Add(new("prefix", P(("q", english[30 + r][..Math.Min(3, english[30 + r].Length)] + "*"))));
            list.Add(new("facets only", P(("methodology", Methodologies[r % Methodologies.Length]))));
            list.Add(new("two facets", P(("country", Countries[r % 6]), ("educationalLevel", Levels[r % Levels.Length]))));
            list.Add(new("word + facets", P(("q", english[r % 10]), ("methodology", Methodologies[r % 3]), ("language", "en"))));
            list.Add(new("browse everything", P()));
        }
        return list;
    }

    private static double[] Zipf(int n, double s)
    {
        var weights = Enumerable.Range(1, n).Select(k => 1 / Math.Pow(k, s)).ToArray();
        var total = weights.Sum();
        var cdf = new double[n];
        var running = 0.0;
        for (var k = 0; k < n; k++) { running += weights[k] / total; cdf[k] = running; }
        return cdf;
    }

    private static int Pick(Random random, double[] cdf)
    {
        var x = random.NextDouble();
        var index = Array.BinarySearch(cdf, x);
        return Math.Min(index < 0 ? ~index : index, cdf.Length - 1);
    }
}
