using Camtree.Node.Storage;
using Camtree.Protocol.Discovery;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Node.Federation.Handlers;

/// <summary><c>Like</c> of a report or comment held here: counted in its <c>likes</c> collection.</summary>
public sealed class LikeHandler(ReportStore reports, InteractionStore interactions, TimeProvider time) : IActivityHandler
{
    public string ActivityType => AsTypes.Like;

    public async Task<string?> HandleAsync(ReceivedActivity received, CancellationToken cancellationToken)
    {
        if (received.Activity.Object?.Iri is not { } iri) return "Like without an object";
        if (await reports.FindByIriAsync(iri) is not { DeletedAt: null } && await interactions.FindCommentAsync(iri) is not { DeletedAt: null })
            return $"Like of {iri}, which is not held here";
        await interactions.AddAsync(InteractionKinds.Like, received.Activity.Id!, received.Actor, iri, time.GetUtcNow());
        return null;
    }
}

/// <summary>
/// <c>Announce</c> (a share, a boost): of a report held here, counted in its <c>shares</c> collection; of a report
/// not yet held, by an actor someone here follows (a library or theme actor relaying, a colleague sharing), the
/// report is fetched from its own origin and joins the library.
/// </summary>
public sealed class AnnounceHandler(
    ReportStore reports, InteractionStore interactions, FollowStore follows, ActorDirectory directory, RemoteDocumentClient remote,
    Protocol.Signatures.Proofs.ProofVerifier proofs, SigningKeys keys, LocalUris uris, Microsoft.Extensions.Options.IOptions<Configuration.NodeOptions> options,
    TimeProvider time) : IActivityHandler
{
    public string ActivityType => AsTypes.Announce;

    public async Task<string?> HandleAsync(ReceivedActivity received, CancellationToken cancellationToken)
    {
        if (SharedObject(received.Activity) is not { } iri) return "Announce without an object";
        var now = time.GetUtcNow();
        // Held already (an unverified copy from a mirror does not count: the share is a chance to read the original).
        if (await reports.FindByIriAsync(iri) is { DeletedAt: null } held && (held.CopiedFrom is null || held.ProofVerified)
            || await interactions.FindCommentAsync(iri) is { DeletedAt: null })
        {
            await interactions.AddAsync(InteractionKinds.Share, received.Activity.Id!, received.Actor, iri, now);
            return null;
        }
        if (uris.IsLocal(iri)) return $"Announce of {iri}, which does not exist here";
        if (!await follows.IsFollowedLocallyAsync(received.Actor)) return "Announce by an actor nobody here follows";

        // The embedded copy is not trusted: the object is read from its own origin, where its author vouches for it.
        var fetched = await remote.FetchObjectAsync(iri, keys.InstanceKey(), cancellationToken);
        if (!fetched.HasType(AsTypes.Article)) return $"Announce of a {fetched.Type}: only reports join the library";
        if (!fetched.IsListed) return "Announce of a report that is not public (unlisted or private)";
        if (fetched.AttributedTo is not { } authorIri || !Origin.Same(authorIri, fetched.Id)) return "Announce of a report whose author is on another origin";
        var author = await directory.GetAsync(authorIri, refresh: false, cancellationToken);
        // Read from its origin it is the author's; its proof, when it has one, names the key that vouches for it.
        string? vouching = null;
        if (fetched.Raw.TryGetProperty("proof", out _))
        {
            var proof = await proofs.VerifyProofAsync(System.Text.Json.Nodes.JsonObject.Create(fetched.Raw.Clone())!, cancellationToken: cancellationToken);
            if (proof.IsValid && proof.Controller == authorIri) vouching = proof.VerificationMethod;
        }
        await reports.UpsertRemoteAsync(RemoteReports.FromArticle(fetched, author, vouching, now, options.Value.Limits.Report, proofVerified: vouching is not null));
        await interactions.AddAsync(InteractionKinds.Share, received.Activity.Id!, received.Actor, iri, now);
        return null;
    }

    /// <summary>
    /// What an Announce shares: its object, or, when a group relays an activity (FEP-1b12: the <c>Create</c> of a
    /// report, embedded), that activity's object. A group sending both forms is counted as one share.
    /// </summary>
    internal static string? SharedObject(Protocol.JsonLd.IncomingObject announce) =>
        announce.Object?.Embedded is { } relayed && relayed.HasType(AsTypes.Create) ? relayed.Object?.Iri : announce.Object?.Iri;
}
