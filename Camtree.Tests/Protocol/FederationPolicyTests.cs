using Camtree.Protocol.Policy;

namespace Camtree.Tests.Protocol;

public sealed class FederationPolicyTests
{
    [Theory]
    [InlineData("camtree.example.ac.uk", true)]
    [InlineData("example.ac.uk", true)]
    [InlineData("EXAMPLE.ac.uk:8443", true)]
    [InlineData("notexample.ac.uk", false)]
    [InlineData("ac.uk", false)]
    [InlineData("mastodon.social", false)]
    [InlineData("127.0.0.1:5081", true)]
    [InlineData("127.0.0.1:5082", false)]
    public void An_allowlist_admits_listed_domains_their_subdomains_and_exact_authorities(string authority, bool allowed)
    {
        var policy = new FederationPolicy(FederationMode.Allowlist, ["example.ac.uk", "127.0.0.1:5081"]);
        Assert.Equal(allowed, policy.Allows(authority));
    }

    [Theory]
    [InlineData("https://spam.example/users/x#main-key", false)]
    [InlineData("https://a.spam.example/inbox", false)]
    [InlineData("https://camtree.example/users/x", true)]
    [InlineData("not a url", false)]
    public void A_blocklist_refuses_listed_domains_by_url(string url, bool allowed) =>
        Assert.Equal(allowed, new FederationPolicy(FederationMode.Blocklist, ["spam.example"]).AllowsUrl(url));

    [Fact]
    public void Open_allows_everyone() => Assert.True(FederationPolicy.Open.Allows("anything.example"));
}
