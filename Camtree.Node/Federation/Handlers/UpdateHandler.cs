using Camtree.Node.Storage;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Node.Federation.Handlers;

/// <summary>
/// <c>Update</c>: an actor updating its own profile (and keys) is fetched again; a report or comment is
/// replaced when its author edits it. An actor may only update itself and its own objects.
/// </summary>
public sealed class UpdateHandler(
    ReportStore reports, InteractionStore interactions, ActorDirectory directory, InboxForwarding forwarding,
    Microsoft.Extensions.Options.IOptions<Configuration.NodeOptions> options, TimeProvider time) : IActivityHandler
{
    public string ActivityType => AsTypes.Update;

    public async Task<string?> HandleAsync(ReceivedActivity received, CancellationToken cancellationToken)
    {
        var reference = received.Activity.Object;
        if (reference is null) return "Update without an object";
        if (AsTypes.IsActor(reference.Embedded?.Type) || reference.Iri == received.Actor)
        {
            if (reference.Iri != received.Actor) return "an actor may only update itself";
            // Read the profile from its origin rather than trusting the embedded copy; its search consent may have changed.
            await directory.GetAsync(received.Actor, refresh: true, cancellationToken);
            await reports.ReindexAuthorAsync(received.Actor);
            return null;
        }

        if (reference.Embedded is not { } updated) return "Update of an object that is not embedded";
        if (!Origin.Same(updated.Id, received.Actor) || updated.AttributedTo != received.Actor) return "Update of someone else's object";
        var author = await directory.GetAsync(received.Actor, refresh: false, cancellationToken);
        if (updated.HasType(AsTypes.Article))
        {
            if (await reports.FindByIriAsync(updated.Id!) is null) return "Update of a report not held here";
            if (!await reports.UpsertRemoteAsync(RemoteReports.FromArticle(updated, author, received.Entry.SignerKeyId, time.GetUtcNow(), options.Value.Limits.Report, received.Entry.ProofVerified)))
                return "Update of a report that is withdrawn, or someone else's";
            // Those this node shared the report with hold a copy too: the correction goes on to them.
            await forwarding.ForwardAsync(received, updated.Id!);
            return null;
        }
        if (updated.HasType(AsTypes.Note) && await interactions.FindCommentAsync(updated.Id!) is { } comment && comment.AuthorIri == received.Actor)
        {
            await interactions.UpsertCommentAsync(comment with { ContentHtml = Library.ContentSanitizer.Sanitize(Protocol.Vocabulary.ReportLimits.Cut(updated.Content, options.Value.Limits.Report.CommentChars)), ReceivedAt = time.GetUtcNow() });
            return null;
        }
        return $"Update of a {updated.Type} not held here";
    }
}
