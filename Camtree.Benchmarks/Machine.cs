using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Camtree.Benchmarks;

/// <summary>What the machine is, and what a process uses of it (Linux /proc).</summary>
public static class Machine
{
    public static int Cores => Environment.ProcessorCount;

    public static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { return RuntimeInformation.ProcessArchitecture.ToString(); }
    }

    public static string MemoryTotal() => StatusField("/proc/meminfo", "MemTotal") is { } kib ? $"{kib / 1024.0 / 1024:0.0} GiB" : "?";

    /// <summary>1-, 5- and 15-minute load averages: other work on the machine shows here.</summary>
    public static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "?"; }
    }

    /// <summary>A <c>kB</c> field of a /proc status file (VmRSS, VmHWM, MemTotal), in KiB.</summary>
    public static long? StatusField(string path, string field)
    {
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                if (!line.StartsWith(field + ":", StringComparison.Ordinal)) continue;
                var digits = new string(line.AsSpan(field.Length + 1).Trim().ToString().TakeWhile(char.IsDigit).ToArray());
                return long.Parse(digits, CultureInfo.InvariantCulture);
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }

    public static long? ProcessStatusKiB(int pid, string field) => StatusField($"/proc/{pid}/status", field);

    /// <summary>User + system CPU time of a process so far.</summary>
    public static TimeSpan CpuTime(Process process)
    {
        try
        {
            process.Refresh();
            return process.TotalProcessorTime;
        }
        catch (InvalidOperationException) { return TimeSpan.Zero; } // exited
    }

    public static TimeSpan OwnCpuTime() => Process.GetCurrentProcess().TotalProcessorTime;
}

/// <summary>Peak resident memory of a process: VmRSS sampled every 50 ms, and the kernel's own high-water mark (VmHWM).</summary>
public sealed class MemorySampler : IAsyncDisposable
{
    private readonly int _pid;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _maxRssKiB;

    public MemorySampler(int pid)
    {
        _pid = pid;
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                if (Machine.ProcessStatusKiB(_pid, "VmRSS") is { } rss && rss > Interlocked.Read(ref _maxRssKiB))
                    Interlocked.Exchange(ref _maxRssKiB, rss);
                try { await Task.Delay(50, _stop.Token); }
                catch (OperationCanceledException) { }
            }
        });
    }

    /// <summary>The largest VmRSS sampled so far.</summary>
    public long MaxSampledRssKiB => Interlocked.Read(ref _maxRssKiB);

    /// <summary>The kernel's peak resident set of the process so far (read before the process ends).</summary>
    public long? HighWaterMarkKiB() => Machine.ProcessStatusKiB(_pid, "VmHWM");

    public long? CurrentRssKiB() => Machine.ProcessStatusKiB(_pid, "VmRSS");

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}

/// <summary>
/// CPU used over a window by the driver, by the server under load, by every other process on the machine, and by the
/// kernel's interrupt handling (loopback networking) and the hypervisor (steal), from /proc, each as a share of all
/// cores. "Others" shows when the machine was not quiet.
/// </summary>
public sealed record CpuShare(TimeSpan Driver, TimeSpan? Server, TimeSpan Others, TimeSpan Interrupts, TimeSpan Steal, TimeSpan Wall)
{
    public double DriverShare => Share(Driver);
    public double? ServerShare => Server is { } s ? Share(s) : null;
    public double OthersShare => Math.Max(0, Share(Others));
    public double InterruptShare => Share(Interrupts);
    public double StealShare => Share(Steal);

    private double Share(TimeSpan time) => time / (Wall * Machine.Cores);

    public override string ToString() =>
        $"CPU: driver {DriverShare:P0}" + (ServerShare is { } server ? $", server {server:P0}" : "") +
        $", others {OthersShare:P0}, irq {InterruptShare:P0}" + (StealShare >= 0.01 ? $", steal {StealShare:P0}" : "") + $" of {Machine.Cores} cores";

    /// <summary>Starts measuring; call the returned function at the end of the window.</summary>
    public static Func<CpuShare> Start(Process? server)
    {
        var machine = MachineTimes();
        var driver = Machine.OwnCpuTime();
        var serverStart = server is null ? (TimeSpan?)null : Machine.CpuTime(server);
        var clock = Stopwatch.StartNew();
        return () =>
        {
            var wall = clock.Elapsed;
            var driverUsed = Machine.OwnCpuTime() - driver;
            TimeSpan? serverUsed = server is null ? null : Machine.CpuTime(server) - serverStart!.Value;
            var now = MachineTimes();
            return new CpuShare(driverUsed, serverUsed, now.Processes - machine.Processes - driverUsed - (serverUsed ?? TimeSpan.Zero),
                now.Interrupts - machine.Interrupts, now.Steal - machine.Steal, wall);
        };
    }

    /// <summary>
    /// Waits until other processes use less than <paramref name="threshold"/> of the cores over one second, at most
    /// <paramref name="bound"/>; returns their share in the last second.
    /// </summary>
    public static async Task<double> WaitForQuietAsync(TimeSpan bound, Process? server, double threshold = 0.10)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var window = Start(server);
            await Task.Delay(1000);
            var others = window().OthersShare;
            if (others < threshold || clock.Elapsed >= bound) return others;
        }
    }

    /// <summary>
    /// The machine's CPU time so far from /proc/stat's first line (USER_HZ = 100): processes (user, nice, system),
    /// interrupts (irq, softirq) and steal.
    /// </summary>
    private static (TimeSpan Processes, TimeSpan Interrupts, TimeSpan Steal) MachineTimes()
    {
        try
        {
            var f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            static TimeSpan Ticks(long ticks) => TimeSpan.FromSeconds(ticks / 100.0);
            return (Ticks(f[0] + f[1] + f[2]), Ticks(f[5] + f[6]), Ticks(f[7]));
        }
        catch (Exception e) when (e is IOException or FormatException or InvalidOperationException or IndexOutOfRangeException)
        {
            return default;
        }
    }
}
