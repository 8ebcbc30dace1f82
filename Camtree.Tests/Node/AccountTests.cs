using System.Net;
using Camtree.Node;
using Camtree.Node.Accounts;
using Camtree.Node.Cli;
using Camtree.Node.Storage;
using Camtree.Tests.Support;
using Dapper;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Camtree.Tests.Node;

/// <summary>
/// Signing in with a browser (forms, no script) on a real node: the demo's stated password, wrong passwords and
/// lockout, antiforgery, joining by invitation or by open registration, signing out everywhere, a suspended account,
/// and the operator's command line for passwords and invitations.
/// </summary>
public sealed class AccountTests : IAsyncLifetime
{
    private TestNode _node = null!;

    public async Task InitializeAsync() => _node = await TestNode.StartAsync("accounts", seedDemo: true);

    public async Task DisposeAsync() => await _node.DisposeAsync();

    private static Dictionary<string, string> Credentials(string userName, string password) => new() { ["userName"] = userName, ["password"] = password };

    private async Task<Browser> SignedInAsync(string userName = "hannah_whitfield", string password = "camtree-demo")
    {
        var browser = new Browser(_node.BaseUrl);
        using var signedIn = await browser.SubmitAsync("/sign-in", "/sign-in", Credentials(userName, password));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return browser;
    }

    [Fact]
    public async Task A_demo_practitioner_signs_in_with_the_password_the_sign_in_page_states()
    {
        using var browser = new Browser(_node.BaseUrl);
        using (var anonymous = await browser.GetAsync("/settings"))
        {
            Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
            Assert.StartsWith("/sign-in", anonymous.Headers.Location!.PathAndQuery);
        }
        var page = await browser.PageAsync("/sign-in");
        Assert.Contains("camtree-demo", page);
        Assert.Contains("hannah_whitfield", page);
        Assert.Contains("<label for=\"username\">", page);

        using var signedIn = await browser.SubmitAsync("/sign-in", "/sign-in", Credentials("Hannah_Whitfield", "camtree-demo"));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/settings", signedIn.Headers.Location!.OriginalString);
        var settings = await browser.PageAsync("/settings");
        Assert.Contains("Signed in as <strong>Hannah Whitfield</strong>", settings);
        Assert.Contains($"@hannah_whitfield@{_node.Authority}", settings);
        // The JSON API is not opened by the cookie: it takes bearer tokens only.
        using var api = await browser.GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [Fact]
    public async Task Wrong_passwords_say_the_same_as_unknown_names_and_lock_the_account_after_five()
    {
        using var browser = new Browser(_node.BaseUrl);
        using (var unknown = await browser.SubmitAsync("/sign-in", "/sign-in", Credentials("nobody_here", "whatever-it-is")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
            Assert.Contains("the username or the password is not right", await unknown.Content.ReadAsStringAsync());
        }
        for (var i = 0; i < 4; i++)
        {
            using var wrong = await browser.SubmitAsync("/sign-in", "/sign-in", Credentials("valentina_rojas", $"not-the-password-{i}"));
            var html = await wrong.Content.ReadAsStringAsync();
            Assert.Contains("the username or the password is not right", html);
            Assert.Contains("href=\"#password\"", html); // the problem links to its field
            Assert.Contains("value=\"valentina_rojas\"", html); // and the form keeps what was typed
        }
        using (var fifth = await browser.SubmitAsync("/sign-in", "/sign-in", Credentials("valentina_rojas", "still-not-it")))
            Assert.Contains("locked for 15 minutes", await fifth.Content.ReadAsStringAsync());
        using var right = await browser.SubmitAsync("/sign-in", "/sign-in", Credentials("valentina_rojas", "camtree-demo"));
        Assert.Equal(HttpStatusCode.BadRequest, right.StatusCode);
        Assert.Contains("locked for 15 minutes", await right.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_form_without_this_sessions_antiforgery_token_is_refused()
    {
        using var browser = new Browser(_node.BaseUrl);
        await browser.PageAsync("/sign-in");
        using (var none = await browser.PostAsync("/sign-in", Credentials("hannah_whitfield", "camtree-demo")))
            Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        // A token taken from another browser's page (what a forged cross-site form would carry) does not match this one's cookie.
        using var other = new Browser(_node.BaseUrl);
        var foreign = Browser.AntiforgeryToken(await other.PageAsync("/sign-in"));
        using (var forged = await browser.PostAsync("/sign-in", new Dictionary<string, string>(Credentials("hannah_whitfield", "camtree-demo"))
               { ["__RequestVerificationToken"] = foreign }))
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        using var signedIn = await SignedInAsync();
        using (var signOut = await signedIn.PostAsync("/sign-out", new Dictionary<string, string> { ["__RequestVerificationToken"] = foreign }))
            Assert.Equal(HttpStatusCode.BadRequest, signOut.StatusCode);
        await signedIn.PageAsync("/settings"); // still signed in
    }

    [Fact]
    public async Task After_signing_in_only_a_path_on_this_node_is_followed()
    {
        using var browser = new Browser(_node.BaseUrl);
        using var away = await browser.SubmitAsync("/sign-in", "/sign-in",
            new Dictionary<string, string>(Credentials("hannah_whitfield", "camtree-demo")) { ["returnUrl"] = "https://elsewhere.example/phish" });
        Assert.Equal("/settings", away.Headers.Location!.OriginalString);
        using var here = await browser.SubmitAsync("/sign-in", "/sign-in",
            new Dictionary<string, string>(Credentials("hannah_whitfield", "camtree-demo")) { ["returnUrl"] = "/search?q=oracy" });
        Assert.Equal("/search?q=oracy", here.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task An_invitation_lets_one_person_join_once()
    {
        using var browser = new Browser(_node.BaseUrl);
        using (var without = await browser.GetAsync("/sign-up"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, without.StatusCode);
            Assert.Contains("Joining is by invitation", await without.Content.ReadAsStringAsync());
        }
        var invitation = await _node.Get<InvitationStore>().CreateAsync("lucia@school.example", createdBy: null);
        var form = $"/sign-up?invitation={invitation}";
        Assert.Contains("name=\"invitation\"", await browser.PageAsync(form));

        var fields = new Dictionary<string, string> { ["invitation"] = invitation, ["userName"] = "lucia", ["displayName"] = "Lucía Pérez", ["password"] = "short" };
        using (var weak = await browser.SubmitAsync(form, "/sign-up", fields))
        {
            Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
            var html = await weak.Content.ReadAsStringAsync();
            Assert.Contains("href=\"#password\"", html);
            Assert.Contains("value=\"Lucía Pérez\"", html);
        }
        fields["password"] = "lesson study in year five";
        using (var joined = await browser.SubmitAsync(form, "/sign-up", fields))
            Assert.Equal("/settings", joined.Headers.Location!.OriginalString);
        Assert.Contains("Signed in as <strong>Lucía Pérez</strong>", await browser.PageAsync("/settings"));
        Assert.Contains("Lucía Pérez", await _node.Http.GetStringAsync("/@lucia"));

        using var again = new Browser(_node.BaseUrl);
        using var used = await again.GetAsync(form);
        Assert.Equal(HttpStatusCode.Forbidden, used.StatusCode);
    }

    [Fact]
    public async Task Signing_out_everywhere_signs_out_every_browser()
    {
        using var laptop = await SignedInAsync();
        using var phone = await SignedInAsync();
        await phone.PageAsync("/settings");

        using (var everywhere = await laptop.SubmitAsync("/settings", "/sign-out-everywhere", new Dictionary<string, string>()))
            Assert.Equal(HttpStatusCode.Redirect, everywhere.StatusCode);
        using var afterwards = await phone.GetAsync("/settings");
        Assert.Equal(HttpStatusCode.Redirect, afterwards.StatusCode);
        Assert.StartsWith("/sign-in", afterwards.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task The_settings_page_changes_search_consent_and_the_password()
    {
        using var browser = await SignedInAsync();
        var settings = await browser.PageAsync("/settings");
        Assert.Contains("id=\"indexable\" name=\"indexable\" value=\"true\" checked", settings);
        using (var consent = await browser.SubmitAsync("/settings", "/settings/consent", new Dictionary<string, string> { ["discoverable"] = "true" }))
            Assert.Equal("/settings?done=consent", consent.Headers.Location!.OriginalString);
        var hannah = (await _node.Get<ActorStore>().FindByUsernameAsync("hannah_whitfield"))!;
        Assert.False(hannah.Indexable);
        Assert.True(hannah.Discoverable);
        Assert.Contains("has asked not to be indexed", await _node.Http.GetStringAsync("/@hannah_whitfield"));

        using var other = await SignedInAsync();
        using (var wrong = await browser.SubmitAsync("/settings", "/settings/password", new Dictionary<string, string> { ["current"] = "not it at all", ["password"] = "a brand new passphrase" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
            Assert.Contains("<a href=\"#current\">the current password is not right</a>", await wrong.Content.ReadAsStringAsync());
        }
        using (var changed = await browser.SubmitAsync("/settings", "/settings/password", new Dictionary<string, string> { ["current"] = "camtree-demo", ["password"] = "a brand new passphrase" }))
            Assert.Equal("/settings?done=password", changed.Headers.Location!.OriginalString);
        Assert.Contains("Password changed", await browser.PageAsync("/settings?done=password")); // this browser stays signed in
        using (var elsewhere = await other.GetAsync("/settings")) Assert.Equal(HttpStatusCode.Redirect, elsewhere.StatusCode); // the other is out
        using var fresh = await SignedInAsync(password: "a brand new passphrase");
    }

    [Fact]
    public async Task A_practitioner_makes_lists_and_revokes_their_own_API_tokens()
    {
        using var browser = await SignedInAsync();
        using (var bad = await browser.SubmitAsync("/settings", "/settings/tokens", new Dictionary<string, string> { ["label"] = "", ["expiresInDays"] = "90" }))
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        string token;
        using (var made = await browser.SubmitAsync("/settings", "/settings/tokens", new Dictionary<string, string> { ["label"] = "my laptop", ["expiresInDays"] = "30" }))
        {
            var html = await made.Content.ReadAsStringAsync();
            var shown = System.Text.RegularExpressions.Regex.Match(html, @"copy it\):\s*<code>([^<]+)</code>");
            Assert.True(shown.Success, html);
            token = shown.Groups[1].Value;
        }
        using var api = new HttpClient { BaseAddress = new Uri(_node.BaseUrl) };
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using (var me = await api.GetAsync("/api/v1/me")) Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var settings = await browser.PageAsync("/settings");
        Assert.Contains("my laptop", settings);
        Assert.DoesNotContain(token, settings); // shown once only
        var id = (await _node.Get<TokenStore>().ListAsync()).Single(t => t.Label == "my laptop").Id;

        // Another practitioner cannot revoke it.
        using (var valentina = await SignedInAsync("valentina_rojas"))
        using (var theirs = await valentina.SubmitAsync("/settings", $"/settings/tokens/{id}/revoke", new Dictionary<string, string>()))
            Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
        using (var me = await api.GetAsync("/api/v1/me")) Assert.Equal(HttpStatusCode.OK, me.StatusCode);

        using (var revoked = await browser.SubmitAsync("/settings", $"/settings/tokens/{id}/revoke", new Dictionary<string, string>()))
            Assert.Equal("/settings?done=revoked#tokens", revoked.Headers.Location!.OriginalString);
        using (var me = await api.GetAsync("/api/v1/me")) Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task A_suspended_account_cannot_sign_in()
    {
        var hannah = await _node.Get<ActorStore>().FindByUsernameAsync("hannah_whitfield");
        await using (var connection = await _node.Get<Database>().OpenAsync())
            await connection.ExecuteAsync("UPDATE accounts SET suspended_at = '2026-12-01T00:00:00.000Z' WHERE local_actor_id = @id", new { id = hannah!.Id });
        using var browser = new Browser(_node.BaseUrl);
        using var refused = await browser.SubmitAsync("/sign-in", "/sign-in", Credentials("hannah_whitfield", "camtree-demo"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("suspended", await refused.Content.ReadAsStringAsync());
    }
}

/// <summary>Joining as <c>Camtree:Registration</c> says: open to anyone, or closed.</summary>
public sealed class RegistrationModeTests
{
    [Fact]
    public async Task Open_registration_needs_no_invitation_and_closed_registration_takes_nobody()
    {
        await using (var open = await TestNode.StartAsync("open", settings: new Dictionary<string, string?> { ["Camtree:Registration"] = "Open" }))
        {
            using var browser = new Browser(open.BaseUrl);
            Assert.Contains("Join this library", await browser.PageAsync("/sign-in"));
            using var joined = await browser.SubmitAsync("/sign-up", "/sign-up", new Dictionary<string, string>
            {
                ["userName"] = "joao", ["displayName"] = "João Silva", ["password"] = "avaliação formativa",
            });
            Assert.Equal("/settings", joined.Headers.Location!.OriginalString);
            using var taken = await new Browser(open.BaseUrl).SubmitAsync("/sign-up", "/sign-up", new Dictionary<string, string>
            {
                ["userName"] = "joao", ["displayName"] = "Another João", ["password"] = "another long password",
            });
            Assert.Equal(HttpStatusCode.BadRequest, taken.StatusCode);
            Assert.Contains("the username joao is taken", await taken.Content.ReadAsStringAsync());
        }
        await using var closed = await TestNode.StartAsync("closed", settings: new Dictionary<string, string?> { ["Camtree:Registration"] = "Closed" });
        using var visitor = new Browser(closed.BaseUrl);
        using var page = await visitor.GetAsync("/sign-up");
        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        using var post = await visitor.SubmitAsync("/sign-in", "/sign-up", new Dictionary<string, string>
        {
            ["userName"] = "ana", ["displayName"] = "Ana", ["password"] = "a long enough password",
        });
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Contains("not taking new members", await post.Content.ReadAsStringAsync());
    }
}

/// <summary>Guessing passwords from one address costs time: the sign-in form is rate limited per address.</summary>
public sealed class SignInRateLimitTests
{
    [Fact]
    public async Task Sign_in_posts_beyond_the_burst_are_answered_429_with_a_retry_after()
    {
        await using var node = await TestNode.StartAsync("sign-in-limit", settings: new Dictionary<string, string?> { ["Camtree:Limits:SignInBurstPerAddress"] = "3" });
        using var browser = new Browser(node.BaseUrl);
        var token = Browser.AntiforgeryToken(await browser.PageAsync("/sign-in"));
        var fields = new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["userName"] = "ana", ["password"] = "a guess at it" };
        for (var i = 0; i < 3; i++)
        {
            using var tried = await browser.PostAsync("/sign-in", fields);
            Assert.Equal(HttpStatusCode.BadRequest, tried.StatusCode);
        }
        using var limited = await browser.PostAsync("/sign-in", fields);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter is not null);
        // Reading the form is not limited.
        await browser.PageAsync("/sign-in");
    }
}

/// <summary>The operator's command line: a password read from standard input, and invitation links.</summary>
public sealed class AccountCommandLineTests
{
    [Fact]
    public async Task A_password_is_set_from_standard_input_and_an_invitation_is_printed_as_a_link()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "camtree-tests", $"cli-accounts-{Guid.NewGuid():N}");
        try
        {
            Assert.Equal(0, await NodeCommandLine.RunAsync(["practitioner", "create", "--username", "maria", "--name", "Maria", "--data-dir", dataDir], new StringWriter()));
            var output = new StringWriter();
            Assert.Equal(0, await NodeCommandLine.RunAsync(["practitioner", "set-password", "--username", "maria", "--data-dir", dataDir], output,
                new StringReader("lesson study with year 3\n")));
            Assert.Contains("password set for maria", output.ToString());
            var weak = new StringWriter();
            Assert.Equal(1, await NodeCommandLine.RunAsync(["practitioner", "set-password", "--username", "maria", "--data-dir", dataDir], weak, new StringReader("short\n")));
            Assert.Contains("at least 10 characters", weak.ToString());
            Assert.Equal(1, await NodeCommandLine.RunAsync(["practitioner", "set-password", "--username", "nobody", "--data-dir", dataDir], new StringWriter(),
                new StringReader("a long enough password\n")));

            var invite = new StringWriter();
            Assert.Equal(0, await NodeCommandLine.RunAsync(["practitioner", "invite", "--email", "ana@school.example", "--data-dir", dataDir], invite));
            var link = invite.ToString().Trim();
            Assert.Matches(@"^https?://[^/]+/sign-up\?invitation=[A-Za-z0-9_-]{32}$", link);

            // The password is the one Identity checks, and the invitation the one sign-up accepts.
            var app = NodeApp.Build([], new Dictionary<string, string?> { ["Camtree:DataDirectory"] = dataDir, ["Camtree:SeedDemo"] = "false" });
            await using (app)
            {
                await NodeApp.InitializeAsync(app.Services);
                await using var scope = app.Services.CreateAsyncScope();
                var users = scope.ServiceProvider.GetRequiredService<UserManager<Account>>();
                var maria = (await users.FindByNameAsync("maria"))!;
                Assert.True(await users.CheckPasswordAsync(maria, "lesson study with year 3"));
                Assert.False(await users.CheckPasswordAsync(maria, "short"));
                Assert.True(await app.Services.GetRequiredService<InvitationStore>().IsValidAsync(link.Split("invitation=")[1]));
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { }
        }
    }
}
