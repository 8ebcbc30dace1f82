using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace Camtree.Benchmarks;

/// <summary>What one load window did.</summary>
public sealed record LoadResult(
    long Accepted, long Errors, IReadOnlyDictionary<string, long> ErrorKinds, string? FirstError,
    TimeSpan Elapsed, double[] SortedLatencyMs, bool RanOutOfRequests, CpuShare Cpu)
{
    public double RatePerSecond => Accepted / Elapsed.TotalSeconds;
    public double Percentile(double p) =>
        SortedLatencyMs.Length == 0 ? double.NaN : SortedLatencyMs[Math.Min(SortedLatencyMs.Length - 1, (int)(p * SortedLatencyMs.Length))];

    public string Describe(bool noteRunningOut = true) =>
        $"{Accepted:N0} accepted in {Elapsed.TotalSeconds:0.00} s = {RatePerSecond:N0}/s; latency p50 {Percentile(0.50):0.0} ms, " +
        $"p99 {Percentile(0.99):0.0} ms, max {(SortedLatencyMs.Length > 0 ? SortedLatencyMs[^1] : double.NaN):0.0} ms; {Cpu}" +
        (Errors > 0 ? $"; ERRORS {Errors:N0} ({string.Join(", ", ErrorKinds.Select(e => $"{e.Key} ×{e.Value}"))}; first: {FirstError})" : "") +
        (RanOutOfRequests && noteRunningOut ? "; ran out of pre-signed requests before the window ended" : "");
}

/// <summary>
/// A closed-loop load generator: <c>concurrency</c> workers, each sending its next request as soon as the previous
/// one is answered, until the window ends or the requests run out. One <see cref="HttpClient"/> setup for every target.
/// </summary>
public static class LoadGenerator
{
    /// <summary>The client every load window uses: plain HTTP/1.1 keep-alive, one connection per worker at most.</summary>
    public static HttpClient NewClient(int concurrency) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = concurrency,
        UseCookies = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
    })
    { Timeout = TimeSpan.FromSeconds(60) };

    /// <param name="request">Builds request number <c>i</c> (0, 1, 2, … in the order they are taken).</param>
    /// <param name="limit">How many requests there are at most.</param>
    /// <param name="accepted">The status that counts as accepted; anything else is an error.</param>
    /// <param name="server">The server's process, to account its CPU over the window.</param>
    public static async Task<LoadResult> RunAsync(
        HttpClient client, int concurrency, TimeSpan duration, long limit, Func<long, HttpRequestMessage> request,
        HttpStatusCode accepted, Process? server)
    {
        long next = -1, ok = 0, errors = 0;
        var ranOut = false;
        var errorKinds = new ConcurrentDictionary<string, long>();
        string? firstError = null;
        var latencies = new List<double>[concurrency];
        using var stop = new CancellationTokenSource();
        var cpu = CpuShare.Start(server);
        var clock = Stopwatch.StartNew();
        stop.CancelAfter(duration);

        async Task WorkerAsync(int worker)
        {
            var mine = latencies[worker] = new List<double>(4096);
            while (!stop.IsCancellationRequested)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= limit) { ranOut = true; return; }
                using var message = request(i);
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await client.SendAsync(message, HttpCompletionOption.ResponseContentRead, CancellationToken.None);
                    mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    if (response.StatusCode == accepted) { Interlocked.Increment(ref ok); continue; }
                    Interlocked.Increment(ref errors);
                    errorKinds.AddOrUpdate($"HTTP {(int)response.StatusCode}", 1, (_, n) => n + 1);
                    var body = await response.Content.ReadAsStringAsync();
                    Interlocked.CompareExchange(ref firstError, $"{(int)response.StatusCode} {body[..Math.Min(body.Length, 300)]}", null);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    Interlocked.Increment(ref errors);
                    errorKinds.AddOrUpdate(e.GetType().Name, 1, (_, n) => n + 1);
                    Interlocked.CompareExchange(ref firstError, e.Message, null);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(() => WorkerAsync(w))));
        var elapsed = clock.Elapsed;
        var share = cpu();
        var all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        return new LoadResult(ok, errors, errorKinds, firstError, elapsed, all, ranOut, share);
    }
}
