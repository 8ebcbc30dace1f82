using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using Camtree.Node;
using Camtree.Node.Library;
using Camtree.Node.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Camtree.Tests.Support;

/// <summary>
/// A real Camtree node for tests: Kestrel on its own 127.0.0.1 port, its own SQLite file in a temporary data
/// directory, the same wiring as production. Other nodes reach it over real HTTP.
/// </summary>
public sealed class TestNode : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _dataDirectory;

    private TestNode(WebApplication app, string baseUrl, string dataDirectory)
    {
        _app = app;
        BaseUrl = baseUrl;
        _dataDirectory = dataDirectory;
        Http = new HttpClient { BaseAddress = new Uri(baseUrl) };
    }

    /// <summary>The node's public URL, e.g. <c>http://127.0.0.1:40123</c>.</summary>
    public string BaseUrl { get; }
    public string Authority => new Uri(BaseUrl).Authority;
    /// <summary>An unauthenticated client for the node.</summary>
    public HttpClient Http { get; }
    public IServiceProvider Services => _app.Services;
    public T Get<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    public static async Task<TestNode> StartAsync(string name, bool seedDemo = false)
    {
        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        var dataDirectory = Path.Combine(Path.GetTempPath(), "camtree-tests", $"{name}-{Guid.NewGuid():N}");
        var app = NodeApp.Build([], new Dictionary<string, string?>
        {
            ["Urls"] = baseUrl,
            ["Camtree:PublicUrl"] = baseUrl,
            ["Camtree:DataDirectory"] = dataDirectory,
            ["Camtree:NodeName"] = $"{name} library",
            ["Camtree:SeedDemo"] = seedDemo ? "true" : "false",
            ["Camtree:AllowPrivateNetworks"] = "true",
            ["Logging:LogLevel:Default"] = Environment.GetEnvironmentVariable("CAMTREE_TEST_LOG_LEVEL") ?? "Warning",
        });
        await NodeApp.InitializeAsync(app.Services);
        await app.StartAsync();
        return new TestNode(app, baseUrl, dataDirectory);
    }

    /// <summary>Creates a practitioner and returns a client authenticated as them.</summary>
    public async Task<Practitioner> AddPractitionerAsync(string username, string name, bool manuallyApprovesFollowers = false)
    {
        var actor = await Get<PractitionerService>().CreatePractitionerAsync(username, name, "", manuallyApprovesFollowers);
        var token = await Get<TokenStore>().IssueAsync(actor.Id, "test");
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new Practitioner(actor, $"{BaseUrl}/users/{username}", $"{username}@{Authority}", client);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dataDirectory, recursive: true); }
        catch (IOException) { }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A practitioner on a test node, with an API client holding their token.</summary>
public sealed record Practitioner(LocalActor Actor, string Iri, string Handle, HttpClient Api);

/// <summary>Waiting for federation to settle: polls a condition, fails with a message after a bound.</summary>
public static class Eventually
{
    public static async Task<T> GetAsync<T>(Func<Task<T?>> probe, string what, int seconds = 20) where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } value) return value;
            await Task.Delay(50);
        }
        throw new TimeoutException($"timed out after {seconds} s waiting for {what}");
    }

    public static Task TrueAsync(Func<Task<bool>> probe, string what, int seconds = 20) =>
        GetAsync<object>(async () => await probe() ? new object() : null, what, seconds);
}
