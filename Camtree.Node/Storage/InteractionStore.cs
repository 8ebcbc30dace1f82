using Dapper;

namespace Camtree.Node.Storage;

/// <summary>Kinds of interaction as stored.</summary>
public static class InteractionKinds
{
    public const string Like = "like";
    public const string Share = "share";
}

/// <summary>A comment on a report: a Note in reply to it.</summary>
public sealed record CommentRow
{
    public long Id { get; init; }
    public string Iri { get; init; } = "";
    public string? ReportIri { get; init; }
    public string? InReplyTo { get; init; }
    public string AuthorIri { get; init; } = "";
    public string AuthorName { get; init; } = "";
    public string ContentHtml { get; init; } = "";
    public DateTimeOffset PublishedAt { get; init; }
    public DateTimeOffset ReceivedAt { get; init; }
    public DateTimeOffset? DeletedAt { get; init; }
}

/// <summary>A mention of a local actor in a Note from elsewhere.</summary>
public sealed record MentionRow
{
    public long LocalActorId { get; init; }
    public string NoteIri { get; init; } = "";
    public string AuthorIri { get; init; } = "";
    public string ContentHtml { get; init; } = "";
    public DateTimeOffset ReceivedAt { get; init; }
}

/// <summary>Likes, shares, comments and mentions: what people do with reports.</summary>
public sealed class InteractionStore(Database database)
{
    /// <summary>Records a like or share once per actor and object; returns whether it was new.</summary>
    public async Task<bool> AddAsync(string kind, string activityIri, string actorIri, string objectIri, DateTimeOffset at)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteAsync("""
            INSERT INTO interactions (activity_iri, kind, actor_iri, object_iri, created_at) VALUES (@activityIri, @kind, @actorIri, @objectIri, @at)
            ON CONFLICT DO NOTHING
            """, new { activityIri, kind, actorIri, objectIri, at }) > 0;
    }

    /// <summary>Records a like or share made here, in the caller's transaction (with the activity that carries it).</summary>
    public Task AddAsync(UnitOfWork work, string kind, string activityIri, string actorIri, string objectIri, DateTimeOffset at) =>
        work.ExecuteAsync("""
            INSERT INTO interactions (activity_iri, kind, actor_iri, object_iri, created_at) VALUES (@activityIri, @kind, @actorIri, @objectIri, @at)
            ON CONFLICT DO NOTHING
            """, new { activityIri, kind, actorIri, objectIri, at });

    /// <summary>Removes a like or share by its activity, in the caller's transaction.</summary>
    public Task RemoveAsync(UnitOfWork work, string actorIri, string activityIri) =>
        work.ExecuteAsync("DELETE FROM interactions WHERE actor_iri = @actorIri AND activity_iri = @activityIri", new { actorIri, activityIri });

    /// <summary>Where to reach the remote actors known to have shared an object: (inbox, shared inbox) of each.</summary>
    public async Task<IReadOnlyList<(string Inbox, string? SharedInbox)>> RemoteSharerInboxesAsync(UnitOfWork work, string objectIri) =>
        (await work.QueryAsync<(string, string?)>("""
            SELECT r.inbox, r.shared_inbox FROM interactions i JOIN remote_actors r ON r.iri = i.actor_iri
            WHERE i.object_iri = @objectIri AND i.kind = 'share'
            """, new { objectIri })).ToList();

    public async Task<bool> HasAsync(string kind, string actorIri, string objectIri)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM interactions WHERE kind = @kind AND actor_iri = @actorIri AND object_iri = @objectIri", new { kind, actorIri, objectIri }) > 0;
    }

    /// <summary>Removes a like or share, by its activity, or by (kind, actor, object); only the actor's own.</summary>
    public async Task<bool> RemoveAsync(string actorIri, string? activityIri, string? kind = null, string? objectIri = null)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteAsync("""
            DELETE FROM interactions WHERE actor_iri = @actorIri
              AND ((@activityIri IS NOT NULL AND activity_iri = @activityIri) OR (@kind IS NOT NULL AND kind = @kind AND object_iri = @objectIri))
            """, new { actorIri, activityIri, kind, objectIri }) > 0;
    }

    /// <summary>The actors who liked or shared an object, newest first.</summary>
    public async Task<IReadOnlyList<string>> ActorsAsync(string kind, string objectIri)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<string>(
            "SELECT actor_iri FROM interactions WHERE kind = @kind AND object_iri = @objectIri ORDER BY id DESC", new { kind, objectIri })).ToList();
    }

    /// <summary>The Like or Announce activities of an object, newest first (ActivityPub §5.7, §5.8).</summary>
    public async Task<IReadOnlyList<string>> ActivitiesAsync(string kind, string objectIri)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<string>(
            "SELECT activity_iri FROM interactions WHERE kind = @kind AND object_iri = @objectIri ORDER BY id DESC", new { kind, objectIri })).ToList();
    }

    /// <summary>Stores a comment, or refreshes it when its author edits it; returns whether it was stored.</summary>
    public async Task<bool> UpsertCommentAsync(CommentRow comment)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteAsync("""
            INSERT INTO comments (iri, report_iri, in_reply_to, author_iri, author_name, content_html, published_at, received_at)
            VALUES (@Iri, @ReportIri, @InReplyTo, @AuthorIri, @AuthorName, @ContentHtml, @PublishedAt, @ReceivedAt)
            ON CONFLICT (iri) DO UPDATE SET content_html = excluded.content_html, author_name = excluded.author_name, received_at = excluded.received_at
            WHERE comments.author_iri = excluded.author_iri AND comments.deleted_at IS NULL
            """, comment) > 0;
    }

    /// <summary>Stores a comment written here, in the caller's transaction.</summary>
    public Task InsertCommentAsync(UnitOfWork work, CommentRow comment) =>
        work.ExecuteAsync("""
            INSERT INTO comments (iri, report_iri, in_reply_to, author_iri, author_name, content_html, published_at, received_at)
            VALUES (@Iri, @ReportIri, @InReplyTo, @AuthorIri, @AuthorName, @ContentHtml, @PublishedAt, @ReceivedAt)
            """, comment);

    public async Task<CommentRow?> FindCommentAsync(string iri)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<CommentRow>("SELECT * FROM comments WHERE iri = @iri", new { iri });
    }

    /// <summary>Marks a comment deleted, if it is the author's own.</summary>
    public async Task<bool> DeleteCommentAsync(string iri, string authorIri, DateTimeOffset at)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteAsync(
            "UPDATE comments SET deleted_at = @at, content_html = '' WHERE iri = @iri AND author_iri = @authorIri AND deleted_at IS NULL",
            new { iri, authorIri, at }) > 0;
    }

    /// <summary>The live comments on a report, oldest first.</summary>
    public async Task<IReadOnlyList<CommentRow>> CommentsOnAsync(string reportIri)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<CommentRow>(
            "SELECT * FROM comments WHERE report_iri = @reportIri AND deleted_at IS NULL ORDER BY published_at, id", new { reportIri })).ToList();
    }

    public async Task AddMentionAsync(MentionRow mention)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync("""
            INSERT INTO mentions (local_actor_id, note_iri, author_iri, content_html, received_at)
            VALUES (@LocalActorId, @NoteIri, @AuthorIri, @ContentHtml, @ReceivedAt) ON CONFLICT DO NOTHING
            """, mention);
    }

    public async Task<IReadOnlyList<MentionRow>> MentionsOfAsync(long localActorId)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<MentionRow>(
            "SELECT * FROM mentions WHERE local_actor_id = @localActorId ORDER BY received_at DESC LIMIT 100", new { localActorId })).ToList();
    }
}
