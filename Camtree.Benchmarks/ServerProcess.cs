using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Camtree.Benchmarks;

/// <summary>
/// A server under measurement as its own operating-system process (<c>dotnet X.dll …</c>): the Camtree node, or the
/// raw Kestrel baseline. Its resident memory is sampled from the start; its CPU time is read from /proc.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly ConcurrentTail _output = new(40);

    private ServerProcess(string name, Process process)
    {
        Name = name;
        Process = process;
        Memory = new MemorySampler(process.Id);
    }

    public string Name { get; }
    public Process Process { get; }
    public MemorySampler Memory { get; }

    /// <summary>Starts <c>dotnet <paramref name="dll"/> <paramref name="arguments"/></c> and waits until <paramref name="readyUrl"/> answers 2xx.</summary>
    public static async Task<ServerProcess> StartAsync(string name, string dll, IEnumerable<string> arguments, string readyUrl,
        IDictionary<string, string>? environment = null)
    {
        if (!File.Exists(dll)) throw new FileNotFoundException($"{dll} is not built", dll);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {name}");
        var server = new ServerProcess(name, process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) server._output.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) server._output.Add(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"{name} exited with {process.ExitCode}:\n{server.RecentOutput()}");
            try
            {
                using var response = await http.GetAsync(readyUrl);
                if (response.IsSuccessStatusCode) return server;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                await server.DisposeAsync();
                throw new TimeoutException($"{name} did not answer {readyUrl} within 60 s:\n{server.RecentOutput()}");
            }
            await Task.Delay(100);
        }
    }

    public TimeSpan CpuTime() => Machine.CpuTime(Process);

    /// <summary>The last lines the process printed, for diagnostics.</summary>
    public string RecentOutput() => string.Join('\n', _output.Lines());

    /// <summary>Peak memory so far: the kernel's VmHWM and the largest sampled VmRSS, in MiB.</summary>
    public (double HighWaterMiB, double MaxSampledRssMiB) PeakMemory() =>
        ((Memory.HighWaterMarkKiB() ?? 0) / 1024.0, Memory.MaxSampledRssKiB / 1024.0);

    public async ValueTask DisposeAsync()
    {
        await Memory.DisposeAsync();
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync();
        }
        Process.Dispose();
    }

    /// <summary>A free TCP port on 127.0.0.1 (for a server that is started with its URL on the command line).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class ConcurrentTail(int capacity)
    {
        private readonly Queue<string> _lines = new();
        public void Add(string line)
        {
            lock (_lines)
            {
                _lines.Enqueue(line);
                while (_lines.Count > capacity) _lines.Dequeue();
            }
        }
        public string[] Lines() { lock (_lines) return [.. _lines]; }
    }
}
