using System.Reflection;
using Camtree.Node.Api;
using Camtree.Node.Configuration;
using Camtree.Node.Federation;
using Camtree.Node.Library;
using Camtree.Node.Library.Demo;
using Camtree.Node.Oai;
using Camtree.Node.Security;
using Camtree.Node.Storage;
using Camtree.Node.Web;
using Microsoft.Extensions.Options;

namespace Camtree.Node;

/// <summary>Builds, initialises and runs a Camtree node. Tests use the same entry points with their own settings.</summary>
public static class NodeApp
{
    /// <summary>The software version (Directory.Build.props), as NodeInfo and the User-Agent give it.</summary>
    public static readonly string Version =
        typeof(NodeApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];

    /// <summary>
    /// Builds the web application; <paramref name="settings"/> override configuration (tests, CLI), and
    /// <paramref name="services"/> registers services first (a test's clock, which the node then uses).
    /// </summary>
    public static WebApplication Build(string[] args, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        services?.Invoke(builder.Services);
        // No request body is larger than a federated document (inbox POSTs are the largest), plus room for API drafts.
        var documentBytes = builder.Configuration.GetSection($"{NodeOptions.Section}:Limits").Get<LimitsOptions>()?.DocumentBytes ?? new LimitsOptions().DocumentBytes;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = Math.Max(2 * 1024 * 1024, documentBytes + 64 * 1024));

        builder.Services
            .AddCamtreeStorage()
            .AddCamtreeFederation()
            .AddCamtreeLibrary()
            .AddCamtreeApi()
            .AddCamtreeAccounts()
            .AddCamtreeRateLimits(builder.Configuration.GetSection($"{NodeOptions.Section}:Limits").Get<LimitsOptions>() ?? new LimitsOptions())
            .AddSingleton<Pages>();
        // Pages are Razor components rendered on the server (no interactivity, no script).
        builder.Services.AddRazorComponents();
        // The interface in the visitor's language (resource files in Web/Localization); dates and numbers in its culture.
        builder.Services.AddLocalization();
        builder.Services.AddSingleton<Web.Localization.InterfaceLanguages>();
        // Reports are in many languages: letters stay letters in pages (only what HTML needs is encoded).
        builder.Services.AddWebEncoders(encoders => encoders.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));

        var app = builder.Build();
        var languages = app.Services.GetRequiredService<Web.Localization.InterfaceLanguages>();
        app.UseRequestLocalization(languages.Configure);
        app.UseSecurityHeaders();
        app.UseNegotiatedErrors();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapAssets();
        app.MapWellKnown();
        app.MapActors();
        app.MapInboxes();
        app.MapObjects();
        app.MapLibraryCollection();
        app.MapOai();
        app.MapApi();
        app.MapSearchApi();
        app.MapInteractions();
        app.MapAdmin();
        app.MapWeb();
        app.MapSearchPages();
        app.MapAccounts();
        app.MapEditor();
        app.MapAttachments();
        app.MapConnect();
        app.MapOperator();
        return app;
    }

    /// <summary>Migrates the database, creates the library actor, and seeds the demo library when configured.</summary>
    public static async Task InitializeAsync(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<NodeOptions>>().Value;
        await services.GetRequiredService<Database>().MigrateAsync();
        var library = await services.GetRequiredService<PractitionerService>().EnsureLibraryActorAsync();
        // Every actor has an Ed25519 key for object proofs (actors made before keys existed get theirs now).
        var keys = services.GetRequiredService<ActorKeyStore>();
        foreach (var actor in await services.GetRequiredService<ActorStore>().ListAsync()) await keys.CurrentAsync(actor.Id);
        services.GetRequiredService<SigningKeys>().SetInstanceActor(library);
        if (options.SeedDemo) await services.GetRequiredService<DemoSeeder>().SeedIfEmptyAsync();
        // Every theme of a report written here has its group (reports published before groups existed get theirs now).
        var themes = await services.GetRequiredService<ThemeGroupStore>().ThemesWithoutGroupAsync();
        if (themes.Count > 0) await services.GetRequiredService<Library.Themes.ThemeGroups>().EnsureAsync(themes);
    }

    /// <summary>Runs a node until it is stopped.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var app = Build(args);
        await InitializeAsync(app.Services);
        var options = app.Services.GetRequiredService<IOptions<NodeOptions>>().Value;
        app.Logger.LogInformation("Camtree node {Name} at {PublicUrl}, data in {Database}", options.NodeName, options.PublicUrl, options.DatabasePath);
        await app.RunAsync();
        return 0;
    }
}
