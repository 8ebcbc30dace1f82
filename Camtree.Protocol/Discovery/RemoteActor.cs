using System.Text.Json;
using Camtree.Protocol.JsonLd;
using Camtree.Protocol.Signatures;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Protocol.Discovery;

/// <summary>
/// What a node needs to know of another server's actor: where to deliver, and the key its signatures verify with.
/// Read from an actor document, normalised (the key may be an object or an array of keys, the shared inbox
/// may be absent).
/// </summary>
public sealed record RemoteActor(
    string Id,
    string Type,
    string? PreferredUsername,
    string? Name,
    string Inbox,
    string? SharedInbox,
    string? Outbox,
    string? Followers,
    string? Url,
    bool ManuallyApprovesFollowers,
    IReadOnlyList<ResolvedPublicKey> PublicKeys)
{
    /// <summary>FEP-5feb: the actor consents to its public posts being indexed. Missing means no.</summary>
    public bool Indexable { get; init; }
    /// <summary>FEP-5feb: the actor may be listed and suggested. Missing means no.</summary>
    public bool Discoverable { get; init; }
    /// <summary>A Camtree library actor's library collection (<c>camtree:reports</c>), on the actor's own origin.</summary>
    public string? Reports { get; init; }

    /// <summary>Where activities for this actor go: its server's shared inbox when it has one (ActivityPub §7.1.3).</summary>
    public string DeliveryInbox => SharedInbox ?? Inbox;

    /// <summary>
    /// Reads an actor document. Returns null when it is not an actor or has no inbox.
    /// Keys are kept only when their <c>owner</c> is this actor and their <c>id</c> is on the actor's own origin: a
    /// document cannot vouch for another actor's key, nor claim a key id that another server mints.
    /// </summary>
    public static RemoteActor? FromDocument(IncomingObject document)
    {
        if (document.Id is null || !AsTypes.IsActor(document.Type)) return null;
        var raw = document.Raw;
        var inbox = Iri(raw, "inbox");
        if (inbox is null) return null;
        string? sharedInbox = null;
        if (raw.TryGetProperty("endpoints", out var endpoints) && endpoints.ValueKind == JsonValueKind.Object)
            sharedInbox = Iri(endpoints, "sharedInbox");

        var keys = new List<ResolvedPublicKey>();
        if (raw.TryGetProperty("publicKey", out var publicKey))
        {
            IEnumerable<JsonElement> candidates = publicKey.ValueKind == JsonValueKind.Array ? publicKey.EnumerateArray() : [publicKey];
            foreach (var key in candidates)
            {
                if (key.ValueKind != JsonValueKind.Object) continue;
                var keyId = Iri(key, "id");
                var owner = Iri(key, "owner") ?? document.Id;
                var pem = key.TryGetProperty("publicKeyPem", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
                if (keyId is not null && pem is not null && owner == document.Id && RemoteDocumentClient.SameOrigin(keyId, document.Id))
                    keys.Add(new ResolvedPublicKey(keyId, owner, pem));
            }
        }

        return new RemoteActor(
            document.Id, document.Type, document.GetString("preferredUsername"), document.Name,
            inbox, sharedInbox, Iri(raw, "outbox"), Iri(raw, "followers"), document.Url,
            raw.TryGetProperty("manuallyApprovesFollowers", out var m) && m.ValueKind == JsonValueKind.True,
            keys)
        {
            Indexable = raw.TryGetProperty("indexable", out var i) && i.ValueKind == JsonValueKind.True,
            Discoverable = raw.TryGetProperty("discoverable", out var d) && d.ValueKind == JsonValueKind.True,
            Reports = Iri(raw, "reports") is { } reports && RemoteDocumentClient.SameOrigin(reports, document.Id) ? reports : null,
        };
    }

    private static string? Iri(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Object when value.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String => id.GetString(),
            _ => null,
        } : null;
}
