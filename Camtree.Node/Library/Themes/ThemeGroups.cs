using System.Text.Json.Nodes;
using Camtree.Node.Federation;
using Camtree.Node.Storage;
using Camtree.Protocol.Delivery;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Node.Library.Themes;

/// <summary>
/// Theme groups (FEP-1b12): every theme a report here carries has a <c>Group</c> actor (<c>@oracy@node</c>) that anyone
/// can follow, from another Camtree node or from Mastodon. When a report with the theme is published or shared here, the
/// group announces it to its followers, twice over: the <c>Create</c> itself embedded exactly as its author signed it
/// (group-aware software verifies its proof and sees <c>audience</c>), and the <c>Article</c>'s IRI (what Mastodon
/// boosts and shows: the Article's name, summary and a link). Comments are never announced.
/// </summary>
public sealed class ThemeGroups(ThemeGroupStore groups, ActorStore actors, PractitionerService practitioners, FollowStore follows,
    DocumentBuilder documents, LocalUris uris, TimeProvider time, ILogger<ThemeGroups> log)
{
    /// <summary>The groups of these themes, made now for those without one.</summary>
    public async Task<IReadOnlyList<ThemeGroup>> EnsureAsync(IEnumerable<string> themes)
    {
        var wanted = themes.Distinct(StringComparer.Ordinal).ToList();
        var present = (await groups.ForThemesAsync(wanted)).Where(g => wanted.Contains(g.Theme)).Select(g => g.Theme).ToHashSet();
        foreach (var theme in wanted.Where(t => !present.Contains(t)))
        {
            var actor = await practitioners.CreateThemeGroupAsync(await FreeHandleAsync(theme), theme);
            if (!await groups.InsertAsync(theme, actor.Id, time.GetUtcNow()))
                log.LogInformation("theme {Theme} got its group from another request first; actor {Actor} stays unused", theme, actor.Username);
        }
        return await groups.ForThemesAsync(wanted);
    }

    private async Task<string> FreeHandleAsync(string theme)
    {
        var preferred = ThemeHandles.Preferred(theme);
        return preferred.Length > 0 && preferred != LocalUris.LibraryUsername && await actors.FindByUsernameAsync(preferred) is null
            ? preferred
            : ThemeHandles.Fallback(theme);
    }

    /// <summary>
    /// What the groups of a newly published report's themes send: each group (and each merged into one of them)
    /// announces the <paramref name="signedCreate"/> (FEP-1b12) and the Article, to its followers.
    /// </summary>
    public async Task<IReadOnlyList<Outgoing>> AnnounceCreateAsync(IReadOnlyList<string> themes, string reportIri, string authorIri,
        JsonObject signedCreate, DateTimeOffset published)
    {
        var outgoing = new List<Outgoing>();
        foreach (var (_, actor) in await SendersAsync(await EnsureAsync(themes)))
        {
            var audience = uris.Actor(actor.Username);
            var embedded = documents.Activity(AsTypes.Announce, actor, signedCreate.DeepClone().AsObject(),
                [ActivityStreams.PublicIri], [uris.Followers(actor.Username), authorIri], published) with { Audience = [audience] };
            outgoing.Add(new Outgoing(actor, embedded, true, FollowerInboxes(actor)));
            outgoing.Add(new Outgoing(actor, Boost(actor, reportIri, authorIri, published), true, FollowerInboxes(actor)));
        }
        return outgoing;
    }

    /// <summary>What the groups of a shared report's themes send: the Article's Announce, by each group that has not announced it yet.</summary>
    public async Task<IReadOnlyList<Outgoing>> AnnounceShareAsync(IReadOnlyList<string> themes, string reportIri, string authorIri,
        Func<long, Task<bool>> announcedAlready)
    {
        var outgoing = new List<Outgoing>();
        var now = time.GetUtcNow();
        foreach (var (_, actor) in await SendersAsync(await EnsureAsync(themes)))
            if (!await announcedAlready(actor.Id))
                outgoing.Add(new Outgoing(actor, Boost(actor, reportIri, authorIri, now), true, FollowerInboxes(actor)));
        return outgoing;
    }

    /// <summary>The actors of the groups that announce reports with these themes (their followers get a report's Update and Delete too).</summary>
    public async Task<IReadOnlyList<long>> AnnouncingActorsAsync(IReadOnlyList<string> themes) =>
        [.. (await AnnouncingAsync(await groups.ForThemesAsync(themes))).Select(g => g.ActorId)];

    /// <summary>
    /// Merges one theme into another (an operator's action): the reports filed under it are filed under the other from
    /// now on, both handles keep working, and the merged group goes on announcing what the other announces.
    /// Throws <see cref="ArgumentException"/> when either theme has no group or they are the same.
    /// </summary>
    public async Task MergeAsync(string source, string target)
    {
        var from = await groups.FindAsync(Normalise(source)) ?? throw new ArgumentException($"there is no theme '{source}'");
        var into = await groups.FindAsync(Normalise(target)) ?? throw new ArgumentException($"there is no theme '{target}'");
        var current = into.Current;
        if (current == from.Theme || from.Current == current) throw new ArgumentException($"'{source}' is already '{current}'");
        await groups.MergeAsync(from.Theme, current);
    }

    /// <summary>A theme as reports carry it: lower-case, without its #.</summary>
    public static string Normalise(string theme) => theme.Trim().TrimStart('#').ToLowerInvariant();

    private Activity Boost(LocalActor group, string reportIri, string authorIri, DateTimeOffset at) =>
        documents.Activity(AsTypes.Announce, group, reportIri, [ActivityStreams.PublicIri], [uris.Followers(group.Username), authorIri], at)
            with { Audience = [uris.Actor(group.Username)] };

    /// <summary>
    /// The groups that announce a report with these themes: the group of what each theme is filed under now, and every
    /// group merged into that one (a follower of a merged theme goes on receiving its reports).
    /// </summary>
    private async Task<IReadOnlyList<ThemeGroup>> AnnouncingAsync(IReadOnlyList<ThemeGroup> found) =>
        await groups.ForThemesAsync([.. found.Select(g => g.Current).Distinct(StringComparer.Ordinal)]);

    private async Task<List<(ThemeGroup Group, LocalActor Actor)>> SendersAsync(IReadOnlyList<ThemeGroup> found)
    {
        var senders = new List<(ThemeGroup, LocalActor)>();
        foreach (var group in await AnnouncingAsync(found))
            if (await actors.FindAsync(group.ActorId) is { } actor) senders.Add((group, actor));
        return senders;
    }

    private Func<UnitOfWork, Task<IEnumerable<string>>> FollowerInboxes(LocalActor group) =>
        async work => InboxResolver.ResolveInboxes(await follows.FollowerInboxesAsync(work, group.Id));
}
