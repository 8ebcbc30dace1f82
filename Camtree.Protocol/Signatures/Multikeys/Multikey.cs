using System.Text.Json;
using System.Text.Json.Nodes;

namespace Camtree.Protocol.Signatures.Multikeys;

/// <summary>
/// An actor's public key as <see href="https://codeberg.org/fediverse/fep/src/branch/main/fep/521a/fep-521a.md">FEP-521a</see>
/// publishes it: a <c>Multikey</c> object in the actor's <c>assertionMethod</c> array (for keys that sign objects),
/// its <c>id</c> the actor id plus a fragment, its <c>controller</c> the actor id.
/// </summary>
/// <param name="Expires">When the key stops being valid (FEP-521a: a signature by an expired key MUST NOT be accepted).</param>
public sealed record Multikey(string Id, string Controller, string PublicKeyMultibase, DateTimeOffset? Expires = null)
{
    public const string TypeName = "Multikey";

    /// <summary>The context that defines <c>Multikey</c>, <c>controller</c> and <c>publicKeyMultibase</c>.</summary>
    public const string ContextIri = "https://w3id.org/security/multikey/v1";

    /// <summary>The Multikey of an Ed25519 public key.</summary>
    public static Multikey ForEd25519(string id, string controller, ReadOnlySpan<byte> publicKey) =>
        new(id, controller, Ed25519Multikey.EncodePublicKey(publicKey));

    /// <summary>The object as the actor document embeds it.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["id"] = Id,
            ["type"] = TypeName,
            ["controller"] = Controller,
            ["publicKeyMultibase"] = PublicKeyMultibase,
        };
        if (Expires is { } expires) json["expires"] = expires.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        return json;
    }

    /// <summary>
    /// Reads a Multikey object; null unless its <c>type</c> contains <c>Multikey</c> and <c>id</c>,
    /// <c>controller</c> and <c>publicKeyMultibase</c> are strings. The key bytes are not checked here:
    /// see <see cref="Ed25519Multikey.TryDecodePublicKey"/>.
    /// </summary>
    public static Multikey? FromJson(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object || !HasType(json)
            || Text(json, "id") is not { } id || Text(json, "controller") is not { } controller
            || Text(json, "publicKeyMultibase") is not { } multibase) return null;
        DateTimeOffset? expires = null;
        if (Text(json, "expires") is { } text)
        {
            if (!DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed)) return null;
            expires = parsed;
        }
        return new Multikey(id, controller, multibase, expires);
    }

    /// <summary>
    /// Finds the key <paramref name="keyId"/> among the <c>assertionMethod</c> keys of a controller document (an
    /// actor), the second step of FEP-521a key resolution. Only an embedded Multikey whose <c>controller</c> is the
    /// document's own <c>id</c>, and whose own <c>id</c> is on that document's origin, counts: a key listed by one actor
    /// but controlled by another, or named after another server, proves nothing.
    /// </summary>
    public static Multikey? FromAssertionMethod(JsonElement controllerDocument, string keyId)
    {
        if (controllerDocument.ValueKind != JsonValueKind.Object || Text(controllerDocument, "id") is not { } owner
            || !controllerDocument.TryGetProperty("assertionMethod", out var methods)) return null;
        var candidates = methods.ValueKind == JsonValueKind.Array ? methods.EnumerateArray().ToList() : [methods];
        return candidates.Select(FromJson).FirstOrDefault(k => k is not null && k.Id == keyId && k.Controller == owner && Discovery.RemoteDocumentClient.SameOrigin(k.Id, owner));
    }

    private static bool HasType(JsonElement json) =>
        json.TryGetProperty("type", out var type) && type.ValueKind switch
        {
            JsonValueKind.String => type.GetString() == TypeName,
            JsonValueKind.Array => type.EnumerateArray().Any(t => t.ValueKind == JsonValueKind.String && t.GetString() == TypeName),
            _ => false,
        };

    private static string? Text(JsonElement json, string property) =>
        json.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
