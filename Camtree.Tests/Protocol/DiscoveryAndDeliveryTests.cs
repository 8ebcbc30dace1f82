using System.Text;
using System.Text.Json;
using Camtree.Protocol.Delivery;
using Camtree.Protocol.Discovery;
using Camtree.Protocol.JsonLd;

namespace Camtree.Tests.Protocol;

public sealed class DiscoveryAndDeliveryTests
{
    [Theory]
    [InlineData("@alice@camtree.example.ac.uk", "alice", "camtree.example.ac.uk")]
    [InlineData("alice@Camtree.Example", "alice", "camtree.example")]
    [InlineData("acct:bob@127.0.0.1:5081", "bob", "127.0.0.1:5081")]
    public void Handles_parse(string text, string user, string host)
    {
        Assert.True(AccountHandle.TryParse(text, out var handle));
        Assert.Equal(user, handle.User);
        Assert.Equal(host, handle.Host);
        Assert.Equal($"acct:{user}@{host}", handle.AcctUri);
    }

    [Theory]
    [InlineData("alice")]
    [InlineData("@alice@")]
    [InlineData("a@b@c")]
    [InlineData("al ice@host")]
    [InlineData("")]
    public void Non_handles_do_not_parse(string text) => Assert.False(AccountHandle.TryParse(text, out _));

    [Fact]
    public void WebFinger_response_names_the_ActivityPub_actor()
    {
        var response = WebFinger.Describe(new AccountHandle("ana", "a.example"), "https://a.example/users/ana", "https://a.example/@ana");
        var json = JsonSerializer.Serialize(response);
        var parsed = JsonSerializer.Deserialize<WebFingerResponse>(json)!;
        Assert.Equal("acct:ana@a.example", parsed.Subject);
        Assert.Equal("https://a.example/users/ana", parsed.ActorIri);
        Assert.DoesNotContain("template", json); // absent members are left out, not null
    }

    [Fact]
    public void A_Mastodon_WebFinger_response_is_read()
    {
        // The shape mastodon.social answers with (links of several kinds, the self link typed activity+json).
        var json = """
            {"subject":"acct:Gargron@mastodon.social","aliases":["https://mastodon.social/@Gargron","https://mastodon.social/users/Gargron"],
             "links":[{"rel":"http://webfinger.net/rel/profile-page","type":"text/html","href":"https://mastodon.social/@Gargron"},
                      {"rel":"self","type":"application/activity+json","href":"https://mastodon.social/users/Gargron"},
                      {"rel":"http://ostatus.org/schema/1.0/subscribe","template":"https://mastodon.social/authorize_interaction?uri={uri}"}]}
            """;
        Assert.Equal("https://mastodon.social/users/Gargron", JsonSerializer.Deserialize<WebFingerResponse>(json)!.ActorIri);
    }

    [Fact]
    public void An_actor_document_gives_inboxes_and_only_its_own_keys()
    {
        var actor = RemoteActor.FromDocument(IncomingObject.Parse(Encoding.UTF8.GetBytes("""
            {"id":"https://a.example/users/ana","type":"Person","preferredUsername":"ana","inbox":"https://a.example/users/ana/inbox",
             "endpoints":{"sharedInbox":"https://a.example/inbox"},
             "publicKey":[{"id":"https://a.example/users/ana#main-key","owner":"https://a.example/users/ana","publicKeyPem":"PEM1"},
                          {"id":"https://evil.example/k","owner":"https://evil.example/users/eve","publicKeyPem":"PEM2"}]}
            """)))!;
        Assert.Equal("https://a.example/inbox", actor.DeliveryInbox);
        var key = Assert.Single(actor.PublicKeys);
        Assert.Equal("https://a.example/users/ana#main-key", key.KeyId);
    }

    [Fact]
    public void Inboxes_are_shared_where_possible_and_each_used_once()
    {
        var inboxes = InboxResolver.ResolveInboxes([
            ("https://a.example/users/1/inbox", "https://a.example/inbox"),
            ("https://a.example/users/2/inbox", "https://a.example/inbox"),
            ("https://b.example/users/3/inbox", null),
            ("https://b.example/users/3/inbox", null),
            ("https://c.example/u/4/inbox", "https://c.example/inbox"),
        ]);
        Assert.Equal(["https://a.example/inbox", "https://b.example/users/3/inbox", "https://c.example/inbox"], inboxes);
    }

    [Fact]
    public void Retries_back_off_over_about_two_days_then_stop()
    {
        var delays = Enumerable.Range(1, RetrySchedule.MaxAttempts - 1).Select(n => RetrySchedule.NextDelay(n, 0.5)!.Value).ToList();
        Assert.True(delays.Zip(delays.Skip(1)).All(p => p.Second > p.First), "each wait is longer than the one before");
        var total = delays.Aggregate(TimeSpan.Zero, (sum, d) => sum + d);
        Assert.InRange(total.TotalDays, 1.5, 3.5);
        Assert.Null(RetrySchedule.NextDelay(RetrySchedule.MaxAttempts, 0.5));
    }

    [Theory]
    [InlineData(400, true)]
    [InlineData(404, true)]
    [InlineData(410, true)]
    [InlineData(401, false)]
    [InlineData(408, false)]
    [InlineData(429, false)]
    [InlineData(500, false)]
    [InlineData(503, false)]
    public void Which_failures_are_permanent(int status, bool permanent) =>
        Assert.Equal(permanent, ActivitySender.IsPermanent((System.Net.HttpStatusCode)status));
}

public sealed class AddressGuardTests
{
    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.31.255.255", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)] // cloud metadata
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("172.32.0.1", true)]
    [InlineData("93.184.216.34", true)]
    [InlineData("2a00:1450:4009:81f::200e", true)]
    [InlineData("192.0.2.1", false)]                           // documentation
    [InlineData("2001:db8::1", false)]                         // documentation
    // IPv6 forms that lead to an IPv4 address are judged by that address.
    [InlineData("64:ff9b::7f00:1", false)]                     // NAT64 of 127.0.0.1
    [InlineData("64:ff9b::a9fe:a9fe", false)]                  // NAT64 of 169.254.169.254
    [InlineData("64:ff9b::5db8:d822", true)]                   // NAT64 of 93.184.216.34
    [InlineData("64:ff9b:1::5db8:d822", false)]                // local-use NAT64: a site's own translator
    [InlineData("::7f00:1", false)]                            // IPv4-compatible 127.0.0.1
    [InlineData("::a00:1", false)]                             // IPv4-compatible 10.0.0.1
    [InlineData("::5db8:d822", true)]                          // IPv4-compatible 93.184.216.34
    [InlineData("2002:7f00:1::", false)]                       // 6to4 of 127.0.0.1
    [InlineData("2002:c0a8:101::1", false)]                    // 6to4 of 192.168.1.1
    [InlineData("2002:5db8:d822::1", true)]                    // 6to4 of 93.184.216.34
    [InlineData("2001:0:4136:e378:8000:63bf:f5ff:fffe", false)] // Teredo, client 10.0.0.1 (stored inverted)
    [InlineData("2001:0:4136:e378:8000:63bf:a247:27dd", true)]  // Teredo, client 93.184.216.34, server 65.54.227.120
    [InlineData("2001:0:0a00:0001:8000:63bf:a247:27dd", false)] // Teredo, server 10.0.0.1
    public void Classifies_addresses(string address, bool isPublic) =>
        Assert.Equal(isPublic, AddressGuard.IsPublic(System.Net.IPAddress.Parse(address)));

    [Fact]
    public async Task A_client_with_the_guard_refuses_loopback_unless_allowed()
    {
        // A real listener on loopback: allowed when private networks are allowed, refused otherwise.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;

        using var guarded = new HttpClient(new SocketsHttpHandler { ConnectCallback = AddressGuard.ConnectCallback(allowPrivate: false) });
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => guarded.GetAsync($"http://localhost:{port}/"));
        Assert.Contains("not a public address", refused.Message);

        using var open = new HttpClient(new SocketsHttpHandler { ConnectCallback = AddressGuard.ConnectCallback(allowPrivate: true) })
        {
            Timeout = TimeSpan.FromSeconds(5),
        };
        var pending = open.GetAsync($"http://127.0.0.1:{port}/");
        using var accepted = await listener.AcceptTcpClientAsync(); // the connection reached the listener
        Assert.True(accepted.Connected);
    }
}

/// <summary>
/// The federation client uses a proxy only when configured (never the environment's), and then checks each target
/// itself, since the connection goes to the proxy. A plain TCP listener plays the proxy and shows what reached it.
/// </summary>
public sealed class OutboundProxyTests
{
    [Fact]
    public async Task A_configured_proxy_carries_the_request_and_the_guard_still_judges_the_target()
    {
        using var proxy = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        proxy.Start();
        var proxyUrl = $"http://127.0.0.1:{((System.Net.IPEndPoint)proxy.LocalEndpoint).Port}";
        var uris = new Camtree.Node.Federation.LocalUris("http://127.0.0.1:1");

        // Private targets allowed (a development node): the request goes to the proxy, in absolute form.
        using (var client = Camtree.Node.ServiceRegistration.FederationHttpClient(TimeProvider.System, uris,
                   new Camtree.Node.Configuration.NodeOptions { AllowPrivateNetworks = true, OutboundProxy = proxyUrl }))
        {
            var pending = client.GetAsync("http://127.0.0.1:9/actor");
            using var connection = await proxy.AcceptTcpClientAsync();
            using var reader = new StreamReader(connection.GetStream());
            Assert.Equal("GET http://127.0.0.1:9/actor HTTP/1.1", await reader.ReadLineAsync());
            connection.Client.Send("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8);
            Assert.Equal(System.Net.HttpStatusCode.BadGateway, (await pending).StatusCode);
        }

        // A public node: a loopback target is refused before anything is sent, proxy or not.
        using (var client = Camtree.Node.ServiceRegistration.FederationHttpClient(TimeProvider.System, uris,
                   new Camtree.Node.Configuration.NodeOptions { AllowPrivateNetworks = false, OutboundProxy = proxyUrl }))
        {
            var refused = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("http://127.0.0.1:9/actor"));
            Assert.Contains("not a public address", refused.Message);
            Assert.False(proxy.Pending(), "nothing reached the proxy");
        }
    }
}

/// <summary>Changes the process-wide default proxy for a moment, so it runs alone.</summary>
[Collection(Camtree.Tests.Node.MeasuredAlone.Name)]
public sealed class EnvironmentProxyTests
{
    [Fact]
    public async Task Without_a_configured_proxy_the_environment_proxy_is_not_used()
    {
        using var proxy = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        proxy.Start();
        using var target = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        target.Start();
        var original = HttpClient.DefaultProxy;
        // What HTTP_PROXY / HTTPS_PROXY in the environment become for every client that uses the default proxy.
        HttpClient.DefaultProxy = new System.Net.WebProxy($"http://127.0.0.1:{((System.Net.IPEndPoint)proxy.LocalEndpoint).Port}");
        try
        {
            using var client = Camtree.Node.ServiceRegistration.FederationHttpClient(TimeProvider.System,
                new Camtree.Node.Federation.LocalUris("http://127.0.0.1:1"), new Camtree.Node.Configuration.NodeOptions { AllowPrivateNetworks = true });
            var pending = client.GetAsync($"http://127.0.0.1:{((System.Net.IPEndPoint)target.LocalEndpoint).Port}/");
            var first = await Task.WhenAny(target.AcceptTcpClientAsync(), proxy.AcceptTcpClientAsync()).WaitAsync(TimeSpan.FromSeconds(10));
            using var connection = await first;
            Assert.False(proxy.Pending());
            Assert.Equal(((System.Net.IPEndPoint)target.LocalEndpoint).Port, ((System.Net.IPEndPoint)connection.Client.LocalEndPoint!).Port);
        }
        finally { HttpClient.DefaultProxy = original; }
    }
}

public sealed class HostCircuitTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_circuit_opens_after_three_failures_and_the_pause_doubles_up_to_an_hour()
    {
        var health = new HostHealth("dead.example");
        var now = Start;
        health = HostCircuit.RecordFailure(health, now);
        health = HostCircuit.RecordFailure(health, now);
        Assert.False(health.IsOpen(now));
        health = HostCircuit.RecordFailure(health, now);
        Assert.Equal(now + HostCircuit.FirstPause, health.OpenUntil);
        health = HostCircuit.RecordFailure(health, now);
        Assert.Equal(now + 2 * HostCircuit.FirstPause, health.OpenUntil);
        for (var i = 0; i < 20; i++) health = HostCircuit.RecordFailure(health, now);
        Assert.Equal(now + HostCircuit.LongestPause, health.OpenUntil);
        Assert.Null(health.UnavailableSince);
    }

    [Fact]
    public void A_host_failing_for_two_days_is_unavailable_until_it_answers()
    {
        var health = HostCircuit.RecordFailure(new HostHealth("dead.example"), Start);
        var later = Start + HostCircuit.UnavailableAfter;
        health = HostCircuit.RecordFailure(health, later);
        Assert.Equal(later, health.UnavailableSince);
        Assert.Equal(later + HostCircuit.UnavailableProbeInterval, health.OpenUntil);

        health = HostCircuit.RecordSuccess(health, later.AddHours(13));
        Assert.Equal(0, health.ConsecutiveFailures);
        Assert.Null(health.UnavailableSince);
        Assert.False(health.IsOpen(later.AddHours(13)));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData(500, true)]
    [InlineData(503, true)]
    [InlineData(404, false)]
    [InlineData(401, false)]
    [InlineData(202, false)]
    public void Only_silence_and_server_errors_count_against_a_host(int? status, bool counts) =>
        Assert.Equal(counts, HostCircuit.CountsAgainstHost(status));

    [Theory]
    [InlineData("https://Mastodon.Social/inbox", "mastodon.social")]
    [InlineData("http://127.0.0.1:5081/users/a/inbox", "127.0.0.1:5081")]
    public void Health_is_kept_per_authority(string inbox, string host) => Assert.Equal(host, HostCircuit.HostOf(inbox));
}
