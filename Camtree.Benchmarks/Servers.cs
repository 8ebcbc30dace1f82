using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Camtree.Benchmarks;

/// <summary>
/// The baseline: an empty Kestrel endpoint, <c>POST /inbox</c> → read the whole body → <c>202</c>. Runs as its own
/// process (<c>Camtree.Benchmarks.dll serve-raw URL</c>) so that it is measured exactly as the node is: a separate
/// server process beside the driver on the same cores, with the node's GC mode.
/// </summary>
public static class RawServer
{
    public const string Command = "serve-raw";

    public static async Task<int> RunAsync(string url)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        // Like the node (NodeApp.Build), bodies up to 2 MiB.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 2 * 1024 * 1024);
        var app = builder.Build();
        app.MapGet("/ready", () => Results.Ok());
        app.MapPost("/inbox", async (HttpContext context) =>
        {
            // Read the body as the node does (into memory), then answer as the node does.
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            return Results.StatusCode(StatusCodes.Status202Accepted);
        });
        await app.RunAsync();
        return 0;
    }
}

/// <summary>
/// The other servers of the federation, in the driver: the sending actor's document (<c>GET /users/sender</c>), and
/// the fan-out's receiving inboxes (<c>POST /inbox/{n}</c>) on one or more 127.0.0.1 ports, each port a separate
/// host to the node (its delivery queue and circuit breaker go by host:port). The inboxes answer 202 after reading
/// the body and its activity id; they do not verify signatures (the cheapest possible receiver).
/// </summary>
public sealed class Peer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private SenderActor? _sender;
    private string? _actorDocument;

    private Peer(WebApplication app) => _app = app;

    /// <summary>One base URL per listening port: <c>http://127.0.0.1:port</c>.</summary>
    public IReadOnlyList<string> BaseUrls { get; private set; } = [];
    public SenderActor Sender => _sender ?? throw new InvalidOperationException("not started");
    public Sink Sink { get; } = new();

    public static async Task<Peer> StartAsync(int ports)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            for (var i = 0; i < ports; i++) kestrel.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        var peer = new Peer(app);
        app.MapGet("/users/sender", () => peer._actorDocument is { } document
            ? Results.Text(document, "application/activity+json") : Results.NotFound());
        app.MapPost("/inbox/{n:int}", async (int n, HttpRequest request) =>
        {
            using var body = await JsonDocument.ParseAsync(request.Body);
            var id = body.RootElement.TryGetProperty("id", out var value) ? value.GetString() : null;
            peer.Sink.Record(n, id);
            return Results.StatusCode(StatusCodes.Status202Accepted);
        });
        await app.StartAsync();

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => a.Replace("localhost", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/')).ToList();
        if (addresses.Count != ports) throw new InvalidOperationException($"the peer listens on {addresses.Count} ports, not {ports}");
        peer.BaseUrls = addresses;
        peer._sender = new SenderActor(addresses[0]);
        peer._actorDocument = peer._sender.ActorDocument();
        return peer;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>
/// Counts what the fan-out inboxes receive: the first arrival at each inbox (and when), and repeats. Completes
/// <see cref="AllArrived"/> when every expected inbox has had one.
/// </summary>
public sealed class Sink
{
    private int[] _arrivals = [];
    private long[] _firstArrivalTicks = [];
    private int _distinct, _total, _expected;
    private long _startTicks;
    private TaskCompletionSource<TimeSpan> _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _activityId;

    /// <summary>Expects <paramref name="inboxes"/> inboxes from now; times are measured from this call.</summary>
    public void Reset(int inboxes)
    {
        _arrivals = new int[inboxes];
        _firstArrivalTicks = new long[inboxes];
        _distinct = _total = 0;
        _expected = inboxes;
        _activityId = null;
        _all = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        _startTicks = Stopwatch.GetTimestamp();
    }

    /// <summary>Completes with the time from <see cref="Reset"/> to the last first arrival.</summary>
    public Task<TimeSpan> AllArrived => _all.Task;
    public int Distinct => Volatile.Read(ref _distinct);
    public int Total => Volatile.Read(ref _total);
    public int Repeats => Total - Distinct;
    public string? ActivityId => Volatile.Read(ref _activityId);

    public void Record(int n, string? activityId)
    {
        Interlocked.Increment(ref _total);
        if (activityId is not null) Interlocked.CompareExchange(ref _activityId, activityId, null);
        if (n < 0 || n >= _arrivals.Length) return;
        if (Interlocked.Increment(ref _arrivals[n]) != 1) return;
        var now = Stopwatch.GetTimestamp();
        _firstArrivalTicks[n] = now;
        if (Interlocked.Increment(ref _distinct) == _expected)
            _all.TrySetResult(Stopwatch.GetElapsedTime(_startTicks, now));
    }

    /// <summary>When the <paramref name="fraction"/>-th of the inboxes had received it, from <see cref="Reset"/>.</summary>
    public TimeSpan ArrivalPercentile(double fraction)
    {
        var times = _firstArrivalTicks.Where(t => t != 0).Order().ToArray();
        if (times.Length == 0) return TimeSpan.Zero;
        return Stopwatch.GetElapsedTime(_startTicks, times[Math.Min(times.Length - 1, (int)(fraction * _expected))]);
    }
}
