using System.Diagnostics;

namespace Camtree.Tests.Support;

/// <summary>
/// A Camtree node as a separate operating-system process (the built <c>Camtree.Node.dll</c>), so that a test
/// can kill it outright (SIGKILL, no shutdown) and start it again over the same data directory.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private NodeProcess(Process process) => _process = process;

    /// <param name="baseUrl">Where this process listens.</param>
    /// <param name="settings">More configuration (<c>Camtree:…</c> keys), say a PostgreSQL database and the public URL of several processes.</param>
    public static async Task<NodeProcess> StartAsync(string baseUrl, string dataDirectory, IReadOnlyDictionary<string, string>? settings = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Camtree.Node.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                dll, "--urls", baseUrl, $"--Camtree:PublicUrl={baseUrl}", $"--Camtree:DataDirectory={dataDirectory}",
                "--Camtree:SeedDemo=false", "--Camtree:AllowPrivateNetworks=true", "--Logging:LogLevel:Default=Warning",
            },
            RedirectStandardOutput = true,
            // The process finds its appsettings.json beside its dll, not in the test's directory.
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Later arguments win: these override the defaults above (PublicUrl among them).
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) start.ArgumentList.Add($"--{key}={value}");
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the node process");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Eventually.TrueAsync(async () =>
        {
            if (process.HasExited) throw new InvalidOperationException($"the node process exited with {process.ExitCode}");
            try { return (await http.GetAsync($"{baseUrl}/nodeinfo/2.1")).IsSuccessStatusCode; }
            catch (HttpRequestException) { return false; }
            catch (TaskCanceledException) { return false; }
        }, $"the node process at {baseUrl} to answer", seconds: 60);
        return new NodeProcess(process);
    }

    /// <summary>Kills the process at once: no graceful shutdown, whatever was in flight is cut off.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
