using Camtree.Node.Jobs;
using Camtree.Node.Storage;
using Camtree.Protocol.JsonLd;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Node.Federation;

/// <summary>
/// Sends activities of local actors: stores the activity and one delivery row per target inbox in a single
/// transaction (together with whatever the caller stores alongside it), then wakes the delivery worker.
/// Nothing is sent here; the worker signs and POSTs.
/// </summary>
public sealed class Outbox(
    Database database, OutboxStore outbox, DeliveryStore deliveries, ObjectProofs proofs, Protocol.Policy.FederationPolicy policy,
    WorkSignal<DeliveryWorker> signal, TimeProvider time)
{
    /// <param name="actor">The sender, whose key signs each delivery.</param>
    /// <param name="activity">The activity; its id must be new.</param>
    /// <param name="isPublic">Listed in the actor's public outbox collection.</param>
    /// <param name="inboxes">The target inboxes, resolved inside the transaction.</param>
    /// <param name="alongside">Other writes that must be stored with the activity or not at all.</param>
    public Task SendAsync(
        LocalActor actor, Activity activity, bool isPublic,
        Func<UnitOfWork, Task<IEnumerable<string>>> inboxes,
        Func<UnitOfWork, Task>? alongside = null) =>
        SendAsync([new Outgoing(actor, activity, isPublic, inboxes)], alongside);

    /// <summary>Sends several activities (say a report's Create and the library's Announce of it) in one transaction.</summary>
    public async Task SendAsync(IReadOnlyList<Outgoing> activities, Func<UnitOfWork, Task>? alongside = null)
    {
        var now = time.GetUtcNow();
        // Every activity leaves signed by its actor's key (FEP-8b32), so that it can be forwarded and still be believed.
        var signed = new List<string>();
        foreach (var outgoing in activities)
            signed.Add((outgoing.Signed ?? await SignAsync(outgoing.Sender, outgoing.Activity)).ToJsonString(ActivityJson.Options));
        await database.InTransactionAsync(async work =>
        {
            if (alongside is not null) await alongside(work);
            for (var i = 0; i < activities.Count; i++)
            {
                var (actor, activity, isPublic, inboxes, _) = activities[i];
                await outbox.InsertAsync(work, new OutboxEntry
                {
                    Iri = activity.Id,
                    LocalActorId = actor.Id,
                    ActivityType = activity.Type,
                    ObjectIri = ObjectIriOf(activity),
                    IsPublic = isPublic,
                    Json = signed[i],
                    PublishedAt = activity.Published ?? now,
                });
                // Servers outside the federation policy are not sent anything.
                var targets = (await inboxes(work)).Where(policy.AllowsUrl);
                await deliveries.EnqueueAsync(work, activity.Id, targets, now);
            }
            return 0;
        });
        signal.Announce();
    }

    /// <summary>
    /// An activity as it leaves: its JSON-LD document with the actor's proof. A caller signs ahead of
    /// <see cref="SendAsync(IReadOnlyList{Outgoing}, Func{UnitOfWork, Task}?)"/> when another activity
    /// embeds this one exactly as sent (a theme group's Announce of a Create, FEP-1b12), and hands it over as <see cref="Outgoing.Signed"/>.
    /// </summary>
    public async Task<System.Text.Json.Nodes.JsonObject> SignAsync(LocalActor actor, Activity activity) =>
        await proofs.SignAsync(ActivityJson.ToDocument(activity), actor, activity.Published ?? time.GetUtcNow());

    /// <summary>
    /// Forwards another server's activity as received (byte for byte, so its object proof still verifies) to the given
    /// inboxes, signed at send time by <paramref name="sender"/>, a local actor. Each activity is forwarded once.
    /// </summary>
    public async Task<bool> ForwardAsync(long sender, string activityIri, string activityType, string actorIri, string objectIri, string json,
        IEnumerable<string> inboxes)
    {
        var now = time.GetUtcNow();
        var forwarded = await database.InTransactionAsync(async work =>
        {
            var isNew = await outbox.InsertForwardedAsync(work, new OutboxEntry
            {
                Iri = activityIri, LocalActorId = sender, ActivityType = activityType, ObjectIri = objectIri, Json = json,
                PublishedAt = now, ForwardedFrom = actorIri,
            });
            if (isNew) await deliveries.EnqueueAsync(work, activityIri, inboxes.Where(policy.AllowsUrl), now);
            return isNew;
        });
        if (forwarded) signal.Announce();
        return forwarded;
    }

    /// <summary>What an activity is about, as stored: the IRI of its object (for an Undo or Accept, the inner activity's object).</summary>
    private static string? ObjectIriOf(Activity activity) => activity.Object switch
    {
        string iri => iri,
        ResearchReport report => report.Id,
        Note note => note.Id,
        Tombstone tombstone => tombstone.Id,
        System.Text.Json.Nodes.JsonObject document => document["id"]?.GetValue<string>(),
        Actor actor => actor.Id,
        Activity inner => inner.Object as string ?? inner.Id,
        _ => null,
    };

    /// <summary>Withdraws published activities in the caller's transaction (see <see cref="OutboxStore.WithdrawAsync"/>).</summary>
    public Task WithdrawAsync(UnitOfWork work, string? objectIri, string[]? types, string? iri = null) =>
        outbox.WithdrawAsync(work, objectIri, types, iri);

    /// <summary>The latest activity of a type an actor sent about an object.</summary>
    public Task<OutboxEntry?> FindOwnAsync(long localActorId, string activityType, string objectIri) =>
        outbox.FindOwnAsync(localActorId, activityType, objectIri);

    /// <summary>A single target inbox, for <see cref="SendAsync"/>.</summary>
    public static Func<UnitOfWork, Task<IEnumerable<string>>> To(string inbox) =>
        _ => Task.FromResult<IEnumerable<string>>([inbox]);
}

/// <summary>
/// One activity to send: who sends it, whether it is listed publicly, and where it goes; <see cref="Signed"/> when it
/// was signed already (<see cref="Outbox.SignAsync"/>), to be stored and sent as it is.
/// </summary>
public sealed record Outgoing(LocalActor Sender, Activity Activity, bool IsPublic, Func<UnitOfWork, Task<IEnumerable<string>>> Inboxes,
    System.Text.Json.Nodes.JsonObject? Signed = null);
