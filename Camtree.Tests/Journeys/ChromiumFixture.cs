using Microsoft.Playwright;

namespace Camtree.Tests.Journeys;

/// <summary>
/// One Chromium for the browser tests: Debian's (<c>apt-get install chromium</c>, which <c>.ci/run</c> does; Playwright's
/// own browser downloads are not reachable here), headless, driven by Playwright's bundled driver. A machine without
/// it fails the tests with what to install, never skips them.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    /// <summary>Where screenshots are written (beside the test assembly; CI keeps the directory as artifacts).</summary>
    public static readonly string Artifacts = Path.Combine(AppContext.BaseDirectory, "browser-artifacts");

    private IPlaywright? _playwright;
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Debian's /usr/bin/chromium is a wrapper script; the binary it starts is this one.
        var executable = new[] { Environment.GetEnvironmentVariable("CAMTREE_CHROMIUM"), "/usr/lib/chromium/chromium", "/usr/bin/chromium" }
            .FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p))
            ?? throw new InvalidOperationException("Chromium is needed for the browser tests: apt-get install -y chromium (or set CAMTREE_CHROMIUM)");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            // Root in a container has no user namespaces for Chromium's sandbox; nothing but 127.0.0.1 is ever loaded.
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<ChromiumFixture>
{
    public const string Name = "Chromium";
}
