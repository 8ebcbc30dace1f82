using Camtree.Node.Federation;
using Camtree.Node.Storage;
using Camtree.Protocol.Delivery;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Node.Library;

/// <summary>Changes to an actor's public profile that its followers' servers must hear about (<c>Update</c> of the actor).</summary>
public sealed class ProfileService(
    ActorKeyStore keys, ActorStore actors, FollowStore follows, ReportStore reports, Outbox outbox, DocumentBuilder documents, Federation.LocalUris uris,
    TimeProvider time)
{
    /// <summary>
    /// Changes a practitioner's search consent (FEP-5feb) and tells the servers that hold their reports: their followers
    /// and the library's (a library subscriber holds every report of this node), with <c>Update</c> of the actor.
    /// </summary>
    public async Task<LocalActor> SetConsentAsync(LocalActor actor, bool indexable, bool discoverable)
    {
        await actors.SetConsentAsync(actor.Id, indexable, discoverable);
        await reports.ReindexAuthorAsync(uris.Actor(actor.Username));
        var updated = actor with { Indexable = indexable, Discoverable = discoverable };
        await SendActorUpdateAsync(updated);
        return updated;
    }

    /// <summary>The longest name and line about oneself a profile takes.</summary>
    public const int NameChars = 100, SummaryChars = 500;

    /// <summary>
    /// Changes a practitioner's name, the line about them and whether they approve followers by hand, and tells the
    /// servers that hold their reports (as <see cref="SetConsentAsync"/>). Throws <see cref="Accounts.AccountException"/> (field by field).
    /// </summary>
    public async Task<LocalActor> SetProfileAsync(LocalActor actor, string? displayName, string? summary, bool manuallyApprovesFollowers)
    {
        var name = (displayName ?? "").Trim();
        var about = (summary ?? "").Trim();
        var errors = new List<(string, string)>();
        if (name.Length == 0) errors.Add(("displayName", "say your name as readers should see it"));
        if (name.Length > NameChars) errors.Add(("displayName", $"a name is at most {NameChars} characters"));
        if (about.Length > SummaryChars) errors.Add(("summary", $"the line about you is at most {SummaryChars} characters"));
        if (errors.Count > 0) throw new Accounts.AccountException(errors);
        await actors.SetProfileAsync(actor.Id, name, about, manuallyApprovesFollowers);
        var updated = actor with { DisplayName = name, Summary = about, ManuallyApprovesFollowers = manuallyApprovesFollowers };
        await SendActorUpdateAsync(updated);
        return updated;
    }

    /// <summary><c>Update</c> of the actor document, to its followers and the library's (a library subscriber holds every report of this node).</summary>
    private async Task SendActorUpdateAsync(LocalActor updated)
    {
        var actor = updated;
        var document = documents.Actor(updated, await keys.AllAsync(actor.Id));
        var update = documents.Activity(AsTypes.Update, updated, document, [ActivityStreams.PublicIri], [document.Followers], time.GetUtcNow());
        var library = await actors.FindByUsernameAsync(Federation.LocalUris.LibraryUsername);
        await outbox.SendAsync(updated, update, isPublic: false, async (connection, transaction) =>
        {
            var recipients = (await follows.FollowerInboxesAsync(connection, transaction, actor.Id)).ToList();
            if (library is not null) recipients.AddRange(await follows.FollowerInboxesAsync(connection, transaction, library.Id));
            return InboxResolver.ResolveInboxes(recipients);
        });
    }

    /// <summary>
    /// Gives an actor a new Ed25519 key for its object proofs and sends <c>Update</c> of its actor document to its
    /// followers. The old key stays in the document, marked <c>retired</c>, so what it signed still verifies.
    /// </summary>
    public async Task<ActorKey> RotateKeyAsync(LocalActor actor)
    {
        var key = await keys.RotateAsync(actor.Id);
        var document = documents.Actor(actor, await keys.AllAsync(actor.Id));
        var update = documents.Activity(AsTypes.Update, actor, document, [ActivityStreams.PublicIri], [document.Followers], time.GetUtcNow());
        await outbox.SendAsync(actor, update, isPublic: false,
            async (connection, transaction) => InboxResolver.ResolveInboxes(await follows.FollowerInboxesAsync(connection, transaction, actor.Id)));
        return key;
    }
}
