using System.Text;
using Camtree.Protocol.Inbox;
using Camtree.Protocol.Policy;
using Camtree.Protocol.Signatures;
using Camtree.Protocol.Signatures.Proofs;
using Camtree.Tests.Support;

namespace Camtree.Tests.Protocol;

/// <summary>The inbox pipeline without a server: each rule's refusal, its status, and what an acceptance carries.</summary>
public sealed class InboxPipelineTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly RsaKeyPair Alice = RsaKeyPair.Generate();
    private const string AliceIri = "https://a.example/users/alice";

    private readonly StaticKeyResolver _keys = new(new ResolvedPublicKey(AliceIri + "#main-key", AliceIri, Alice.PublicKeyPem));

    private InboxPipeline Pipeline(FederationPolicy? policy = null) => new(
        new HttpSignatureVerifier(_keys, new PublicKeyCache(), new FixedTimeProvider(Now)),
        new ProofVerifier(new StaticMultikeyResolver(), Camtree.Protocol.Signatures.Ed25519.BouncyCastleEd25519.Instance, new FixedTimeProvider(Now)),
        policy ?? FederationPolicy.Open);

    private static HttpRequestParts Signed(string json, string keyId = AliceIri + "#main-key")
    {
        var body = Encoding.UTF8.GetBytes(json);
        var headers = new List<KeyValuePair<string, string>>
        {
            new("Host", "b.example"), new("Date", Now.ToString("r")), new("Digest", HttpDigest.ComputeDigestHeader(body)),
            new("Content-Type", "application/activity+json"),
        };
        using var key = new SigningKey(keyId, Alice.PrivateKeyPem);
        headers.Add(new("Signature", CavageSigner.SignRequest(HttpRequestParts.Create("POST", "/inbox", headers, body), key, CavageSigner.PostHeaders)));
        return HttpRequestParts.Create("POST", "/inbox", headers, body);
    }

    [Fact]
    public async Task A_valid_activity_by_its_signer_is_accepted_with_the_signatures_key_vouching()
    {
        var decision = await Pipeline().VerifyActivityAsync(Signed($$"""{"id":"{{AliceIri}}/1","type":"Like","actor":"{{AliceIri}}","object":"https://b.example/r"}"""), default);
        Assert.True(decision.IsAccepted, decision.Reason);
        Assert.Equal(AliceIri, decision.Signer);
        Assert.Equal(AliceIri + "#main-key", decision.VouchingKeyId);
        Assert.False(decision.ProofVerified);
        Assert.Equal(202, decision.Refusal.StatusCode());
    }

    [Fact]
    public async Task A_claimed_key_outside_the_policy_is_refused_before_any_key_is_looked_up()
    {
        var decision = await Pipeline(new FederationPolicy(FederationMode.Blocklist, ["a.example"], "b.example"))
            .VerifyActivityAsync(Signed($$"""{"id":"{{AliceIri}}/1","type":"Like","actor":"{{AliceIri}}"}"""), default);
        Assert.Equal(InboxRefusal.OutsidePolicy, decision.Refusal);
        Assert.Equal(403, decision.Refusal.StatusCode());
        Assert.Empty(_keys.Lookups);
    }

    [Theory]
    [InlineData("[1,2]", InboxRefusal.Malformed)]
    [InlineData("""{"type":"Like","actor":"https://a.example/users/alice"}""", InboxRefusal.Malformed)]
    [InlineData("""{"id":"not an iri","type":"Like","actor":"https://a.example/users/alice"}""", InboxRefusal.Malformed)]
    [InlineData("""{"id":"https://c.example/1","type":"Like","actor":"https://c.example/users/carol"}""", InboxRefusal.SignerIsNotActor)]
    [InlineData("""{"id":"https://c.example/1","type":"Like","actor":"https://c.example/users/carol","proof":{"type":"DataIntegrityProof","cryptosuite":"eddsa-jcs-2022","verificationMethod":"https://c.example/users/carol#k","proofPurpose":"assertionMethod","proofValue":"z1"}}""", InboxRefusal.BadProof)]
    public async Task Each_rule_refuses_with_its_reason(string json, InboxRefusal expected)
    {
        var decision = await Pipeline().VerifyActivityAsync(Signed(json), default);
        Assert.Equal(expected, decision.Refusal);
        Assert.False(string.IsNullOrWhiteSpace(decision.Reason));
        Assert.Equal(AliceIri, decision.Signer);
    }

    [Fact]
    public async Task An_unsigned_request_is_a_bad_signature()
    {
        var decision = await Pipeline().VerifyActivityAsync(HttpRequestParts.Create("POST", "/inbox", [new("Host", "b.example")], "{}"u8.ToArray()), default);
        Assert.Equal(InboxRefusal.BadSignature, decision.Refusal);
        Assert.Equal(401, decision.Refusal.StatusCode());
    }
}
