using System.Globalization;

namespace Camtree.Benchmarks;

/// <summary>The command line of the benchmark.</summary>
public sealed record Options
{
    /// <summary>Length of each timed load window (the raw baseline and the node's inbox), in seconds.</summary>
    public int Seconds { get; init; } = 10;
    /// <summary>Warm-up before each timed window, in seconds (not counted).</summary>
    public int WarmupSeconds { get; init; } = 2;
    /// <summary>Concurrent client workers (and at most as many keep-alive connections).</summary>
    public int Concurrency { get; init; } = 32;
    /// <summary>Followers of the publishing author in each fan-out.</summary>
    public int Followers { get; init; } = 10_000;
    /// <summary>Distinct shared inboxes the followers sit behind: the deliveries of one report.</summary>
    public int Inboxes { get; init; } = 500;
    /// <summary>
    /// How many receiving hosts (host:port authorities) the inboxes are spread over, one fan-out each: 1 (every
    /// inbox on one server) and <see cref="Inboxes"/> (each inbox its own server) by default.
    /// </summary>
    public IReadOnlyList<int> FanOutHosts { get; init; } = [];
    /// <summary>
    /// Parallel workers of the driver's own sign-and-POST reference for a fan-out; 0: as many as the node's
    /// DeliveryWorker would have in flight to those hosts (its Parallelism, at most PerHostInFlight per host).
    /// </summary>
    public int ReferenceParallelism { get; init; }

    public int ReferenceParallelismFor(int hosts) => ReferenceParallelism > 0 ? ReferenceParallelism
        : Math.Min(Camtree.Node.Jobs.DeliveryWorker.Parallelism, Camtree.Node.Jobs.DeliveryWorker.PerHostInFlight * hosts);
    /// <summary>Skip phases (for working on one of them).</summary>
    public bool SkipInbox { get; init; }
    public bool SkipFanOut { get; init; }
    /// <summary>
    /// Before each timed part, wait up to this many seconds for the machine to be quiet (other processes below 10 %
    /// of the cores over a second); 0 does not wait. Every figure reports what others used either way.
    /// </summary>
    public int WaitQuietSeconds { get; init; }
    /// <summary>Leave the nodes' data directories in place for inspection.</summary>
    public bool KeepData { get; init; }
    /// <summary>An empty PostgreSQL database: the inbox is measured again on it, with two node processes sharing it.</summary>
    public string? Postgres { get; init; }

    public const string Usage = """
        Camtree benchmark: inbox throughput, fan-out and node memory, against a raw Kestrel baseline, in one run.

        dotnet run -c Release --project Camtree.Benchmarks -- [options]

          --seconds N         timed window of the raw and the inbox load (default 10)
          --warmup N          warm-up before each timed window (default 2)
          --concurrency N     concurrent client workers / connections (default 32)
          --followers N       followers of the publishing author per fan-out (default 10000)
          --inboxes N         distinct shared inboxes behind them, i.e. deliveries per report (default 500)
          --fanout-hosts L    comma list: over how many host:port the inboxes are spread, one fan-out each
                              (default "1,<inboxes>")
          --reference-parallelism N   workers of the driver's own sign+POST reference (default: what the node's
                              DeliveryWorker allows to those hosts, min(Parallelism, PerHostInFlight × hosts))
          --wait-quiet N      before each timed part wait up to N s for other processes to use < 10 % of the
                              cores (default 0: no wait; what others used is reported either way)
          --postgres CS       also measure the inbox on PostgreSQL (CS: an empty database's Npgsql connection string),
                              two node processes on it, the load spread over both
          --skip-inbox, --skip-fanout, --keep-data
        """;

    public static Options? Parse(string[] args)
    {
        var options = new Options();
        string? hosts = null;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value");
            int Positive() => int.Parse(Value(), CultureInfo.InvariantCulture) is var v and > 0 ? v : throw new ArgumentException($"{name} must be positive");
            switch (name)
            {
                case "--seconds": options = options with { Seconds = Positive() }; break;
                case "--warmup": options = options with { WarmupSeconds = Positive() }; break;
                case "--concurrency": options = options with { Concurrency = Positive() }; break;
                case "--followers": options = options with { Followers = Positive() }; break;
                case "--inboxes": options = options with { Inboxes = Positive() }; break;
                case "--fanout-hosts": hosts = Value(); break;
                case "--reference-parallelism": options = options with { ReferenceParallelism = Positive() }; break;
                case "--wait-quiet": options = options with { WaitQuietSeconds = int.Parse(Value(), CultureInfo.InvariantCulture) }; break;
                case "--skip-inbox": options = options with { SkipInbox = true }; break;
                case "--skip-fanout": options = options with { SkipFanOut = true }; break;
                case "--keep-data": options = options with { KeepData = true }; break;
                case "--postgres": options = options with { Postgres = Value() }; break;
                case "-h" or "--help": return null;
                default: throw new ArgumentException($"unknown option {name}");
            }
        }
        if (options.Inboxes > options.Followers) throw new ArgumentException("--inboxes cannot exceed --followers");
        List<int> fanOutHosts = hosts is null
            ? (options.Inboxes == 1 ? [1] : [1, options.Inboxes])
            : [.. hosts.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(h => int.Parse(h, CultureInfo.InvariantCulture))];
        if (fanOutHosts.Count == 0 || fanOutHosts.Any(h => h < 1 || h > options.Inboxes))
            throw new ArgumentException("each --fanout-hosts value is between 1 and --inboxes");
        return options with { FanOutHosts = fanOutHosts };
    }
}
