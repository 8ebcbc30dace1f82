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
    };

    /// <summary>The <c>@context</c> value of every document the node emits.</summary>
    public static JsonArray DocumentContext() =>
        [ActivityStreams.ContextIri, SecurityV1, TermDefinitions()];

    /// <summary>The stand-alone context document (what <c>/ns/camtree/v1</c> serves).</summary>
    public static JsonObject ContextDocument() => new() { ["@context"] = TermDefinitions() };
}
