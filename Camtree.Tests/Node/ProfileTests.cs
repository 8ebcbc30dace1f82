using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Camtree.Node.Accounts;
using Camtree.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Camtree.Tests.Node;

/// <summary>
/// A practitioner's profile from the browser: the settings page fills it in (affiliation, ORCID iD, country, languages),
/// the actor document publishes it (Mastodon's profile fields and schema.org terms), and the profile page shows it with a
/// Follow button for a signed-in colleague.
/// </summary>
public sealed class ProfileTests : IAsyncLifetime
{
    private TestNode _node = null!;

    public async Task InitializeAsync() => _node = await TestNode.StartAsync("profiles");

    public async Task DisposeAsync() => await _node.DisposeAsync();

    private static List<KeyValuePair<string, string>> Profile(string orcid, string country, params string[] languages) =>
    [
        new("displayName", "Ana Souza"), new("summary", "Anos iniciais."), new("affiliation", "EMEF Paulo Freire"), new("orcid", orcid), new("country", country),
        .. languages.Select(l => new KeyValuePair<string, string>("languages", l)),
    ];

    [Fact]
    public async Task The_settings_page_fills_in_the_profile_that_the_actor_and_the_profile_page_show()
    {
        var ana = await _node.AddPractitionerAsync("ana", "Ana Souza");
        using var browser = await _node.SignInAsync("ana", "exit tickets every friday");
        // Typed as people type it: bare, without hyphens; stored as its URI.
        using (var saved = await browser.SubmitAsync("/settings", "/settings/profile", Profile("000000021825 0097".Replace(" ", ""), "BR", "pt-BR", "es")))
            Assert.Equal("/settings?done=profile", saved.Headers.Location!.OriginalString);

        using var request = new HttpRequestMessage(HttpMethod.Get, ana.Iri);
        request.Headers.Accept.ParseAdd("application/activity+json");
        using var response = await _node.Http.SendAsync(request);
        var actor = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("EMEF Paulo Freire", actor.GetProperty("affiliation").GetString());
        Assert.Equal("https://orcid.org/0000-0002-1825-0097", actor.GetProperty("sameAs").GetString());
        Assert.Equal("BR", actor.GetProperty("country").GetString());
        Assert.Equal(["pt-BR", "es"], actor.GetProperty("knowsLanguage").EnumerateArray().Select(l => l.GetString()!).ToArray());
        var fields = actor.GetProperty("attachment").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("value").GetString()!);
        Assert.All(actor.GetProperty("attachment").EnumerateArray(), f => Assert.Equal("PropertyValue", f.GetProperty("type").GetString()));
        Assert.Equal("EMEF Paulo Freire", fields["Affiliation"]);
        Assert.Contains("href=\"https://orcid.org/0000-0002-1825-0097\"", fields["ORCID iD"]);
        Assert.Equal("Brazil", fields["Country"]);

        var page = await _node.Http.GetStringAsync("/@ana");
        Assert.Contains("<dd>EMEF Paulo Freire</dd>", page);
        Assert.Contains("href=\"https://orcid.org/0000-0002-1825-0097\"", page);
        Assert.Contains("<dd>Brazil</dd>", page);
        // The settings page shows what is stored, ready to change.
        var settings = await browser.PageAsync("/settings");
        Assert.Contains("value=\"https://orcid.org/0000-0002-1825-0097\"", settings);
        Assert.Contains("<option value=\"BR\" selected>", settings);
        Assert.Contains("id=\"language-es\" name=\"languages\" value=\"es\" checked", settings);
    }

    [Fact]
    public async Task A_wrong_ORCID_iD_an_unknown_country_and_too_many_languages_are_listed_and_what_was_typed_is_kept()
    {
        await _node.AddPractitionerAsync("ana", "Ana Souza");
        using var browser = await _node.SignInAsync("ana", "exit tickets every friday");
        // The last character of ORCID's own example changed: its check character no longer checks out.
        using var wrong = await browser.SubmitAsync("/settings", "/settings/profile",
            Profile("0000-0002-1825-0098", "ZZ", "en", "es", "pt-BR", "pt-PT", "fil", "fr", "de", "it", "ca", "cy", "ga"));
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        var html = await wrong.Content.ReadAsStringAsync();
        Assert.Contains("<a href=\"#orcid\">an ORCID iD is sixteen characters", html);
        Assert.Contains("<a href=\"#country\">choose a country from the list</a>", html);
        Assert.Contains("<a href=\"#languages\">list at most 10 languages</a>", html);
        Assert.Contains("value=\"0000-0002-1825-0098\"", html);
        Assert.Contains("value=\"EMEF Paulo Freire\"", html);
        Assert.Contains("aria-invalid=\"true\"", html);
        // Nothing was stored.
        Assert.Equal("", (await _node.Get<Camtree.Node.Storage.ActorStore>().FindByUsernameAsync("ana"))!.Affiliation);
    }

    [Fact]
    public async Task A_colleague_follows_from_the_profile_page_and_a_visitor_is_told_how()
    {
        await _node.AddPractitionerAsync("ana", "Ana Souza");
        await _node.AddPractitionerAsync("bea", "Bea Santos");
        var visitor = await _node.Http.GetStringAsync("/@ana");
        Assert.Contains($"search there for @ana@{_node.Authority}", visitor);
        Assert.DoesNotContain("action=\"/follow\"", visitor);

        using var ana = await _node.SignInAsync("ana", "exit tickets every friday");
        Assert.Contains("href=\"/settings\">Edit your profile</a>", await ana.PageAsync("/@ana"));

        using var bea = await _node.SignInAsync("bea", "lesson study in year four");
        Assert.Contains("Follow Ana Souza</button>", await bea.PageAsync("/@ana"));
        using (var follow = await bea.SubmitAsync("/@ana", "/follow", new Dictionary<string, string> { ["target"] = $"{_node.BaseUrl}/users/ana", ["back"] = "/@ana" }))
            Assert.Equal("/@ana", follow.Headers.Location!.OriginalString);
        await Eventually.TrueAsync(async () => (await bea.PageAsync("/@ana")).Contains("You follow Ana Souza."), "Ana's Accept");

        // "back" is a path on this node or nothing: another site's address is not followed.
        await _node.AddPractitionerAsync("caio", "Caio Lima");
        using var away = await bea.SubmitAsync("/@caio", "/follow", new Dictionary<string, string> { ["target"] = $"{_node.BaseUrl}/users/caio", ["back"] = "https://evil.example/" });
        Assert.StartsWith("/find?who=", away.Headers.Location!.OriginalString);
    }
}
