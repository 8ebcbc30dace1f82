using System.Text;
using System.Text.Json.Nodes;
using Camtree.Protocol.Signatures;

namespace Camtree.Benchmarks;

/// <summary>
/// The remote actor that sends Creates to the node's inbox: one RSA-2048 key, and the actor document (Person with
/// <c>publicKey {id, owner, publicKeyPem}</c>) the node fetches once to verify its signatures.
/// </summary>
public sealed class SenderActor(string baseUrl)
{
    public string Iri { get; } = $"{baseUrl}/users/sender";
    public string KeyId => Iri + "#main-key";
    public RsaKeyPair Keys { get; } = RsaKeyPair.Generate();

    /// <summary>A fresh parsed key. RSA objects are not shared across threads: each signing thread takes its own.</summary>
    public SigningKey NewSigningKey() => new(KeyId, Keys.PrivateKeyPem);

    public string ActorDocument() => new JsonObject
    {
        ["@context"] = new JsonArray("https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"),
        ["id"] = Iri,
        ["type"] = "Person",
        ["preferredUsername"] = "sender",
        ["name"] = "Benchmark sender",
        ["inbox"] = Iri + "/inbox",
        ["outbox"] = Iri + "/outbox",
        ["followers"] = Iri + "/followers",
        ["publicKey"] = new JsonObject { ["id"] = KeyId, ["owner"] = Iri, ["publicKeyPem"] = Keys.PublicKeyPem },
    }.ToJsonString();
}

/// <summary>One signed inbox POST, ready to send: the body and the headers the signature covers.</summary>
public sealed record SignedPost(byte[] Body, string Date, string Digest, string Signature);

/// <summary>
/// Builds signed <c>Create(Article)</c> POSTs to one inbox, as a Mastodon-style server sends them: draft-cavage
/// <c>rsa-sha256</c> over <c>(request-target) host date digest content-type</c>, signed with Camtree.Protocol's own
/// <see cref="CavageSigner"/>. Activity <c>n</c> has a unique id (the inbox dedupes by id) of fixed width, so every
/// body has the same size.
/// </summary>
public sealed class InboxPosts(SenderActor sender, Uri inbox, string runTag)
{
    public const string ContentType = "application/activity+json";
    private static readonly string Text = string.Concat(Enumerable.Repeat(
        "Two Year 8 classes tried talk partners for a term; participation rose and quieter pupils spoke more often. ", 9));
    private readonly string _published = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public Uri Inbox { get; } = inbox;

    /// <summary>The activity id of post <paramref name="n"/> of this run tag.</summary>
    public string ActivityId(int n) => $"{sender.Iri}/activities/{runTag}-{n:D9}";

    public byte[] Body(int n)
    {
        var report = $"{sender.Iri}/reports/{runTag}-{n:D9}";
        var activity = new JsonObject
        {
            ["@context"] = "https://www.w3.org/ns/activitystreams",
            ["id"] = ActivityId(n),
            ["type"] = "Create",
            ["actor"] = sender.Iri,
            ["published"] = _published,
            ["to"] = new JsonArray("https://www.w3.org/ns/activitystreams#Public"),
            ["cc"] = new JsonArray(sender.Iri + "/followers"),
            ["object"] = new JsonObject
            {
                ["id"] = report,
                ["type"] = "Article",
                ["attributedTo"] = sender.Iri,
                ["name"] = $"Talk partners in Year 8, report {n:D9}",
                ["summary"] = "<p>Participation rose in both classes.</p>",
                ["content"] = $"<p>{Text}</p>",
                ["url"] = report,
                ["published"] = _published,
                ["to"] = new JsonArray("https://www.w3.org/ns/activitystreams#Public"),
                ["cc"] = new JsonArray(sender.Iri + "/followers"),
            },
        };
        return Encoding.UTF8.GetBytes(activity.ToJsonString());
    }

    /// <summary>Signs post <paramref name="n"/> as of <paramref name="now"/>.</summary>
    public SignedPost Sign(int n, SigningKey key, DateTimeOffset now)
    {
        var body = Body(n);
        var date = now.ToString("r");
        var digest = HttpDigest.ComputeDigestHeader(body);
        var parts = HttpRequestParts.Create("POST", Inbox.PathAndQuery,
            [new("host", Inbox.Authority), new("date", date), new("digest", digest), new("content-type", ContentType)], body);
        return new SignedPost(body, date, digest, CavageSigner.SignRequest(parts, key, CavageSigner.PostHeaders));
    }

    /// <summary>Signs posts <c>first … first+count-1</c> on all cores, each thread with its own key object.</summary>
    public SignedPost[] SignMany(int first, int count)
    {
        var posts = new SignedPost[count];
        var now = DateTimeOffset.UtcNow;
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Machine.Cores },
            sender.NewSigningKey,
            (i, _, key) => { posts[i] = Sign(first + i, key, now); return key; },
            key => key.Dispose());
        return posts;
    }

    /// <summary>The HTTP request for a signed post; <c>Host</c> comes from the URI, as signed.</summary>
    public HttpRequestMessage ToRequest(SignedPost post)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Inbox) { Content = new ByteArrayContent(post.Body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
        request.Headers.TryAddWithoutValidation("Date", post.Date);
        request.Headers.TryAddWithoutValidation("Digest", post.Digest);
        request.Headers.TryAddWithoutValidation("Signature", post.Signature);
        return request;
    }
}
