using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Camtree.Tests.Support;

/// <summary>
/// A real HTTP server on loopback with many inboxes (<c>/inbox/{n}</c>) that records what each receives, slowly
/// if asked, for tests of a sender's queue. It accepts everything and dedupes nothing: it shows what was sent.
/// </summary>
public sealed class InboxSink : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(int Inbox, string ActivityId)> _received = new();

    private InboxSink(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }
    public string Inbox(int n) => $"{BaseUrl}/inbox/{n}";
    public IReadOnlyCollection<(int Inbox, string ActivityId)> Received => _received;

    public static async Task<InboxSink> StartAsync(TimeSpan delayPerRequest)
    {
        var baseUrl = $"http://127.0.0.1:{TestNode.FreePort()}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(baseUrl);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var sink = new InboxSink(app, baseUrl);
        app.MapPost("/inbox/{n:int}", async (int n, HttpRequest request) =>
        {
            using var body = await JsonDocument.ParseAsync(request.Body);
            await Task.Delay(delayPerRequest);
            sink._received.Enqueue((n, body.RootElement.GetProperty("id").GetString()!));
            return Results.Accepted();
        });
        await app.StartAsync();
        return sink;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
