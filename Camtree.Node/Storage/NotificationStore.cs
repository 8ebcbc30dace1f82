using Dapper;

namespace Camtree.Node.Storage;

/// <summary>Kinds of notification.</summary>
public static class NotificationKinds
{
    public const string FollowRequest = "follow-request", Follower = "follower", Comment = "comment", Like = "like", Share = "share", Mention = "mention";
}

/// <summary>One notification: what happened, who did it (their IRI and name when known), on which report, when.</summary>
public sealed record Notification(string Kind, string ActorIri, string? ActorName, string? ReportTitle, long? ReportId, string? ContentHtml,
    DateTimeOffset At);

/// <summary>A practitioner's notifications, newest first.</summary>
public interface INotificationStore
{
    Task<IReadOnlyList<Notification>> ForAsync(long localActorId, string actorIri, int limit = 100);
}

/// <summary>
/// Notifications read from what the node already records (followers and their requests, comments, likes and shares
/// of the practitioner's reports, mentions of them), so that nothing has to be written twice and nothing can disagree.
/// </summary>
public sealed class NotificationStore(Database database) : INotificationStore
{
    public async Task<IReadOnlyList<Notification>> ForAsync(long localActorId, string actorIri, int limit = 100)
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<Row>("""
            SELECT * FROM (
              SELECT CASE f.state WHEN 'pending' THEN 'follow-request' ELSE 'follower' END AS kind, f.follower_iri AS actor_iri,
                     COALESCE(a.display_name, a.username) AS actor_name, NULL AS report_title, NULL AS report_id, NULL AS content_html, f.created_at AS at
              FROM followers f LEFT JOIN remote_actors a ON a.iri = f.follower_iri WHERE f.local_actor_id = @localActorId
              UNION ALL
              SELECT 'comment', c.author_iri, c.author_name, r.title, r.id, c.content_html, c.published_at
              FROM reports r JOIN comments c ON c.report_iri = r.iri
              WHERE r.local_author_id = @localActorId AND c.author_iri <> @actorIri AND c.deleted_at IS NULL
              UNION ALL
              SELECT i.kind, i.actor_iri, COALESCE(a.display_name, a.username), r.title, r.id, NULL, i.created_at
              FROM reports r JOIN interactions i ON i.object_iri = r.iri LEFT JOIN remote_actors a ON a.iri = i.actor_iri
              WHERE r.local_author_id = @localActorId AND i.actor_iri <> @actorIri
              UNION ALL
              SELECT 'mention', m.author_iri, COALESCE(a.display_name, a.username), NULL, NULL, m.content_html, m.received_at
              FROM mentions m LEFT JOIN remote_actors a ON a.iri = m.author_iri WHERE m.local_actor_id = @localActorId
            ) n ORDER BY at DESC LIMIT @limit
            """, new { localActorId, actorIri, limit });
        return [.. rows.Select(r => new Notification(r.Kind, r.ActorIri, r.ActorName, r.ReportTitle, r.ReportId, r.ContentHtml, r.At))];
    }

    private sealed record Row
    {
        public string Kind { get; init; } = "";
        public string ActorIri { get; init; } = "";
        public string? ActorName { get; init; }
        public string? ReportTitle { get; init; }
        public long? ReportId { get; init; }
        public string? ContentHtml { get; init; }
        public DateTimeOffset At { get; init; }
    }
}
