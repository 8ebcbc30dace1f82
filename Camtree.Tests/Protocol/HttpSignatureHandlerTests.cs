using System.Net;
using System.Text;
using Camtree.Protocol.Signatures;
using Camtree.Protocol.Vocabulary;
using Camtree.Tests.Support;

namespace Camtree.Tests.Protocol;

/// <summary>
/// The signing handler: requests leave HttpClient signed so that the verifier accepts them, in RFC 9421 first and in
/// draft-cavage, and it double-knocks (as Fedify does) against a server that refuses one scheme. The servers here are
/// scripted handlers at the end of the chain; the same behaviour against a real Fedify server is in FedifyInteropTests.
/// </summary>
public sealed class HttpSignatureHandlerTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly RsaKeyPair Pair = RsaKeyPair.Generate();

    /// <summary>The end of the chain: records each request as it would go on the wire and answers as scripted.</summary>
    private sealed class Server(Func<HttpRequestParts, HttpStatusCode>? answer = null) : HttpMessageHandler
    {
        public List<HttpRequestParts> Requests { get; } = [];
        public HttpRequestParts Request => Requests[^1];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var headers = request.Headers.Select(h => new KeyValuePair<string, string>(h.Key, string.Join(", ", h.Value)))
                .Concat(request.Content?.Headers.Select(h => new KeyValuePair<string, string>(h.Key, string.Join(", ", h.Value))) ?? []);
            var body = request.Content is null ? null : (ReadOnlyMemory<byte>?)await request.Content.ReadAsByteArrayAsync(cancellationToken);
            var parts = HttpRequestParts.Create(request.Method.Method, request.RequestUri!.PathAndQuery, headers, body) with { Scheme = request.RequestUri.Scheme };
            Requests.Add(parts);
            return new HttpResponseMessage(answer?.Invoke(parts) ?? HttpStatusCode.Accepted);
        }
    }

    /// <summary>A server that verifies only draft-cavage, as Mastodon before RFC 9421: a Signature-Input gets 401.</summary>
    private static HttpStatusCode CavageOnly(HttpRequestParts request) =>
        request.Header("signature-input") is null ? HttpStatusCode.Accepted : HttpStatusCode.Unauthorized;

    private static HttpRequestMessage Post(string url = "http://127.0.0.1:5081/users/bob/inbox?x=1") => new(HttpMethod.Post, url)
    {
        Content = new StringContent("""{"type":"Create","name":"Lesson study — año"}""", Encoding.UTF8, ActivityStreams.MediaType),
    };

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpRequestMessage message, SigningKey key)
    {
        message.Options.Set(HttpSignatureHandler.SigningKeyOption, key);
        return await client.SendAsync(message);
    }

    private static Task<SignatureVerification> VerifyAsync(HttpRequestParts request, SigningKey key, TimeProvider time) =>
        new HttpSignatureVerifier(new StaticKeyResolver(new ResolvedPublicKey(key.KeyId, "https://a.example/users/alice", Pair.PublicKeyPem)),
            new PublicKeyCache(), time).VerifyRequestAsync(request);

    private static SigningKey Key() => new("https://a.example/users/alice#main-key", Pair.PrivateKeyPem);

    [Fact]
    public async Task A_POST_goes_out_in_RFC_9421_with_its_Content_Digest_and_verifies()
    {
        using var key = Key();
        var server = new Server();
        var time = new FixedTimeProvider(Now);
        using var client = new HttpClient(new HttpSignatureHandler(time) { InnerHandler = server });
        using var response = await SendAsync(client, Post(), key);

        var sent = Assert.Single(server.Requests);
        Assert.StartsWith("sig1=(\"@method\" \"@target-uri\" \"@authority\" \"date\" \"content-digest\" \"content-type\");created=1777636800;keyid=\"https://a.example/users/alice#main-key\";alg=\"rsa-v1_5-sha256\"",
            sent.Header("signature-input"));
        Assert.StartsWith("sha-256=:", sent.Header("content-digest"));
        Assert.Null(sent.Header("digest"));
        var result = await VerifyAsync(sent, key, time);
        Assert.True(result.IsValid, result.Reason);
    }

    [Fact]
    public async Task A_GET_goes_out_in_RFC_9421_covering_its_accept_header_and_verifies()
    {
        using var key = Key();
        var server = new Server();
        var time = new FixedTimeProvider(Now);
        using var client = new HttpClient(new HttpSignatureHandler(time) { InnerHandler = server });
        var message = new HttpRequestMessage(HttpMethod.Get, "https://b.example/users/bob");
        message.Headers.Accept.ParseAdd(ActivityStreams.AcceptHeader);
        using var response = await SendAsync(client, message, key);
        Assert.Contains("\"accept\"", server.Request.Header("signature-input"));
        var result = await VerifyAsync(server.Request, key, time);
        Assert.True(result.IsValid, result.Reason);
    }

    [Fact]
    public async Task Configured_for_draft_cavage_first_a_POST_and_a_GET_verify_as_cavage()
    {
        using var key = Key();
        var server = new Server();
        var time = new FixedTimeProvider(Now);
        using var client = new HttpClient(new HttpSignatureHandler(time, new SignatureSchemes(time, HttpSignatureScheme.DraftCavage)) { InnerHandler = server });
        using (await SendAsync(client, Post(), key)) { }
        var get = new HttpRequestMessage(HttpMethod.Get, "https://b.example/users/bob");
        get.Headers.Accept.ParseAdd(ActivityStreams.AcceptHeader);
        using (await SendAsync(client, get, key)) { }
        foreach (var sent in server.Requests)
        {
            Assert.Null(sent.Header("signature-input"));
            Assert.Contains("keyId=", sent.Header("signature"));
            var result = await new CavageVerifier(new StaticKeyResolver(new ResolvedPublicKey(key.KeyId, "https://a.example/users/alice", Pair.PublicKeyPem)),
                new PublicKeyCache(), time).VerifyRequestAsync(sent);
            Assert.True(result.IsValid, result.Reason);
        }
        Assert.NotNull(server.Requests[0].Header("digest"));
    }

    [Fact]
    public async Task A_server_that_refuses_RFC_9421_gets_draft_cavage_at_the_second_knock_and_from_then_on_at_the_first()
    {
        using var key = Key();
        var server = new Server(CavageOnly);
        var time = new OffsetTimeProvider();
        var schemes = new SignatureSchemes(time);
        using var client = new HttpClient(new HttpSignatureHandler(time, schemes) { InnerHandler = server });

        using (var first = await SendAsync(client, Post(), key)) Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(2, server.Requests.Count);
        Assert.NotNull(server.Requests[0].Header("signature-input"));
        Assert.Null(server.Requests[1].Header("signature-input"));
        // The second knock is the same request: same body, verifiable as draft-cavage.
        Assert.Equal(server.Requests[0].Body!.Value.ToArray(), server.Requests[1].Body!.Value.ToArray());
        Assert.True((await VerifyAsync(server.Requests[1], key, time)).IsValid);
        Assert.Equal(HttpSignatureScheme.DraftCavage, schemes.Remembered("http://127.0.0.1:5081"));

        using (var again = await SendAsync(client, Post(), key)) Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal(3, server.Requests.Count);
        Assert.Null(server.Requests[2].Header("signature-input"));
        // Another origin is not this one: it is offered RFC 9421 first.
        using (await SendAsync(client, Post("http://127.0.0.1:5082/inbox"), key)) { }
        Assert.NotNull(server.Requests[3].Header("signature-input"));

        // After a day the memory lapses, and RFC 9421 is offered again (a server may have learnt it).
        time.Advance(TimeSpan.FromDays(1.1));
        using (await SendAsync(client, Post(), key)) { }
        Assert.NotNull(server.Requests[5].Header("signature-input"));
    }

    [Fact]
    public async Task A_server_that_accepts_RFC_9421_is_remembered_and_knocked_once()
    {
        using var key = Key();
        var server = new Server();
        var schemes = new SignatureSchemes(TimeProvider.System);
        using var client = new HttpClient(new HttpSignatureHandler(TimeProvider.System, schemes) { InnerHandler = server });
        using (await SendAsync(client, Post(), key)) { }
        Assert.Single(server.Requests);
        Assert.Equal(HttpSignatureScheme.Rfc9421, schemes.Remembered("http://127.0.0.1:5081"));
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.Gone)]
    [InlineData(HttpStatusCode.RequestEntityTooLarge)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    public async Task A_missing_resource_a_rate_limit_or_a_server_error_is_not_the_scheme_s_fault_and_gets_no_second_knock(HttpStatusCode status)
    {
        using var key = Key();
        var server = new Server(_ => status);
        var schemes = new SignatureSchemes(TimeProvider.System);
        using var client = new HttpClient(new HttpSignatureHandler(TimeProvider.System, schemes) { InnerHandler = server });
        using var response = await SendAsync(client, Post(), key);
        Assert.Equal(status, response.StatusCode);
        Assert.Single(server.Requests);
        Assert.Null(schemes.Remembered("http://127.0.0.1:5081"));
    }

    [Fact]
    public async Task Refused_in_both_schemes_the_caller_sees_the_second_answer_and_nothing_is_remembered()
    {
        using var key = Key();
        var server = new Server(_ => HttpStatusCode.Forbidden);
        // (400 and 401 are knocked again the same way: CavageOnly answers 401.)
        var schemes = new SignatureSchemes(TimeProvider.System);
        using var client = new HttpClient(new HttpSignatureHandler(TimeProvider.System, schemes) { InnerHandler = server });
        using var response = await SendAsync(client, Post(), key);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(2, server.Requests.Count);
        Assert.Null(schemes.Remembered("http://127.0.0.1:5081"));
    }

    [Fact]
    public async Task With_double_knocking_off_a_refusal_is_answered_after_one_request()
    {
        using var key = Key();
        var server = new Server(_ => HttpStatusCode.BadRequest);
        using var client = new HttpClient(new HttpSignatureHandler(TimeProvider.System, new SignatureSchemes(TimeProvider.System, doubleKnock: false)) { InnerHandler = server });
        using var response = await SendAsync(client, Post(), key);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task The_memory_is_bounded_and_starts_over_past_its_capacity()
    {
        var schemes = new SignatureSchemes(TimeProvider.System, capacity: 3);
        foreach (var n in Enumerable.Range(1, 3)) schemes.Accepted($"https://h{n}.example", HttpSignatureScheme.DraftCavage);
        Assert.Equal(HttpSignatureScheme.DraftCavage, schemes.Remembered("https://h1.example"));
        schemes.Accepted("https://h4.example", HttpSignatureScheme.DraftCavage);
        Assert.Null(schemes.Remembered("https://h1.example"));
        Assert.Equal(HttpSignatureScheme.DraftCavage, schemes.For("https://h4.example"));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task A_request_without_a_key_is_sent_unsigned()
    {
        var server = new Server();
        using var client = new HttpClient(new HttpSignatureHandler(TimeProvider.System) { InnerHandler = server });
        await client.GetAsync("https://b.example/users/bob");
        Assert.Null(server.Request.Header("Signature"));
        Assert.Null(server.Request.Header("Signature-Input"));
    }
}
