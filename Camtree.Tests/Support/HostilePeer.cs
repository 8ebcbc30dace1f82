using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Camtree.Protocol.Signatures;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Camtree.Tests.Support;

/// <summary>The ways a misbehaving server answers, as <see cref="HostilePeer"/> plays them.</summary>
public enum PeerFault
{
    NotFound,
    Gone,
    ServerError,
    /// <summary>429 with <c>Retry-After: 120</c>.</summary>
    TooManyRequests,
    /// <summary>Accepts the request and never answers.</summary>
    Timeout,
    /// <summary>Sends the body a byte every 100 ms, without end; 200 for GETs, 503 for POSTs.</summary>
    Trickle,
    /// <summary>302 to itself, for ever.</summary>
    RedirectLoop,
    /// <summary>200 with a body that is not JSON.</summary>
    MalformedJson,
    /// <summary>200 with 3 MiB of JSON, streamed without a Content-Length.</summary>
    OversizedBody,
    /// <summary>A 110 KB gzip body that inflates to 100 MB (<c>Content-Encoding: gzip</c>); 200 for GETs, 400 for POSTs.</summary>
    GzipBomb,
    /// <summary>Announces 100 KB, sends 100 bytes and drops the connection; 200 for GETs, 500 for POSTs.</summary>
    CutOff,
    /// <summary><c>Content-Encoding: gzip</c> on bytes that are not gzip; 200 for GETs, 400 for POSTs.</summary>
    BadGzip,
}

/// <summary>
/// A real HTTP server on loopback that plays another fediverse server — and misbehaves on request. It publishes
/// actors with real RSA keys (so what it signs verifies), serves any JSON document at any path, records the POSTs
/// its inboxes receive, and answers any path with a <see cref="PeerFault"/> instead when told to.
/// </summary>
public sealed class HostilePeer : IAsyncDisposable
{
    /// <summary>100 MB of spaces inside a JSON string, gzipped once per test run (about 100 KB).</summary>
    private static readonly Lazy<byte[]> Bomb = new(() =>
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write("{\"id\":\""u8);
            var spaces = new byte[1024 * 1024];
            Array.Fill(spaces, (byte)' ');
            for (var i = 0; i < 100; i++) gzip.Write(spaces);
            gzip.Write("\"}"u8);
        }
        return buffer.ToArray();
    });

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, JsonObject> _documents = new();
    private readonly ConcurrentDictionary<string, PeerFault> _faults = new();
    private readonly ConcurrentDictionary<string, int> _hits = new();
    private readonly ConcurrentQueue<(string Path, string Body)> _received = new();

    private HostilePeer(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }
    public string Authority => new Uri(BaseUrl).Authority;
    /// <summary>The POSTs the peer's inboxes received, in order: path and body.</summary>
    public IReadOnlyCollection<(string Path, string Body)> Received => _received;

    public static async Task<HostilePeer> StartAsync()
    {
        var baseUrl = $"http://127.0.0.1:{TestNode.FreePort()}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(baseUrl);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var peer = new HostilePeer(app, baseUrl);
        app.Run(peer.HandleAsync);
        await app.StartAsync();
        return peer;
    }

    /// <summary>Publishes an actor with a fresh RSA key (<c>#main-key</c>) and an inbox, and returns it.</summary>
    public PeerActor AddActor(string name) => AddActorAt($"/users/{name}");

    /// <summary>Publishes an actor at any path (as a captured payload names it).</summary>
    public PeerActor AddActorAt(string path)
    {
        var keys = RsaKeyPair.Generate();
        var iri = BaseUrl + path;
        var name = path.TrimEnd('/').Split('/')[^1];
        Serve(path, new JsonObject
        {
            ["@context"] = new JsonArray("https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"),
            ["id"] = iri,
            ["type"] = "Person",
            ["preferredUsername"] = name,
            ["name"] = name,
            ["inbox"] = $"{iri}/inbox",
            ["outbox"] = $"{iri}/outbox",
            ["followers"] = $"{iri}/followers",
            ["endpoints"] = new JsonObject { ["sharedInbox"] = $"{BaseUrl}/inbox" },
            ["publicKey"] = new JsonObject { ["id"] = $"{iri}#main-key", ["owner"] = iri, ["publicKeyPem"] = keys.PublicKeyPem },
        });
        return new PeerActor(iri, path, keys);
    }

    /// <summary>Serves a JSON document at a path (as <c>application/activity+json</c>).</summary>
    public void Serve(string path, JsonObject document) => _documents[path] = document;

    /// <summary>From now on, answers <paramref name="path"/> with <paramref name="fault"/> (whatever is served there).</summary>
    public void Fault(string path, PeerFault fault) => _faults[path] = fault;

    /// <summary>Answers every path with <paramref name="fault"/>.</summary>
    public void FaultEverything(PeerFault fault) => _faults["*"] = fault;

    public void ClearFaults() => _faults.Clear();

    /// <summary>How many requests a path has had.</summary>
    public int Hits(string path) => _hits.GetValueOrDefault(path);

    private async Task HandleAsync(HttpContext context)
    {
        // A path with its query names a document or fault of its own (collection pages); else the path does.
        var exact = (context.Request.Path.Value ?? "/") + context.Request.QueryString;
        var path = _documents.ContainsKey(exact) || _faults.ContainsKey(exact) ? exact : context.Request.Path.Value ?? "/";
        _hits.AddOrUpdate(path, 1, (_, n) => n + 1);
        if (_faults.TryGetValue(path, out var fault) || _faults.TryGetValue("*", out fault))
        {
            await PlayAsync(context, fault);
            return;
        }
        if (HttpMethods.IsPost(context.Request.Method))
        {
            using var reader = new StreamReader(context.Request.Body);
            _received.Enqueue((path, await reader.ReadToEndAsync()));
            context.Response.StatusCode = 202;
            return;
        }
        if (!_documents.TryGetValue(path, out var document))
        {
            context.Response.StatusCode = 404;
            return;
        }
        context.Response.ContentType = "application/activity+json";
        await context.Response.WriteAsync(document.ToJsonString());
    }

    private static async Task PlayAsync(HttpContext context, PeerFault fault)
    {
        var response = context.Response;
        // A request held open ends when the client gives up or the peer stops.
        var stopping = context.RequestServices.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>().ApplicationStopping;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var aborted = linked.Token;
        switch (fault)
        {
            case PeerFault.NotFound: response.StatusCode = 404; await response.WriteAsync("no such thing"); break;
            case PeerFault.Gone: response.StatusCode = 410; await response.WriteAsync("gone"); break;
            case PeerFault.ServerError: response.StatusCode = 500; await response.WriteAsync("it broke"); break;
            case PeerFault.TooManyRequests:
                response.StatusCode = 429;
                response.Headers.RetryAfter = "120";
                await response.WriteAsync("slow down");
                break;
            case PeerFault.Timeout:
                try { await Task.Delay(Timeout.Infinite, aborted); } catch (OperationCanceledException) { }
                break;
            case PeerFault.Trickle:
                response.StatusCode = HttpMethods.IsPost(context.Request.Method) ? 503 : 200;
                response.ContentType = "application/activity+json";
                try
                {
                    await response.WriteAsync("{\"id\":\"", aborted);
                    while (!aborted.IsCancellationRequested)
                    {
                        await response.WriteAsync("a", aborted);
                        await response.Body.FlushAsync(aborted);
                        await Task.Delay(100, aborted);
                    }
                }
                catch (Exception e) when (e is OperationCanceledException or IOException) { }
                break;
            case PeerFault.RedirectLoop:
                response.StatusCode = 302;
                response.Headers.Location = context.Request.Path + context.Request.QueryString;
                break;
            case PeerFault.MalformedJson:
                response.StatusCode = 200;
                response.ContentType = "application/activity+json";
                await response.WriteAsync("{\"id\": \"https://x/\", \"type\": [Person,, }}}");
                break;
            case PeerFault.OversizedBody:
                response.StatusCode = 200;
                response.ContentType = "application/activity+json";
                try
                {
                    await response.WriteAsync("{\"id\":\"x\",\"padding\":\"", aborted);
                    var chunk = Encoding.ASCII.GetBytes(new string('a', 64 * 1024));
                    for (var i = 0; i < 48; i++) await response.Body.WriteAsync(chunk, aborted);
                    await response.WriteAsync("\"}", aborted);
                }
                catch (Exception e) when (e is OperationCanceledException or IOException) { }
                break;
            case PeerFault.GzipBomb:
                response.StatusCode = HttpMethods.IsPost(context.Request.Method) ? 400 : 200;
                response.ContentType = "application/activity+json";
                response.Headers.ContentEncoding = "gzip";
                try { await response.Body.WriteAsync(Bomb.Value, aborted); }
                catch (Exception e) when (e is OperationCanceledException or IOException) { }
                break;
            case PeerFault.CutOff:
                // The request is read whole first: the connection breaks in the answer, not in the request.
                await context.Request.Body.CopyToAsync(Stream.Null, aborted);
                response.StatusCode = HttpMethods.IsPost(context.Request.Method) ? 500 : 200;
                response.ContentType = "application/activity+json";
                response.ContentLength = 100_000;
                await response.Body.WriteAsync(Encoding.ASCII.GetBytes("{\"id\":\"" + new string('a', 92)), aborted);
                await response.Body.FlushAsync(aborted);
                // Abort drops what Kestrel has not yet written: give the headers and the first bytes time to leave.
                await Task.Delay(200, aborted);
                context.Abort();
                break;
            case PeerFault.BadGzip:
                response.StatusCode = HttpMethods.IsPost(context.Request.Method) ? 400 : 200;
                response.ContentType = "application/activity+json";
                response.Headers.ContentEncoding = "gzip";
                await response.Body.WriteAsync(Encoding.ASCII.GetBytes("this is not gzip at all, though it says so"), aborted);
                break;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>An actor the <see cref="HostilePeer"/> publishes, with what it needs to sign.</summary>
public sealed record PeerActor(string Iri, string Path, RsaKeyPair Keys)
{
    public string KeyId => $"{Iri}#main-key";
    public SigningKey SigningKey() => new(KeyId, Keys.PrivateKeyPem);
}
