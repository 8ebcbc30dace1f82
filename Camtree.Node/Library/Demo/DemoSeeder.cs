using System.Text.Json;
using Camtree.Node.Storage;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Node.Library.Demo;

/// <summary>
/// Seeds a new, empty node with a small demo library (practitioners from four countries, reports in four
/// languages) so that a newcomer sees something real on first start. Runs only when no practitioner exists.
/// </summary>
public sealed class DemoSeeder(ActorStore actors, PractitionerService practitioners, ReportService reports, IServiceScopeFactory scopes,
    ILogger<DemoSeeder> logger)
{
    private sealed record DemoLibrary(List<DemoPractitioner> Practitioners, List<DemoReport> Reports);
    private sealed record DemoPractitioner(string Username, string DisplayName, string Summary, bool ManuallyApprovesFollowers);
    private sealed record DemoReport(
        string Author, string Language, string Title, string ResearchContext, string Aims, string Methods, string Findings, string Body,
        string Methodology, string EducationalLevel, string SubjectArea, string Country, string Setting, List<string> Themes, DateTimeOffset Published);

    public async Task SeedIfEmptyAsync()
    {
        if (await actors.CountAsync(AsTypes.Person) > 0) return;

        await using var stream = typeof(DemoSeeder).Assembly.GetManifestResourceStream("Camtree.Node.Library.Demo.demo-library.json")
            ?? throw new InvalidOperationException("the demo library is not embedded in the assembly");
        var demo = await JsonSerializer.DeserializeAsync<DemoLibrary>(stream, new JsonSerializerOptions(JsonSerializerDefaults.Web))
            ?? throw new InvalidOperationException("the demo library is empty");

        var authors = new Dictionary<string, LocalActor>();
        await using (var scope = scopes.CreateAsyncScope())
        {
            var accounts = scope.ServiceProvider.GetRequiredService<Accounts.AccountService>();
            foreach (var p in demo.Practitioners)
            {
                authors[p.Username] = await practitioners.CreatePractitionerAsync(p.Username, p.DisplayName, p.Summary, p.ManuallyApprovesFollowers);
                // A newcomer can sign in right after `dotnet run`: the sign-in page and the README say the password.
                // The first is the demo's operator, so that the operator page can be tried too.
                await accounts.SetPasswordAsync(p.Username, Web.AccountEndpoints.DemoPassword,
                    authors.Count == 1 ? Accounts.AccountRoles.Operator : Accounts.AccountRoles.Practitioner);
            }
        }
        foreach (var r in demo.Reports.OrderBy(r => r.Published))
        {
            await reports.PublishAsync(authors[r.Author], new ReportDraft
            {
                Title = r.Title, Language = r.Language, ResearchContext = r.ResearchContext, Aims = r.Aims, Methods = r.Methods,
                Findings = r.Findings, Body = r.Body, Methodology = r.Methodology, EducationalLevel = r.EducationalLevel,
                SubjectArea = r.SubjectArea, Country = r.Country, Setting = r.Setting, Themes = r.Themes, Published = r.Published,
            });
        }
        logger.LogInformation("Seeded the demo library: {Practitioners} practitioners, {Reports} reports", demo.Practitioners.Count, demo.Reports.Count);
    }
}
