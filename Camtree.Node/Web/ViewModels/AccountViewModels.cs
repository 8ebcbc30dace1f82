namespace Camtree.Node.Web.ViewModels;

/// <summary>The hidden field that carries a form's antiforgery token (ASP.NET Core antiforgery checks every POST form).</summary>
public sealed record AntiforgeryField(string Name, string Value);

/// <summary>One problem with what was sent: which field (its id, to link to it) and what to do.</summary>
public sealed record FieldError(string Field, string Message);

/// <summary>The sign-in form, with what was typed (never the password) and what went wrong.</summary>
public sealed record SignInPageModel(SiteModel Site, AntiforgeryField Antiforgery, string UserName, string? ReturnUrl,
    IReadOnlyList<FieldError> Errors, DemoSignIn? Demo, bool CanSignUp);

/// <summary>On a demo node, whom to sign in as and with what password (the README says the same).</summary>
public sealed record DemoSignIn(IReadOnlyList<string> UserNames, string Password);

/// <summary>The sign-up form: by invitation (its secret in a hidden field) or open registration.</summary>
public sealed record SignUpPageModel(SiteModel Site, AntiforgeryField Antiforgery, string? Invitation, string UserName, string DisplayName,
    IReadOnlyList<FieldError> Errors);

/// <summary>A signed-in practitioner's settings: who they are, their search consent, their sessions.</summary>
public sealed record SettingsPageModel(SiteModel Site, AntiforgeryField Antiforgery, Storage.ProfileFields Profile, string Handle, string Role,
    bool Indexable, bool Discoverable, string? Notice, IReadOnlyList<FieldError> Errors, IReadOnlyList<Storage.TokenInfo>? Tokens = null, string? NewToken = null)
{
    public IReadOnlyList<Choice> Countries => EditorChoices.Countries;
    public IReadOnlyList<Choice> Languages => EditorChoices.Languages;
    public bool HasError(string field) => Errors.Any(e => e.Field == field);
}

/// <summary>Someone found on another server: whom, and where their profile is.</summary>
public sealed record FoundActor(string Iri, string Name, string Handle, string Type, string? ProfileHref);

/// <summary>The find-and-follow page: what was typed, whom it found (or why nobody), and how a follow of them stands.</summary>
public sealed record FindPageModel(SiteModel Site, AntiforgeryField Antiforgery, string Who, FoundActor? Found, string? Problem, string? FollowState);

/// <summary>A practitioner's notifications, with the forms to answer follow requests.</summary>
public sealed record NotificationsPageModel(SiteModel Site, AntiforgeryField Antiforgery, IReadOnlyList<Storage.Notification> Notifications, string? Notice);

/// <summary>One practitioner as the operator page lists them.</summary>
public sealed record PractitionerRow(long Id, string UserName, string DisplayName, string? Role, bool Suspended);

/// <summary>The operator's page: practitioners (invite, suspend), library subscriptions, delivery health.</summary>
public sealed record OperatorPageModel(SiteModel Site, AntiforgeryField Antiforgery, long Self, IReadOnlyList<PractitionerRow> Practitioners,
    IReadOnlyList<Storage.Subscription> Subscriptions, IReadOnlyDictionary<string, int> DeliveryStates, IReadOnlyList<Storage.HostDeliverySummary> Hosts,
    string? InvitationLink, string? Notice, string FederationMode, IReadOnlyList<string> FederationDomains,
    IReadOnlyList<Storage.ThemeListing> Themes);
