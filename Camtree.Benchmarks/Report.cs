using System.Runtime.InteropServices;

namespace Camtree.Benchmarks;

/// <summary>The figures of one run, printed at the end as a table with ratios to the raw baseline.</summary>
public sealed class Report
{
    public LoadResult? Raw { get; set; }
    public (double HighWaterMiB, double MaxSampledRssMiB)? RawMemory { get; set; }
    public int PayloadBytes { get; set; }

    public LoadResult? InboxSigningInWindow { get; set; }
    public LoadResult? Inbox { get; set; }
    public string? InboxError { get; set; }
    public long InboxRows { get; set; }
    public long InboxBacklogAtEnd { get; set; }
    public TimeSpan? InboxDrain { get; set; }
    public (double HighWaterMiB, double MaxSampledRssMiB)? InboxMemory { get; set; }
    /// <summary>The inbox on PostgreSQL, two node processes, the load spread over both; rows recorded and backlog.</summary>
    public LoadResult? PostgresInbox { get; set; }
    public long PostgresInboxRows { get; set; }
    public long PostgresInboxBacklogAtEnd { get; set; }
    public string? PostgresInboxError { get; set; }

    public List<FanOutResult> FanOuts { get; } = [];
    public List<(int Workers, LoadResult Result)> FanOutReferences { get; } = [];
    public (double HighWaterMiB, double MaxSampledRssMiB)? FanOutMemory { get; set; }

    public void Print(Options options, double signPerSecond, double verifyPerSecond, DateTimeOffset started,
        string loadBefore, string loadAfter, TimeSpan total, bool? nodeServerGc, string[] args)
    {
        var rawRate = Raw?.RatePerSecond;
        string Ratio(double? value) => value is { } v && rawRate is { } r and > 0 ? $"{v / r:0.000} of raw" : "";
        var rows = new List<(string What, string Figure, string Ratio, string Note)>();

        if (Raw is { } raw)
            rows.Add(("raw Kestrel POST /inbox → 202", $"{raw.RatePerSecond:N0} req/s", "1.000 (baseline)",
                $"p50 {raw.Percentile(0.5):0.0} ms, p99 {raw.Percentile(0.99):0.0} ms; {raw.Cpu}{Errors(raw)}"));
        if (Inbox is { } inbox)
        {
            rows.Add(("inbox: signed Create → 202", $"{inbox.RatePerSecond:N0} /s", Ratio(inbox.RatePerSecond),
                $"p50 {inbox.Percentile(0.5):0.0} ms, p99 {inbox.Percentile(0.99):0.0} ms; {inbox.Cpu}{Errors(inbox)}"));
            if (InboxSigningInWindow is { } signing)
                rows.Add(("  same, driver signing per request", $"{signing.RatePerSecond:N0} /s", Ratio(signing.RatePerSecond),
                    $"warm-up, {options.WarmupSeconds} s; {signing.Cpu}"));
            rows.Add(("  recorded rows / backlog / drain", $"{InboxRows:N0} / {InboxBacklogAtEnd:N0}",
                "", InboxDrain is { } d ? $"inbox worker drained the backlog {d.TotalSeconds:0.0} s after the window" : "inbox worker did NOT drain within 120 s"));
        }
        else if (InboxError is not null) rows.Add(("inbox", "FAILED", "", InboxError));
        if (PostgresInbox is { } pg)
        {
            rows.Add(("inbox on PostgreSQL, 2 processes", $"{pg.RatePerSecond:N0} /s", Ratio(pg.RatePerSecond),
                $"p50 {pg.Percentile(0.5):0.0} ms, p99 {pg.Percentile(0.99):0.0} ms; {pg.Cpu}{Errors(pg)}"));
            rows.Add(("  recorded rows / backlog", $"{PostgresInboxRows:N0} / {PostgresInboxBacklogAtEnd:N0}", "", "both processes' workers apply what either recorded"));
        }
        else if (PostgresInboxError is not null) rows.Add(("inbox on PostgreSQL", "FAILED", "", PostgresInboxError));

        for (var i = 0; i < FanOuts.Count; i++)
        {
            var f = FanOuts[i];
            if (f.AllArrived is { } t)
            {
                rows.Add(($"fan-out: {f.Layout.Label}", $"{t.TotalSeconds:0.00} s → {f.DeliveriesPerSecond:N0} deliveries/s", Ratio(f.DeliveriesPerSecond),
                    $"{f.Followers:N0} followers → {f.FollowersPerSecond:N0} followers reached/s; publish {f.PublishResponse.TotalMilliseconds:N0} ms; {f.Cpu}"));
                // Each delivery is one RSA signature: the rate against one core's signing rate says how close the
                // node comes to what signing alone allows.
                rows.Add(("  against RSA signing", "", $"{f.DeliveriesPerSecond / signPerSecond:0.00} of one core's sign rate", $"{signPerSecond:N0} signatures/s measured in this run"));
            }
            else rows.Add(($"fan-out: {f.Layout.Label}", "FAILED", "", f.Error ?? ""));
            if (i < FanOutReferences.Count && FanOutReferences[i] is var (workers, reference))
                rows.Add(($"  driver sign+POST, {workers} workers", $"{reference.Elapsed.TotalSeconds:0.00} s → {reference.RatePerSecond:N0} /s",
                    Ratio(reference.RatePerSecond), $"same {f.Inboxes:N0} inboxes, no queue or database{Errors(reference)}"));
        }

        if (InboxMemory is { } im)
            rows.Add(("node peak memory, inbox run", $"{im.HighWaterMiB:N0} MiB", "", $"VmHWM; largest sampled VmRSS {im.MaxSampledRssMiB:N0} MiB"));
        if (FanOutMemory is { } fm)
            rows.Add(("node peak memory, fan-out run", $"{fm.HighWaterMiB:N0} MiB", "", $"VmHWM; largest sampled VmRSS {fm.MaxSampledRssMiB:N0} MiB"));
        if (RawMemory is { } rm)
            rows.Add(("raw server peak memory", $"{rm.HighWaterMiB:N0} MiB", "", "VmHWM, for scale"));
        rows.Add(("RSA-2048 on one core", $"sign {signPerSecond:N0}/s", "", $"verify {verifyPerSecond:N0}/s"));

        var windows = new[] { Raw, Inbox }.OfType<LoadResult>().Select(r => r.Cpu).Concat(FanOuts.Select(f => f.Cpu)).ToList();
        var busiest = windows.Count > 0 ? windows.Max(c => c.OthersShare) : 0;
        var w0 = rows.Max(r => r.What.Length);
        var w1 = rows.Max(r => r.Figure.Length);
        var w2 = rows.Max(r => r.Ratio.Length);
        Console.WriteLine();
        Console.WriteLine("== Camtree benchmark ==");
        Console.WriteLine($"machine:  {Machine.Cores} cores, {Machine.CpuModel()}, {Machine.MemoryTotal()}; {RuntimeInformation.OSDescription}; .NET {Environment.Version}; " +
            $"node GC {(nodeServerGc is null ? "?" : nodeServerGc.Value ? "server" : "workstation")}");
        Console.WriteLine($"date:     {started:yyyy-MM-dd HH:mm} UTC; took {total.TotalSeconds:0} s; load average before {loadBefore}, after {loadAfter}");
        Console.WriteLine($"command:  dotnet run -c Release --project Camtree.Benchmarks --{(args.Length > 0 ? " " + string.Join(' ', args) : "")}");
        Console.WriteLine($"settings: {options.Seconds} s windows after {options.WarmupSeconds} s warm-up, {options.Concurrency} workers, " +
            $"{PayloadBytes:N0}-byte signed Create; fan-out {options.Followers:N0} followers → {options.Inboxes:N0} shared inboxes");
        Console.WriteLine(busiest < 0.10
            ? $"quiet:    other processes used at most {busiest:P0} of the cores during the timed parts"
            : $"NOT QUIET: other processes used up to {busiest:P0} of the cores during a timed part; those figures are pessimistic");
        Console.WriteLine();
        foreach (var (what, figure, ratio, note) in rows)
            Console.WriteLine($"{what.PadRight(w0)}  {figure.PadLeft(w1)}  {ratio.PadRight(w2)}  {note}");
    }

    private static string Errors(LoadResult result) =>
        result.Errors > 0 ? $"; {result.Errors:N0} errors ({string.Join(", ", result.ErrorKinds.Select(e => $"{e.Key} ×{e.Value}"))})" : "";
}
