using System.Text.Json.Nodes;
using Camtree.Node.Storage;
using Camtree.Protocol.JsonLd;
using Camtree.Protocol.Signatures.Ed25519;
using Camtree.Protocol.Signatures.Proofs;

namespace Camtree.Node.Federation;

/// <summary>
/// Signs what local actors publish with FEP-8b32 object integrity proofs (<c>eddsa-jcs-2022</c>, the actor's
/// current Ed25519 key). HTTP signatures prove who delivered a document; these prove who wrote it, wherever it is
/// re-served (a mirror, an index, a boost).
/// </summary>
public sealed class ObjectProofs(ActorKeyStore keys, DocumentBuilder documents, LocalUris uris, IEd25519 ed25519)
{
    private readonly ProofCreator _creator = new(ed25519);

    /// <summary>Adds a proof by <paramref name="signer"/>, made at <paramref name="created"/>, to a top-level document.</summary>
    public async Task<JsonObject> SignAsync(JsonObject document, LocalActor signer, DateTimeOffset created)
    {
        var key = await keys.CurrentAsync(signer.Id);
        return _creator.CreateProof(document, $"{uris.Actor(signer.Username)}#{key.Fragment}", key.PrivateSeed(), created);
    }

    /// <summary>
    /// A local report as a signed <c>Article</c>. The proof's time is the report's last change, so the same report
    /// always serves the same proof (Ed25519 is deterministic) until it is edited or its author's key rotates.
    /// </summary>
    public Task<JsonObject> ReportAsync(ReportRow report, LocalActor author) =>
        SignAsync(ActivityJson.ToDocument(documents.Report(report, author)), author, report.UpdatedAt ?? report.PublishedAt);
}
