using System.Text.Json.Nodes;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Protocol.JsonLd;

/// <summary>
/// The JSON-LD contexts of every document a Camtree node emits.
/// Camtree's terms are defined inline, as Mastodon does for its <c>toot:</c> terms, so that a consumer
/// never has to fetch a context it does not know; the same term definitions form the stand-alone
/// context document a node serves at <c>/ns/camtree/v1</c>.
/// </summary>
public static class CamtreeContext
{
    /// <summary>The W3C security vocabulary context, which defines <c>publicKey</c> and <c>publicKeyPem</c>.</summary>
    public const string SecurityV1 = "https://w3id.org/security/v1";

    /// <summary>Data Integrity (v2): <c>DataIntegrityProof</c> and the proof's terms (FEP-8b32).</summary>
    public const string DataIntegrityV2 = "https://w3id.org/security/data-integrity/v2";

    /// <summary>Multikey (v1): the <c>Multikey</c> type and <c>publicKeyMultibase</c> (FEP-521a).</summary>
    public const string MultikeyV1 = "https://w3id.org/security/multikey/v1";

    /// <summary>Term definitions of Camtree's vocabulary (and the schema.org and AS extension terms it uses).</summary>
    public static JsonObject TermDefinitions() => new()
    {
        ["as"] = "https://www.w3.org/ns/activitystreams#",
        ["camtree"] = CamtreeVocabulary.NamespaceIri,
        ["schema"] = CamtreeVocabulary.SchemaIri,
        ["manuallyApprovesFollowers"] = "as:manuallyApprovesFollowers",
        ["Hashtag"] = "as:Hashtag",
        ["methodology"] = "camtree:methodology",
        ["researchContext"] = "camtree:researchContext",
        ["aims"] = "camtree:aims",
        ["methods"] = "camtree:methods",
        ["findings"] = "camtree:findings",
        ["setting"] = "camtree:setting",
        ["subjectArea"] = "camtree:subjectArea",
        ["reviewStatus"] = "camtree:reviewStatus",
        ["educationalLevel"] = "schema:educationalLevel",
        ["inLanguage"] = "schema:inLanguage",
        ["spatialCoverage"] = "schema:spatialCoverage",
        ["license"] = new JsonObject { ["@id"] = "schema:license", ["@type"] = "@id" },
        // The keys an actor asserts with (FEP-521a), as the DID and CID contexts define the term.
        ["assertionMethod"] = new JsonObject { ["@id"] = "https://w3id.org/security#assertionMethod", ["@type"] = "@id", ["@container"] = "@set" },
        // When a key was retired by a rotation; proofs it made before then still verify.
        ["retired"] = new JsonObject { ["@id"] = "camtree:retired", ["@type"] = "http://www.w3.org/2001/XMLSchema#dateTime" },
        // Search consent (FEP-5feb, Mastodon's terms): whether an actor's public posts may be indexed for full-text search,
        // and whether it may be suggested and listed in directories.
        ["toot"] = "http://joinmastodon.org/ns#",
        ["indexable"] = "toot:indexable",
        ["discoverable"] = "toot:discoverable",
        // The library collection (on the library actor), its order (FEP-1985) and its partition digests.
        ["reports"] = new JsonObject { ["@id"] = "camtree:reports", ["@type"] = "@id" },
        ["orderType"] = new JsonObject { ["@id"] = "https://w3id.org/fep/1985/orderType", ["@type"] = "@id" },
        ["digests"] = new JsonObject { ["@id"] = "camtree:digests", ["@type"] = "@id" },
        ["partitions"] = new JsonObject { ["@id"] = "camtree:partitions", ["@container"] = "@list" },
        ["partition"] = "camtree:partition",
        ["digest"] = "camtree:digest",
        // A practitioner's profile: Mastodon's profile fields (schema:PropertyValue, as Mastodon defines them) for any
        // software, and the same facts as terms a Camtree node reads.
        ["PropertyValue"] = "schema:PropertyValue",
        ["value"] = "schema:value",
        ["affiliation"] = "schema:affiliation",
        ["knowsLanguage"] = new JsonObject { ["@id"] = "schema:knowsLanguage", ["@container"] = "@set" },
        ["sameAs"] = new JsonObject { ["@id"] = "schema:sameAs", ["@type"] = "@id" },
        ["country"] = "camtree:country",
    };

    /// <summary>The <c>@context</c> value of every document the node emits.</summary>
    public static JsonArray DocumentContext() =>
        [ActivityStreams.ContextIri, SecurityV1, DataIntegrityV2, MultikeyV1, TermDefinitions()];

    /// <summary>The stand-alone context document (what <c>/ns/camtree/v1</c> serves).</summary>
    public static JsonObject ContextDocument() => new() { ["@context"] = TermDefinitions() };
}
