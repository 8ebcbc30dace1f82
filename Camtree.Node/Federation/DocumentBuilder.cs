using Camtree.Node.Storage;
using Camtree.Protocol.Signatures.Multikeys;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Node.Federation;

/// <summary>Builds the ActivityPub documents of local actors, reports and activities from stored rows.</summary>
public sealed class DocumentBuilder(LocalUris uris)
{
    /// <param name="keys">The actor's Ed25519 keys, current first; retired ones are marked and stay, so old proofs verify.</param>
    public Actor Actor(LocalActor actor, IReadOnlyList<ActorKey> keys) => new()
    {
        Id = uris.Actor(actor.Username),
        Type = actor.ActorType,
        PreferredUsername = actor.Username,
        Name = actor.DisplayName,
        Summary = string.IsNullOrWhiteSpace(actor.Summary) ? null : $"<p>{Library.ReportRendering.Encode(actor.Summary)}</p>",
        // A theme group's page is its theme's (its display name is the theme with its #, set when it was made).
        Url = actor.ActorType == AsTypes.Group ? uris.Theme(actor.DisplayName.TrimStart('#')) : uris.Profile(actor.Username),
        Inbox = uris.Inbox(actor.Username),
        Outbox = uris.Outbox(actor.Username),
        Followers = uris.Followers(actor.Username),
        Following = uris.Following(actor.Username),
        Endpoints = new ActorEndpoints(uris.SharedInbox),
        ManuallyApprovesFollowers = actor.ManuallyApprovesFollowers,
        Published = actor.CreatedAt,
        PublicKey = new PublicKey(uris.KeyId(actor.Username), uris.Actor(actor.Username), actor.PublicKeyPem),
        AssertionMethod = keys.Select(key =>
        {
            var multikey = new Multikey($"{uris.Actor(actor.Username)}#{key.Fragment}", uris.Actor(actor.Username), key.PublicKeyMultibase).ToJson();
            if (key.RetiredAt is { } retired) multikey["retired"] = retired.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
            return multikey;
        }).ToList(),
        // A node's library is there to be found; a practitioner chooses.
        Indexable = actor.ActorType == AsTypes.Person ? actor.Indexable : true,
        Discoverable = actor.ActorType == AsTypes.Person ? actor.Discoverable : true,
        Reports = actor.Username == LocalUris.LibraryUsername ? uris.LibraryReports : null,
        Attachment = ProfileFields(actor) is { Count: > 0 } fields ? fields : null,
        Affiliation = actor.Affiliation is { Length: > 0 } affiliation ? affiliation : null,
        SameAs = actor.Orcid,
        Country = actor.Country,
        KnowsLanguage = actor.LanguageList is { Count: > 0 } languages ? languages : null,
    };

    /// <summary>
    /// The profile as Mastodon's profile fields (name and an HTML value, shown on the profile in every Mastodon client): in
    /// English, as the profile's own words are in the practitioner's.
    /// </summary>
    private static List<PropertyValue> ProfileFields(LocalActor actor)
    {
        var fields = new List<PropertyValue>();
        if (actor.Affiliation is { Length: > 0 } affiliation) fields.Add(new("Affiliation", Library.ReportRendering.Encode(affiliation)));
        if (actor.Orcid is { } orcid)
        {
            var href = Library.ReportRendering.Encode(orcid);
            fields.Add(new("ORCID iD", $"<a href=\"{href}\" rel=\"me nofollow noopener noreferrer\" target=\"_blank\">{href}</a>"));
        }
        if (actor.Country is { } country) fields.Add(new("Country", Library.ReportRendering.Encode(Library.Search.FacetLabels.Label("country", country))));
        if (actor.LanguageList is { Count: > 0 } languages)
            fields.Add(new("Languages", Library.ReportRendering.Encode(string.Join(", ", languages.Select(l => Library.Search.FacetLabels.Label("language", l))))));
        return fields;
    }

    /// <summary>A local report as an <c>Article</c>, addressed to the public and the author's followers.</summary>
    public ResearchReport Report(ReportRow report, LocalActor author) => new()
    {
        Id = report.Iri,
        AttributedTo = uris.Actor(author.Username),
        Name = report.Title,
        Summary = report.SummaryHtml,
        Content = report.ContentHtml,
        // The report's own language first, then each version in another (AS2 §4.7): readers' software picks theirs.
        NameMap = Map(report, report.Title, t => t.Title),
        SummaryMap = report.TranslationList.Count > 0 ? Map(report, report.SummaryHtml, t => t.SummaryHtml) : null,
        ContentMap = Map(report, report.ContentHtml, t => t.ContentHtml),
        Url = report.Url,
        Published = report.PublishedAt,
        Updated = report.UpdatedAt,
        To = [ActivityStreams.PublicIri],
        Cc = [uris.Followers(author.Username)],
        Tag = report.ThemeList.Select(theme => new Hashtag(uris.Theme(theme), "#" + theme)).ToList(),
        Attachment = report.AttachmentList is { Count: > 0 } attachments ? attachments : null,
        InLanguage = report.Language,
        Methodology = report.Methodology,
        EducationalLevel = report.EducationalLevel,
        SubjectArea = report.SubjectArea,
        SpatialCoverage = report.Country,
        Setting = report.Setting,
        ResearchContext = report.ResearchContext,
        Aims = report.Aims,
        Methods = report.Methods,
        Findings = report.Findings,
        License = report.License,
        ReviewStatus = "unreviewed",
        Replies = uris.Collection(report.Iri, "replies"),
        Likes = uris.Collection(report.Iri, "likes"),
        Shares = uris.Collection(report.Iri, "shares"),
    };

    private static Dictionary<string, string> Map(ReportRow report, string own, Func<ReportTranslation, string> version)
    {
        var map = new Dictionary<string, string> { [report.Language] = own };
        foreach (var translation in report.TranslationList) map.TryAdd(translation.Language, version(translation));
        return map;
    }

    /// <summary>What a deleted object becomes (AS2 Vocabulary §3.3 Tombstone).</summary>
    public Tombstone Tombstone(string iri, DateTimeOffset deleted) => new(iri, AsTypes.Article, deleted);

    /// <summary>A local comment as a <c>Note</c> in reply to a report.</summary>
    public Note Note(CommentRow comment, LocalActor author, IReadOnlyList<string> cc) => new()
    {
        Id = comment.Iri,
        AttributedTo = uris.Actor(author.Username),
        Content = comment.ContentHtml,
        InReplyTo = comment.InReplyTo,
        Published = comment.PublishedAt,
        To = [ActivityStreams.PublicIri],
        Cc = cc,
        Url = comment.ReportIri,
    };

    /// <summary>A new activity by a local actor, with a fresh id.</summary>
    public Activity Activity(string type, LocalActor actor, object @object, IReadOnlyList<string>? to, IReadOnlyList<string>? cc, DateTimeOffset published) => new()
    {
        Id = uris.Activity(LocalUris.NewId()),
        Type = type,
        Actor = uris.Actor(actor.Username),
        Object = @object,
        To = to,
        Cc = cc,
        Published = published,
    };
}
