using System.Net;
using System.Text;
using Camtree.Protocol.Discovery;
using Camtree.Protocol.Signatures;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Tests.Protocol;

/// <summary>The rules of fetching other servers' documents, checked on the client's own handler chain.</summary>
public sealed class RemoteDocumentClientTests
{
    /// <summary>Answers from a table of paths, recording each request as it left the signing handler.</summary>
    private sealed class Origin(Dictionary<string, Func<HttpResponseMessage>> routes) : HttpMessageHandler
    {
        public List<(string Target, string? Signature)> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add((request.RequestUri!.PathAndQuery, request.Headers.TryGetValues("Signature", out var s) ? s.Single() : null));
            var response = routes.TryGetValue(request.RequestUri.PathAndQuery, out var route) ? route() : new HttpResponseMessage(HttpStatusCode.NotFound);
            response.RequestMessage = request;
            return Task.FromResult(response);
        }
    }

    private static HttpResponseMessage Json(string json) =>
        new(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, ActivityStreams.MediaType) };

    private static HttpResponseMessage Redirect(string location) =>
        new(HttpStatusCode.Found) { Headers = { Location = new Uri(location, UriKind.RelativeOrAbsolute) } };

    private static RemoteDocumentClient Client(Origin origin, bool allowHttp = false) =>
        new(new HttpClient(new HttpSignatureHandler(TimeProvider.System) { InnerHandler = origin }), new RemoteFetchOptions { AllowHttp = allowHttp });

    [Fact]
    public async Task Redirects_are_followed_and_each_hop_is_signed_for_its_own_target()
    {
        var origin = new Origin(new()
        {
            ["/old"] = () => Redirect("/users/ana"),
            ["/users/ana"] = () => Json("""{"id":"https://a.example/users/ana","type":"Person","inbox":"https://a.example/users/ana/inbox"}"""),
        });
        using var key = new SigningKey("https://b.example/users/library#main-key", RsaKeyPair.Generate().PrivateKeyPem);

        var actor = await Client(origin).FetchActorAsync("https://a.example/old", key, CancellationToken.None);

        Assert.Equal("https://a.example/users/ana", actor.Id);
        Assert.Equal(["/old", "/users/ana"], origin.Requests.Select(r => r.Target));
        // Each hop is signed (RFC 9421, first knock) over its own @target-uri, so the signatures differ.
        Assert.StartsWith("sig1=:", origin.Requests[1].Signature);
        Assert.NotEqual(origin.Requests[0].Signature, origin.Requests[1].Signature);
    }

    [Fact]
    public async Task A_document_whose_id_is_on_another_origin_is_refused()
    {
        var origin = new Origin(new() { ["/users/ana"] = () => Json("""{"id":"https://evil.example/users/ana","type":"Person","inbox":"x"}""") });
        var error = await Assert.ThrowsAsync<RemoteFetchException>(() => Client(origin).FetchObjectAsync("https://a.example/users/ana", null, CancellationToken.None));
        Assert.Contains("not on the origin", error.Message);
    }

    [Fact]
    public async Task Redirect_loops_stop()
    {
        var origin = new Origin(new() { ["/a"] = () => Redirect("/b"), ["/b"] = () => Redirect("/a") });
        var error = await Assert.ThrowsAsync<RemoteFetchException>(() => Client(origin).FetchObjectAsync("https://a.example/a", null, CancellationToken.None));
        Assert.Contains("redirects", error.Message);
        Assert.Equal(4, origin.Requests.Count);
    }

    [Fact]
    public async Task Plain_http_is_refused_unless_allowed()
    {
        var origin = new Origin(new() { ["/users/ana"] = () => Json("""{"id":"http://a.example/users/ana","type":"Person","inbox":"x"}""") });
        var error = await Assert.ThrowsAsync<RemoteFetchException>(() => Client(origin).FetchObjectAsync("http://a.example/users/ana", null, CancellationToken.None));
        Assert.Contains("plain http", error.Message);
        Assert.Empty(origin.Requests);

        var document = await Client(origin, allowHttp: true).FetchObjectAsync("http://a.example/users/ana", null, CancellationToken.None);
        Assert.Equal("http://a.example/users/ana", document.Id);
    }

    [Fact]
    public async Task A_response_over_one_mebibyte_is_refused()
    {
        var origin = new Origin(new() { ["/big"] = () => Json("{\"id\":\"https://a.example/big\",\"x\":\"" + new string('a', 1024 * 1024) + "\"}") });
        var error = await Assert.ThrowsAsync<RemoteFetchException>(() => Client(origin).FetchObjectAsync("https://a.example/big", null, CancellationToken.None));
        Assert.Contains("larger than", error.Message);
    }

    [Fact]
    public async Task Gone_is_reported_as_gone()
    {
        var origin = new Origin(new() { ["/users/left"] = () => new HttpResponseMessage(HttpStatusCode.Gone) });
        var error = await Assert.ThrowsAsync<RemoteFetchException>(() => Client(origin).FetchObjectAsync("https://a.example/users/left", null, CancellationToken.None));
        Assert.True(error.Gone);
    }
}
