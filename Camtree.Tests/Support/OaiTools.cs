using System.Diagnostics;
using System.Text;

namespace Camtree.Tests.Support;

/// <summary>
/// Software others wrote that reads OAI-PMH: libxml2's <c>xmllint</c> validating a response against the OAI-PMH
/// schema (with the oai_dc and camtree schemas, all local copies in <c>Fixtures/Oai</c>), and Debian's
/// <c>HTTP::OAI::Harvester</c> (libhttp-oai-perl) run by <c>interop/oai-harvest/harvest.pl</c>. <c>.ci/run</c> installs both.
/// </summary>
public static class OaiTools
{
    private static string SchemaDirectory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Oai");

    /// <summary>Fails the test, with xmllint's reasons, unless the response is valid.</summary>
    public static async Task AssertValidAsync(byte[] xml)
    {
        var file = Path.Combine(Path.GetTempPath(), $"camtree-oai-{Guid.NewGuid():N}.xml");
        await File.WriteAllBytesAsync(file, xml);
        try
        {
            var (exit, _, stderr) = await RunAsync("xmllint", ["--noout", "--nonet", "--schema", Path.Combine(SchemaDirectory, "harvest.xsd"), file]);
            if (exit == 0) return;
            var text = Encoding.UTF8.GetString(xml);
            Assert.Fail($"xmllint found the response invalid:\n{stderr}\n{text[..Math.Min(text.Length, 4000)]}");
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>One line the harvester printed: <c>identify</c>, <c>record</c> or <c>error</c>, then its fields.</summary>
    public sealed record HarvestLine(string Kind, string[] Fields);

    public sealed record Harvest(IReadOnlyList<HarvestLine> Lines)
    {
        public string ResponseDate => Lines.First(l => l.Kind == "identify").Fields[0];
        public IReadOnlyList<HarvestLine> Records => [.. Lines.Where(l => l.Kind == "record")];
        public IReadOnlyList<string> Errors => [.. Lines.Where(l => l.Kind == "error").Select(l => l.Fields[0])];
    }

    public static async Task<Harvest> HarvestAsync(string baseUrl, string verb, string metadataPrefix, string? from = null, string? set = null)
    {
        var (exit, stdout, stderr) = await RunAsync("perl",
            [Path.Combine(SchemaDirectory, "harvest.pl"), baseUrl, verb, metadataPrefix, from ?? "", set ?? ""]);
        Assert.True(exit == 0, $"the harvest failed (exit {exit}):\n{stdout}\n{stderr}");
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('\t')).Select(f => new HarvestLine(f[0], f[1..])).ToList();
        return new Harvest(lines);
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string program, string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // Nothing but loopback: no proxy may carry the harvester elsewhere.
        foreach (var variable in new[] { "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY" })
            start.Environment.Remove(variable);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not finish within 180 s:\n{await stderr}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
