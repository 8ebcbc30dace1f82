using Camtree.Node.Library;
using Camtree.Node.Storage;
using Camtree.Protocol.JsonLd;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Node.Federation.Handlers;

/// <summary>
/// <c>Create</c>: a research report (<c>Article</c>) by an actor someone here follows joins the cross-node
/// library; a <c>Note</c> in reply to a report (or to a comment on one) known here becomes a comment; a Note
/// that mentions a practitioner here is kept as a mention. Objects must be on the actor's origin and by the actor.
/// </summary>
public sealed class CreateHandler(
    ReportStore reports, InteractionStore interactions, FollowStore follows, ActorStore actors, ActorDirectory directory,
    LocalUris uris, Microsoft.Extensions.Options.IOptions<Configuration.NodeOptions> options, TimeProvider time) : IActivityHandler
{
    public string ActivityType => AsTypes.Create;

    public async Task<string?> HandleAsync(ReceivedActivity received, CancellationToken cancellationToken)
    {
        if (received.Activity.Object?.Embedded is not { } created) return "Create without an embedded object";
        if (created.Id is null || !Origin.Same(created.Id, received.Actor)) return "Create of an object that is not on the actor's origin";
        if (created.AttributedTo != received.Actor) return "Create of an object attributed to someone else";

        if (created.HasType(AsTypes.Article)) return await CreateReportAsync(received, created, cancellationToken);
        if (created.HasType(AsTypes.Note)) return await CreateNoteAsync(received, created, cancellationToken);
        return $"Create of a {created.Type}: only reports (Article) and comments (Note) are read";
    }

    private async Task<string?> CreateReportAsync(ReceivedActivity received, IncomingObject article, CancellationToken cancellationToken)
    {
        if (!article.IsListed && !received.Activity.IsListed)
            return "Create of a report that is not public (unlisted or private); the library only lists public reports";
        if (!await follows.IsFollowedLocallyAsync(received.Actor)) return "Create by an actor nobody here follows";

        var author = await directory.GetAsync(received.Actor, refresh: false, cancellationToken);
        await reports.UpsertRemoteAsync(RemoteReports.FromArticle(article, author, received.Entry.SignerKeyId, time.GetUtcNow(), options.Value.Limits.Report, received.Entry.ProofVerified));
        return null;
    }

    private async Task<string?> CreateNoteAsync(ReceivedActivity received, IncomingObject note, CancellationToken cancellationToken)
    {
        var author = await directory.GetAsync(received.Actor, refresh: false, cancellationToken);
        var now = time.GetUtcNow();
        var limits = options.Value.Limits.Report;
        var content = ContentSanitizer.Sanitize(ReportLimits.Cut(note.Content, limits.CommentChars));
        var noted = false;

        // A reply to a report known here, or to a comment on one, is a comment on that report.
        string? reportIri = null;
        if (note.InReplyTo is { } parent)
        {
            reportIri = await reports.FindByIriAsync(parent) is { DeletedAt: null } report ? report.Iri
                : (await interactions.FindCommentAsync(parent))?.ReportIri;
        }
        // Only replies anyone may read become comments on the public report page (mentions stay private to the mentioned).
        if (reportIri is not null && (note.IsPublic || received.Activity.IsPublic))
        {
            noted = await interactions.UpsertCommentAsync(new CommentRow
            {
                Iri = note.Id!, ReportIri = reportIri, InReplyTo = note.InReplyTo, AuthorIri = author.Iri,
                AuthorName = ReportLimits.Cut(author.DisplayName ?? author.Username ?? author.Iri, limits.NameChars)!, ContentHtml = content,
                PublishedAt = note.Published is { } published && published <= now ? published : now, ReceivedAt = now,
            });
        }

        foreach (var mention in note.Tags.Where(t => t.Type == "Mention" && t.Href is not null))
        {
            if (uris.ParseActor(mention.Href) is not { } username || await actors.FindByUsernameAsync(username) is not { } local) continue;
            await interactions.AddMentionAsync(new MentionRow
            {
                LocalActorId = local.Id, NoteIri = note.Id!, AuthorIri = author.Iri, ContentHtml = content, ReceivedAt = now,
            });
            noted = true;
        }
        return noted ? null : "a Note that neither replies to a report here nor mentions anyone here";
    }
}
