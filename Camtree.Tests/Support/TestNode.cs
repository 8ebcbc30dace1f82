using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Camtree.Node;
using Camtree.Node.Library;
using Camtree.Node.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Camtree.Tests.Support;

/// <summary>
/// A real Camtree node for tests: Kestrel on its own 127.0.0.1 port, its own SQLite file in a temporary data
/// directory, the same wiring as production. Other nodes reach it over real HTTP. It can be stopped and
/// started again on the same port and data (a node going down and coming back), and its clock can be moved
/// forward (to let retries come due without waiting).
/// </summary>
public sealed class TestNode : IAsyncDisposable
{
    private readonly Dictionary<string, string?> _settings;
    private readonly string _dataDirectory;
    private WebApplication? _app;

    private TestNode(string baseUrl, string dataDirectory, Dictionary<string, string?> settings)
    {
        BaseUrl = baseUrl;
        _dataDirectory = dataDirectory;
        _settings = settings;
        Http = new HttpClient { BaseAddress = new Uri(baseUrl) };
    }

    /// <summary>The node's public URL, e.g. <c>http://127.0.0.1:40123</c>.</summary>
    public string BaseUrl { get; }
    public string Authority => new Uri(BaseUrl).Authority;
    public string DataDirectory => _dataDirectory;
    /// <summary>The node's database settings as command-line arguments, for the operator commands run against its data.</summary>
    public string[] StorageArguments => _settings.TryGetValue("Camtree:Storage:Provider", out var provider) && provider is not null
        ? [$"--Camtree:Storage:Provider={provider}", $"--Camtree:Storage:ConnectionString={_settings["Camtree:Storage:ConnectionString"]}"]
        : [];
    /// <summary>The node's clock: real time plus an offset the test can move forward.</summary>
    public OffsetTimeProvider Clock { get; } = new();
    /// <summary>An unauthenticated client for the node.</summary>
    public HttpClient Http { get; }
    public IServiceProvider Services => (_app ?? throw new InvalidOperationException("the node is stopped")).Services;
    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>
    /// Whether nodes keep their data in PostgreSQL rather than SQLite when a test does not say (<c>CAMTREE_TEST_STORAGE=postgres</c>:
    /// the whole suite on PostgreSQL).
    /// </summary>
    public static bool PostgresByDefault =>
        string.Equals(Environment.GetEnvironmentVariable("CAMTREE_TEST_STORAGE"), "postgres", StringComparison.OrdinalIgnoreCase);

    /// <param name="postgres">Keep the node's data in a fresh PostgreSQL database of the test cluster (<see cref="PostgresServer"/>)
    /// rather than in a SQLite file; <see cref="PostgresByDefault"/> when not given.</param>
    public static async Task<TestNode> StartAsync(string name, bool seedDemo = false, IDictionary<string, string?>? settings = null, bool? postgres = null)
    {
        var baseUrl = $"http://127.0.0.1:{FreePort()}";
        var dataDirectory = Path.Combine(Path.GetTempPath(), "camtree-tests", $"{name}-{Guid.NewGuid():N}");
        var all = new Dictionary<string, string?>
        {
            ["Urls"] = baseUrl,
            ["Camtree:PublicUrl"] = baseUrl,
            ["Camtree:DataDirectory"] = dataDirectory,
            ["Camtree:NodeName"] = $"{name} library",
            ["Camtree:SeedDemo"] = seedDemo ? "true" : "false",
            ["Camtree:AllowPrivateNetworks"] = "true",
            ["Logging:LogLevel:Default"] = Environment.GetEnvironmentVariable("CAMTREE_TEST_LOG_LEVEL") ?? "Warning",
        };
        if (postgres ?? PostgresByDefault)
        {
            all["Camtree:Storage:Provider"] = "Postgres";
            all["Camtree:Storage:ConnectionString"] = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) all[key] = value;
        var node = new TestNode(baseUrl, dataDirectory, all);
        await node.StartAgainAsync();
        return node;
    }

    /// <summary>Stops the node (its port refuses connections); its data stays.</summary>
    public async Task StopAsync()
    {
        if (_app is null) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
        _app = null;
    }

    /// <summary>Starts the node again on the same port with the same data, as after a restart.</summary>
    public async Task StartAgainAsync()
    {
        var app = NodeApp.Build([], _settings, services => services.AddSingleton<TimeProvider>(Clock));
        await NodeApp.InitializeAsync(app.Services);
        await app.StartAsync();
        _app = app;
    }

    /// <summary>Creates a practitioner and returns a client authenticated as them.</summary>
    /// <summary>Gives a practitioner a password and signs in as them with a cookie browser (antiforgery handled).</summary>
    public async Task<Browser> SignInAsync(string userName, string password = "exit tickets every friday")
    {
        await using (var scope = Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<Camtree.Node.Accounts.AccountService>().SetPasswordAsync(userName, password);
        var browser = new Browser(BaseUrl);
        using var signedIn = await browser.SubmitAsync("/sign-in", "/sign-in", new Dictionary<string, string> { ["userName"] = userName, ["password"] = password });
        Xunit.Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return browser;
    }

    /// <summary>A document as ActivityPub clients get it (Accept: application/activity+json).</summary>
    public async Task<System.Text.Json.JsonElement> ActivityPubAsync(string iri)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, iri);
        request.Headers.Accept.ParseAdd("application/activity+json");
        using var response = await Http.SendAsync(request);
        return System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    public async Task<Practitioner> AddPractitionerAsync(string username, string name, bool manuallyApprovesFollowers = false, bool isOperator = false)
    {
        var actor = await Get<PractitionerService>().CreatePractitionerAsync(username, name, "", manuallyApprovesFollowers);
        var token = await Get<TokenStore>().IssueAsync(actor.Id, "test", isOperator);
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new Practitioner(actor, $"{BaseUrl}/users/{username}", $"{username}@{Authority}", client);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await StopAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dataDirectory, recursive: true); }
        catch (IOException) { }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Real time plus an offset that a test moves forward.</summary>
public sealed class OffsetTimeProvider : TimeProvider
{
    public TimeSpan Offset { get; private set; }
    public void Advance(TimeSpan by) => Offset += by;
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
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
