using Camtree.Node.Federation;
using Camtree.Node.Storage;
using Camtree.Protocol.Delivery;
using Camtree.Protocol.Discovery;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Node.Library;

/// <summary>
/// What a practitioner does with a report or comment, here or on another server: like it, share it
/// (<c>Announce</c>), reply to it (<c>Create(Note)</c>), and take a like or share back (<c>Undo</c>).
/// The object's author is told (when elsewhere); shares and replies also go to the practitioner's followers.
/// </summary>
public sealed class InteractionService(
    InteractionStore interactions, ReportStore reports, FollowStore follows, ActorDirectory directory, RemoteDocumentClient remote,
    SigningKeys keys, Outbox outbox, DocumentBuilder documents, LocalUris uris, Themes.ThemeGroups themeGroups,
    Microsoft.Extensions.Options.IOptions<Configuration.NodeOptions> options, TimeProvider time)
{
    /// <summary>The object acted on, and who wrote it (null when it was written here).</summary>
    private sealed record Target(string Iri, string AuthorIri, StoredRemoteActor? RemoteAuthor, string? ReportIri);

    public async Task<bool> LikeAsync(LocalActor actor, string objectIri, CancellationToken cancellationToken)
    {
        var target = await ResolveAsync(objectIri, cancellationToken);
        var actorIri = uris.Actor(actor.Username);
        if (await interactions.HasAsync(InteractionKinds.Like, actorIri, target.Iri)) return false;
        var like = documents.Activity(AsTypes.Like, actor, target.Iri, [target.AuthorIri], null, time.GetUtcNow());
        await outbox.SendAsync(actor, like, isPublic: false, AuthorInbox(target),
            work => interactions.AddAsync(work, InteractionKinds.Like, like.Id, actorIri, target.Iri, time.GetUtcNow()));
        return true;
    }

    public async Task<bool> ShareAsync(LocalActor actor, string objectIri, CancellationToken cancellationToken)
    {
        var target = await ResolveAsync(objectIri, cancellationToken);
        var actorIri = uris.Actor(actor.Username);
        if (await interactions.HasAsync(InteractionKinds.Share, actorIri, target.Iri)) return false;
        var announce = documents.Activity(AsTypes.Announce, actor, target.Iri,
            [ActivityStreams.PublicIri], [uris.Followers(actor.Username), target.AuthorIri], time.GetUtcNow());
        var outgoing = new List<Outgoing> { new(actor, announce, true, FollowersAndAuthor(actor, target)) };
        // A report shared here is announced by its themes' groups too, once each (comments never are).
        if (target.ReportIri == target.Iri && await reports.FindByIriAsync(target.Iri) is { DeletedAt: null, Flagged: false } report)
            outgoing.AddRange(await themeGroups.AnnounceShareAsync(report.ThemeList, report.Iri, report.AuthorIri,
                async group => await outbox.FindOwnAsync(group, AsTypes.Announce, report.Iri) is not null));
        await outbox.SendAsync(outgoing,
            work => interactions.AddAsync(work, InteractionKinds.Share, announce.Id, actorIri, target.Iri, time.GetUtcNow()));
        return true;
    }

    /// <summary>
    /// Takes back a like or a share with <c>Undo</c>, addressed and sent where the original went; the undone share
    /// leaves the outbox. False when there was none.
    /// </summary>
    public async Task<bool> UndoAsync(LocalActor actor, string kind, string objectIri, CancellationToken cancellationToken)
    {
        var actorIri = uris.Actor(actor.Username);
        var type = kind == InteractionKinds.Like ? AsTypes.Like : AsTypes.Announce;
        var original = await outbox.FindOwnAsync(actor.Id, type, objectIri);
        if (original is null || !await interactions.HasAsync(kind, actorIri, objectIri)) return false;
        var target = await ResolveAsync(objectIri, cancellationToken);
        var undone = new Activity { Id = original.Iri, Type = original.ActivityType, Actor = actorIri, Object = objectIri };
        var undo = kind == InteractionKinds.Like
            ? documents.Activity(AsTypes.Undo, actor, undone, [target.AuthorIri], null, time.GetUtcNow())
            : documents.Activity(AsTypes.Undo, actor, undone, [ActivityStreams.PublicIri], [uris.Followers(actor.Username), target.AuthorIri], time.GetUtcNow());
        await outbox.SendAsync(actor, undo, isPublic: false,
            kind == InteractionKinds.Like ? AuthorInbox(target) : FollowersAndAuthor(actor, target),
            async work =>
            {
                await interactions.RemoveAsync(work, actorIri, original.Iri);
                await outbox.WithdrawAsync(work, null, null, original.Iri);
            });
        return true;
    }

    /// <summary>Replies to a report or a comment with a Note (Markdown), shown under the report it belongs to.</summary>
    public async Task<CommentRow> ReplyAsync(LocalActor actor, string inReplyTo, string markdown, CancellationToken cancellationToken)
    {
        var max = options.Value.Limits.Report.CommentChars;
        if (string.IsNullOrWhiteSpace(markdown) || markdown.Length > max) throw new ArgumentException($"a reply is 1 to {max:N0} characters");
        var target = await ResolveAsync(inReplyTo, cancellationToken);
        var now = time.GetUtcNow();
        var comment = new CommentRow
        {
            Iri = uris.Note(LocalUris.NewId()), ReportIri = target.ReportIri, InReplyTo = target.Iri,
            AuthorIri = uris.Actor(actor.Username), AuthorName = actor.DisplayName,
            ContentHtml = ReportRendering.MarkdownToHtml(markdown), PublishedAt = now, ReceivedAt = now,
        };
        var note = documents.Note(comment, actor, [uris.Followers(actor.Username), target.AuthorIri]) with
        {
            Tag = target.RemoteAuthor is { } author ? [new Mention(author.Iri, author.Handle)] : null,
        };
        var create = documents.Activity(AsTypes.Create, actor, note, note.To, note.Cc, now);
        await outbox.SendAsync(actor, create, isPublic: true, FollowersAndAuthor(actor, target),
            alongside: work => interactions.InsertCommentAsync(work, comment));
        return comment;
    }

    private async Task<Target> ResolveAsync(string objectIri, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(objectIri, UriKind.Absolute, out _)) throw new ArgumentException($"'{objectIri}' is not an IRI");
        if (await reports.FindByIriAsync(objectIri) is { DeletedAt: null } report)
            return new Target(report.Iri, report.AuthorIri, await RemoteAuthorAsync(report.AuthorIri, cancellationToken), report.Iri);
        if (await interactions.FindCommentAsync(objectIri) is { DeletedAt: null } comment)
            return new Target(comment.Iri, comment.AuthorIri, await RemoteAuthorAsync(comment.AuthorIri, cancellationToken), comment.ReportIri);
        if (uris.IsLocal(objectIri)) throw new ArgumentException($"nothing at {objectIri}");

        var document = await remote.FetchObjectAsync(objectIri, keys.InstanceKey(), cancellationToken);
        var authorIri = document.AttributedTo ?? throw new ArgumentException($"{objectIri} names no author");
        return new Target(document.Id!, authorIri, await RemoteAuthorAsync(authorIri, cancellationToken), null);
    }

    private async Task<StoredRemoteActor?> RemoteAuthorAsync(string authorIri, CancellationToken cancellationToken) =>
        uris.IsLocal(authorIri) ? null : await directory.GetAsync(authorIri, refresh: false, cancellationToken);

    private static Func<UnitOfWork, Task<IEnumerable<string>>> AuthorInbox(Target target) =>
        _ => Task.FromResult<IEnumerable<string>>(target.RemoteAuthor is { } author ? [author.Inbox] : []);

    private Func<UnitOfWork, Task<IEnumerable<string>>> FollowersAndAuthor(LocalActor actor, Target target) =>
        async work =>
        {
            var recipients = (await follows.FollowerInboxesAsync(work, actor.Id)).ToList();
            if (target.RemoteAuthor is { } author) recipients.Add((author.Inbox, author.SharedInbox));
            return InboxResolver.ResolveInboxes(recipients);
        };
}
