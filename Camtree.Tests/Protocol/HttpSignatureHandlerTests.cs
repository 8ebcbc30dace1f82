using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Camtree.Protocol.Signatures;
using Camtree.Protocol.Vocabulary;
using Camtree.Tests.Support;

namespace Camtree.Tests.Protocol;

/// <summary>The signing handler produces requests that the verifier accepts, for POSTs and GETs, as they leave HttpClient.</summary>
public sealed class HttpSignatureHandlerTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The end of the chain: captures the request as it would go on the wire.</summary>
    private sealed class Capture : HttpMessageHandler
    {
        public HttpRequestParts? Request { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var headers = request.Headers.Select(h => new KeyValuePair<string, string>(h.Key, string.Join(", ", h.Value)))
                .Concat(request.Content?.Headers.Select(h => new KeyValuePair<string, string>(h.Key, string.Join(", ", h.Value))) ?? []);
            var body = request.Content is null ? null : (ReadOnlyMemory<byte>?)await request.Content.ReadAsByteArrayAsync(cancellationToken);
            Request = HttpRequestParts.Create(request.Method.Method, request.RequestUri!.PathAndQuery, headers, body);
            return new HttpResponseMessage(HttpStatusCode.Accepted);
        }
    }

    private static async Task<SignatureVerification> SendAndVerify(HttpRequestMessage message)
    {
        var pair = RsaKeyPair.Generate();
        using var key = new SigningKey("https://a.example/users/alice#main-key", pair.PrivateKeyPem);
        var capture = new Capture();
        var time = new FixedTimeProvider(Now);
        using var client = new HttpClient(new HttpSignatureHandler(time) { InnerHandler = capture });
        message.Options.Set(HttpSignatureHandler.SigningKeyOption, key);
        await client.SendAsync(message);

        var keys = new StaticKeyResolver(new ResolvedPublicKey(key.KeyId, "https://a.example/users/alice", pair.PublicKeyPem));
        return await new CavageVerifier(keys, new PublicKeyCache(), time).VerifyRequestAsync(capture.Request!);
    }

    [Fact]
    public async Task A_signed_POST_verifies()
    {
        var message = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1:5081/users/bob/inbox?x=1")
        {
            Content = new StringContent("""{"type":"Create","name":"Lesson study — año"}""", Encoding.UTF8, ActivityStreams.MediaType),
        };
        var result = await SendAndVerify(message);
        Assert.True(result.IsValid, result.Reason);
    }

    [Fact]
    public async Task A_signed_GET_with_the_ActivityPub_accept_header_verifies()
    {
        var message = new HttpRequestMessage(HttpMethod.Get, "https://b.example/users/bob");
        message.Headers.Accept.ParseAdd(ActivityStreams.AcceptHeader);
        var result = await SendAndVerify(message);
        Assert.True(result.IsValid, result.Reason);
    }

    [Fact]
    public async Task A_request_without_a_key_is_sent_unsigned()
    {
        var capture = new Capture();
        using var client = new HttpClient(new HttpSignatureHandler(TimeProvider.System) { InnerHandler = capture });
        await client.GetAsync("https://b.example/users/bob");
        Assert.Null(capture.Request!.Header("Signature"));
    }
}
