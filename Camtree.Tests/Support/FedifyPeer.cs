using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Camtree.Tests.Support;

/// <summary>
/// A real ActivityPub server written by others: Fedify (npm <c>@fedify/fedify</c>) run by Node.js on loopback,
/// from <c>interop/fedify-peer/</c>. Tests drive it through its control API and read what it received.
/// Its npm packages are installed on first use (<c>npm ci</c>), so <c>dotnet test</c> alone is enough.
/// </summary>
public sealed class FedifyPeer : IAsyncDisposable
{
    private static readonly SemaphoreSlim InstallLock = new(1, 1);
    private readonly Process _process;
    private readonly StringBuilder _log;

    private FedifyPeer(Process process, StringBuilder log, string baseUrl)
    {
        _process = process;
        _log = log;
        BaseUrl = baseUrl;
        Control = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };
    }

    public string BaseUrl { get; }
    public string Authority => new Uri(BaseUrl).Authority;
    public string ActorIri => $"{BaseUrl}/users/fedi";
    public string Handle => $"fedi@{Authority}";
    public HttpClient Control { get; }
    /// <summary>What the peer logged (Fedify's signature and delivery logs included), for assertions and failures.</summary>
    public string Log { get { lock (_log) return _log.ToString(); } }

    /// <param name="firstKnock">The signature scheme Fedify tries first: <c>rfc9421</c> or <c>draft-cavage-http-signatures-12</c>.</param>
    public static async Task<FedifyPeer> StartAsync(string firstKnock = "rfc9421")
    {
        var directory = Path.Combine(RepositoryRoot(), "interop", "fedify-peer");
        await InstallAsync(directory);

        var log = new StringBuilder();
        var start = new ProcessStartInfo("node")
        {
            ArgumentList = { "peer.mjs", "--port", "0", "--first-knock", firstKnock },
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith("READY ", StringComparison.Ordinal) == true) ready.TrySetResult(e.Data[6..].Trim());
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"the Fedify peer exited:\n{log}"));
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var baseUrl = await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return new FedifyPeer(process, log, baseUrl);
    }

    public async Task<JsonElement> PostAsync(string path, object body)
    {
        using var response = await Control.PostAsJsonAsync(path, body);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"peer {path} answered {(int)response.StatusCode}: {json}\n{Log}");
        return json;
    }

    /// <summary>The activities the peer received (and Fedify verified), in arrival order.</summary>
    public async Task<IReadOnlyList<JsonElement>> ReceivedAsync() =>
        (await Control.GetFromJsonAsync<JsonElement>("/_control/received")).EnumerateArray().ToList();

    /// <summary>Waits for a received activity that matches.</summary>
    public Task<JsonElement> WaitForAsync(Func<JsonElement, bool> match, string what) =>
        Eventually.GetAsync<object>(async () => (await ReceivedAsync()).Where(match).Select(a => (object?)a).FirstOrDefault(), what)
            .ContinueWith(t => t.IsFaulted ? throw new TimeoutException($"{t.Exception!.InnerException!.Message}\npeer log:\n{Log}") : (JsonElement)t.Result);

    public async ValueTask DisposeAsync()
    {
        Control.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    /// <summary>Installs the peer's locked npm packages once per machine (what .ci/run also does).</summary>
    private static async Task InstallAsync(string directory)
    {
        await InstallLock.WaitAsync();
        try
        {
            if (Directory.Exists(Path.Combine(directory, "node_modules", "@fedify", "fedify"))) return;
            var npm = Process.Start(new ProcessStartInfo("npm")
            {
                ArgumentList = { "ci", "--no-audit", "--no-fund" },
                WorkingDirectory = directory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var output = await npm.StandardError.ReadToEndAsync();
            await npm.WaitForExitAsync();
            if (npm.ExitCode != 0) throw new InvalidOperationException($"npm ci failed in {directory}:\n{output}");
        }
        finally { InstallLock.Release(); }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "Camtree.sln"))) return directory.FullName;
        throw new InvalidOperationException("Camtree.sln not found above the test binaries");
    }
}
