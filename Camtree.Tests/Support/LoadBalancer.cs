using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Camtree.Tests.Support;

/// <summary>
/// One public URL in front of several node processes, as a load balancer stands in front of a node's replicas: each
/// request goes to the next backend in turn, and to the one after it when that one refuses the connection (a killed
/// process). Method, path, headers (Host included, so signatures still verify) and body are passed on as they are.
/// </summary>
public sealed class LoadBalancer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(60) };
    private readonly string[] _backends;
    private int _next;

    private LoadBalancer(WebApplication app, string baseUrl, string[] backends)
    {
        _app = app;
        BaseUrl = baseUrl;
        _backends = backends;
    }

    public string BaseUrl { get; }

    /// <summary>Requests each backend has answered.</summary>
    public int[] Answered { get; private set; } = [];

    public static async Task<LoadBalancer> StartAsync(string baseUrl, params string[] backends)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(baseUrl);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var balancer = new LoadBalancer(app, baseUrl, backends) { Answered = new int[backends.Length] };
        app.Run(balancer.ForwardAsync);
        await app.StartAsync();
        return balancer;
    }

    private async Task ForwardAsync(HttpContext context)
    {
        var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var first = Interlocked.Increment(ref _next);
        for (var tried = 0; tried < _backends.Length; tried++)
        {
            var backend = (first + tried) % _backends.Length;
            using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method),
                _backends[backend] + context.Request.Path + context.Request.QueryString);
            if (body.Length > 0 || context.Request.ContentLength is not null) request.Content = new ByteArrayContent(body.ToArray());
            foreach (var (name, values) in context.Request.Headers)
                if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values)) request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values);
            request.Headers.Host = context.Request.Host.Value;
            HttpResponseMessage response;
            try { response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted); }
            catch (HttpRequestException) { continue; } // that process is gone: the next one takes it
            using (response)
            {
                Interlocked.Increment(ref Answered[backend]);
                context.Response.StatusCode = (int)response.StatusCode;
                foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
                    if (!string.Equals(name, "Transfer-Encoding", StringComparison.OrdinalIgnoreCase)) context.Response.Headers[name] = values.ToArray();
                await response.Content.CopyToAsync(context.Response.Body);
            }
            return;
        }
        context.Response.StatusCode = StatusCodes.Status502BadGateway;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
