using System.Text.Json.Nodes;

namespace Camtree.Protocol.Signatures.Proofs;

/// <summary>
/// What a verified proof proves about a document. <see cref="ProofVerifier"/> says which actor controls the
/// signing key; FEP-8b32 adds that this actor MUST be the document's owner
/// (<see href="https://codeberg.org/fediverse/fep/src/branch/main/fep/fe34/fep-fe34.md#ownership">FEP-fe34 ownership</see>).
/// Kept apart from verification so the inbox can apply it with its other origin checks.
/// </summary>
public static class ProofRules
{
    /// <summary>
    /// The document's owners: every <c>actor</c> and <c>attributedTo</c> (an IRI, or an embedded object's
    /// <c>id</c>), and for a document with neither — an actor, a key — its own <c>id</c>.
    /// </summary>
    public static IReadOnlyList<string> Owners(JsonObject document)
    {
        var owners = Iris(document["actor"]).Concat(Iris(document["attributedTo"])).Distinct().ToList();
        if (owners.Count == 0 && document["id"] is JsonValue id && id.TryGetValue<string>(out var self)) owners.Add(self);
        return owners;
    }

    /// <summary>
    /// Whether a proof by <paramref name="controller"/> speaks for the document: the controller must be every owner.
    /// As Fedify does, a document with several owners is not proven by one of them alone.
    /// </summary>
    public static bool ControllerMatches(JsonObject document, string controller)
    {
        var owners = Owners(document);
        return owners.Count > 0 && owners.All(owner => owner == controller);
    }

    private static IEnumerable<string> Iris(JsonNode? value) => value switch
    {
        JsonArray array => array.SelectMany(Iris),
        JsonValue text when text.TryGetValue<string>(out var iri) => [iri],
        JsonObject embedded when embedded["id"] is JsonValue id && id.TryGetValue<string>(out var iri) => [iri],
        _ => [],
    };
}
