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

    /// <summary>The longest name, line about oneself and affiliation a profile takes; how many languages it lists.</summary>
    public const int NameChars = 100, SummaryChars = 500, AffiliationChars = 200, MaxLanguages = 10;

    /// <summary>
    /// Changes a practitioner's profile (name, the line about them, whether they approve followers by hand, affiliation,
    /// ORCID iD, country, languages) and tells the servers that hold their reports (as <see cref="SetConsentAsync"/>).
    /// The ORCID iD is checked (its check character) and stored as its URI. Throws <see cref="Accounts.AccountException"/> (field by field).
    /// </summary>
    public async Task<LocalActor> SetProfileAsync(LocalActor actor, ProfileFields typed)
    {
        var name = (typed.DisplayName ?? "").Trim();
        var about = (typed.Summary ?? "").Trim();
        var affiliation = (typed.Affiliation ?? "").Trim();
        var errors = new List<(string, string)>();
        if (name.Length == 0) errors.Add(("displayName", "say your name as readers should see it"));
        if (name.Length > NameChars) errors.Add(("displayName", $"a name is at most {NameChars} characters"));
        if (about.Length > SummaryChars) errors.Add(("summary", $"the line about you is at most {SummaryChars} characters"));
        if (affiliation.Length > AffiliationChars) errors.Add(("affiliation", $"an affiliation is at most {AffiliationChars} characters"));
        string? orcid = null;
        if (!string.IsNullOrWhiteSpace(typed.Orcid) && !OrcidId.TryNormalize(typed.Orcid, out orcid!))
            errors.Add(("orcid", "an ORCID iD is sixteen characters such as 0000-0002-1825-0097, and its last one must check out"));
        var country = string.IsNullOrWhiteSpace(typed.Country) ? null : typed.Country.Trim().ToUpperInvariant();
        if (country is not null && !Web.ViewModels.EditorChoices.Countries.Any(c => c.Value == country))
            errors.Add(("country", "choose a country from the list"));
        var languages = typed.Languages.Select(l => l.Trim()).Where(l => l.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (languages.Count > MaxLanguages) errors.Add(("languages", $"list at most {MaxLanguages} languages"));
        else if (!languages.All(LanguageTags.IsWellFormed))
            errors.Add(("languages", "languages are BCP 47 tags such as en, es or pt-BR"));
        if (errors.Count > 0) throw new Accounts.AccountException(errors);
        var profile = new ProfileFields(name, about, typed.ManuallyApprovesFollowers, affiliation, orcid, country, languages);
        await actors.SetProfileAsync(actor.Id, profile);
        var updated = actor with
        {
            DisplayName = name, Summary = about, ManuallyApprovesFollowers = typed.ManuallyApprovesFollowers, Affiliation = affiliation,
            Orcid = orcid, Country = country, Languages = string.Join(' ', languages),
        };
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
        await outbox.SendAsync(updated, update, isPublic: false, async work =>
        {
            var recipients = (await follows.FollowerInboxesAsync(work, actor.Id)).ToList();
            if (library is not null) recipients.AddRange(await follows.FollowerInboxesAsync(work, library.Id));
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
            async work => InboxResolver.ResolveInboxes(await follows.FollowerInboxesAsync(work, actor.Id)));
        return key;
    }
}
