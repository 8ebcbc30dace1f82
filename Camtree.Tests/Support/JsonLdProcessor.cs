using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Camtree.Tests.Support;

/// <summary>
/// A real JSON-LD processor (npm <c>jsonld</c>, Digital Bazaar's jsonld.js) run by Node.js from
/// <c>interop/jsonld-check/</c>: <c>expand.mjs</c> expands documents with contexts served from local copies only
/// (any other context URL fails the run) and says what became of every key. Installed on first use (<c>npm ci</c>).
/// </summary>
public static class JsonLdProcessor
{
    private static readonly SemaphoreSlim InstallLock = new(1, 1);

    public static string Directory => Path.Combine(RepositoryRoot(), "interop", "jsonld-check");

    /// <summary>Expands each document in one run of the processor; the results are in the same order.</summary>
    public static async Task<IReadOnlyList<JsonLdExpansion>> ExpandAsync(IReadOnlyList<JsonElement> documents)
    {
        var directory = Directory;
        await InstallAsync(directory);

        var start = new ProcessStartInfo("node")
        {
            ArgumentList = { "expand.mjs" },
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(JsonSerializer.Serialize(documents));
        process.StandardInput.Close();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"expand.mjs did not finish within 120 s:\n{await stderr}");
        }
        var output = await stdout;
        if (process.ExitCode != 0) throw new InvalidOperationException($"expand.mjs failed (exit {process.ExitCode}):\n{await stderr}");

        var results = JsonDocument.Parse(output).RootElement.Clone();
        return results.EnumerateArray().Select(r => new JsonLdExpansion(r)).ToList();
    }

    public static async Task<JsonLdExpansion> ExpandAsync(JsonElement document) => (await ExpandAsync([document]))[0];

    /// <summary>Installs the locked npm packages once per machine (what .ci/run also does).</summary>
    private static async Task InstallAsync(string directory)
    {
        await InstallLock.WaitAsync();
        try
        {
            if (System.IO.Directory.Exists(Path.Combine(directory, "node_modules", "jsonld"))) return;
            using var npm = Process.Start(new ProcessStartInfo("npm")
            {
                ArgumentList = { "ci", "--no-audit", "--no-fund" },
                WorkingDirectory = directory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            })!;
            var output = npm.StandardOutput.ReadToEndAsync();
            var errors = npm.StandardError.ReadToEndAsync();
            await npm.WaitForExitAsync();
            if (npm.ExitCode != 0) throw new InvalidOperationException($"npm ci failed in {directory}:\n{await errors}\n{await output}");
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

/// <summary>What the JSON-LD processor made of one document (see <c>interop/jsonld-check/README.md</c>).</summary>
public sealed class JsonLdExpansion(JsonElement result)
{
    /// <summary>The whole result as expand.mjs printed it.</summary>
    public JsonElement Result { get; } = result;

    /// <summary>The expanded form: an array of node objects.</summary>
    public JsonElement Expanded => Result.GetProperty("expanded");

    /// <summary>Keys that did not become a property IRI (dropped, or only a blank-node "_:key" via AS2's @vocab).</summary>
    public IReadOnlyList<string> DroppedKeys => Strings("droppedKeys");

    public IReadOnlyList<string> Properties => Strings("properties");
    public IReadOnlyList<string> Types => Strings("types");
    /// <summary>@type values that are not absolute IRIs.</summary>
    public IReadOnlyList<string> BadTypes => Strings("badTypes");

    /// <summary>Node references ("@id") that are not absolute IRIs: (IRI path to the value, the value).</summary>
    public IReadOnlyList<(string Path, string Value)> RelativeIris =>
        Result.GetProperty("relativeIris").EnumerateArray()
            .Select(r => (r.GetProperty("path").GetString()!, r.GetProperty("value").GetString()!)).ToList();

    /// <summary>The processor's warning events (jsonld.js codes), other than dropped properties.</summary>
    public IReadOnlyList<string> Warnings =>
        Result.GetProperty("warnings").EnumerateArray().Select(w => w.GetProperty("code").GetString()!).ToList();

    /// <summary>The IRIs a key expanded to, wherever it occurs in the document; empty when it never did.</summary>
    public IReadOnlyList<string> TermIris(string key) =>
        Result.GetProperty("terms").TryGetProperty(key, out var iris) ? iris.EnumerateArray().Select(i => i.GetString()!).ToList() : [];

    /// <summary>The values of a property of the first (top-level) node in the expanded form.</summary>
    public IReadOnlyList<JsonElement> Values(string propertyIri) =>
        Expanded[0].TryGetProperty(propertyIri, out var values) ? values.EnumerateArray().ToList() : [];

    private IReadOnlyList<string> Strings(string name) =>
        Result.GetProperty(name).EnumerateArray().Select(s => s.GetString()!).ToList();

    /// <summary>A one-line account of what went wrong, for assertion messages.</summary>
    public string Describe() => Result.TryGetProperty("dropped", out var dropped)
        ? $"dropped {dropped}; bad types [{string.Join(", ", BadTypes)}]; relative IRIs [{string.Join(", ", RelativeIris.Select(r => $"{r.Path} = {r.Value}"))}]; warnings [{string.Join(", ", Warnings)}]"
        : Result.ToString();
}
