using System.Diagnostics;
using Npgsql;

namespace Camtree.Tests.Support;

/// <summary>
/// A real PostgreSQL server for the tests: Debian's <c>postgresql</c> package (which <c>.ci/run</c> installs), a fresh
/// cluster in a temporary directory, listening on 127.0.0.1 at a free port, started once per test run and stopped when
/// the run ends. Each test class takes its own database (<see cref="CreateDatabaseAsync"/>). Running as root (as CI
/// does), the cluster belongs to the <c>postgres</c> user, since PostgreSQL refuses to run as root. Nothing is skipped
/// when PostgreSQL is missing: the first test that needs it fails and says how to install it.
/// </summary>
public sealed class PostgresServer
{
    private static readonly Lazy<Task<PostgresServer>> Shared = new(StartAsync);

    private readonly string _directory;
    private readonly string _binaries;
    private readonly int _port;

    private PostgresServer(string directory, string binaries, int port) => (_directory, _binaries, _port) = (directory, binaries, port);

    public static Task<PostgresServer> GetAsync() => Shared.Value;

    private string AdminConnectionString => $"Host=127.0.0.1;Port={_port};Username=camtree;Database=postgres;Pooling=false";

    /// <summary>A fresh database on the shared server with Camtree's PostgreSQL migrations applied, for one test class.</summary>
    public static async Task<Camtree.Node.Storage.Postgres.PostgresDatabase> CreateMigratedDatabaseAsync()
    {
        var database = new Camtree.Node.Storage.Postgres.PostgresDatabase(await (await GetAsync()).CreateDatabaseAsync());
        await database.MigrateAsync();
        return database;
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"t_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        return $"Host=127.0.0.1;Port={_port};Username=camtree;Database={name};Maximum Pool Size=10;Connection Idle Lifetime=10";
    }

    private static async Task<PostgresServer> StartAsync()
    {
        var binaries = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "initdb"))).OrderByDescending(b => b, StringComparer.Ordinal).FirstOrDefault()
            : null;
        if (binaries is null)
            throw new InvalidOperationException("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): apt-get install -y postgresql");

        var directory = Path.Combine(Path.GetTempPath(), "camtree-tests", $"pg-{Guid.NewGuid():N}");
        var data = Path.Combine(directory, "data");
        Directory.CreateDirectory(directory);
        var asRoot = Environment.UserName == "root";
        if (asRoot) await RunAsync("chown", ["postgres:postgres", directory], asPostgres: false);
        var port = TestNode.FreePort();
        await RunAsync(Path.Combine(binaries, "initdb"), ["-D", data, "-A", "trust", "-U", "camtree", "-E", "UTF8", "--no-sync", "--no-instructions"], asRoot);
        await RunAsync(Path.Combine(binaries, "pg_ctl"),
        [
            "-D", data, "-l", Path.Combine(directory, "server.log"), "-w", "-t", "60",
            "-o", $"-c listen_addresses=127.0.0.1 -p {port} -k {directory} -c fsync=off -c max_connections=1000 -c shared_buffers=32MB", "start",
        ], asRoot);
        var server = new PostgresServer(directory, binaries, port);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop(asRoot);
        return server;
    }

    private void Stop(bool asRoot)
    {
        try
        {
            RunAsync(Path.Combine(_binaries, "pg_ctl"), ["-D", Path.Combine(_directory, "data"), "-m", "immediate", "-w", "stop"], asRoot).Wait(TimeSpan.FromSeconds(20));
            Directory.Delete(_directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or AggregateException or InvalidOperationException) { }
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : program) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (asPostgres) foreach (var a in new[] { "-u", "postgres", "--", program }) start.ArgumentList.Add(a);
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(program)} exited {process.ExitCode}: {await error}{await output}");
    }
}
