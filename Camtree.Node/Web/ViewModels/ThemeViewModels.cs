namespace Camtree.Node.Web.ViewModels;

/// <summary>
/// A theme's page: its group's handle (to follow from Mastodon), how many follow it, a Follow button for a signed-in
/// viewer, and its reports a page at a time. <paramref name="Handle"/> and <paramref name="ActorIri"/> are null for a
/// theme only reports received from elsewhere carry (it has no group here until a report with it is published or shared here).
/// </summary>
public sealed record ThemePageModel(SiteModel Site, string Theme, string? Handle, string? ActorIri, int Followers, ProfileFollowState FollowState,
    AntiforgeryField? Antiforgery, ReportListModel Reports, string Path);

/// <summary>A theme in the directory of themes.</summary>
public sealed record ThemeEntry(string Theme, string Handle, string ActorIri, int Reports, int Followers, bool Followed);

/// <summary>The directory of this library's themes, most followed first, each followable.</summary>
public sealed record ThemesPageModel(SiteModel Site, IReadOnlyList<ThemeEntry> Themes, AntiforgeryField? Antiforgery);
