namespace Camtree.Protocol.Vocabulary;

/// <summary>
/// Constants of Activity Streams 2.0 (https://www.w3.org/TR/activitystreams-core/) and of
/// ActivityPub's media types (https://www.w3.org/TR/activitypub/#retrieving-objects).
/// </summary>
public static class ActivityStreams
{
    /// <summary>The AS2 context IRI (AS2 Core §2.1).</summary>
    public const string ContextIri = "https://www.w3.org/ns/activitystreams";

    /// <summary>The special public collection (ActivityPub §5.6), in its full IRI spelling.</summary>
    public const string PublicIri = "https://www.w3.org/ns/activitystreams#Public";

    /// <summary>The media type Mastodon and most servers send and expect.</summary>
    public const string MediaType = "application/activity+json";

    /// <summary>The JSON-LD media type with the AS2 profile, which ActivityPub names as canonical.</summary>
    public const string LdMediaType = "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"";

    /// <summary>What a server sends in <c>Accept</c> when it dereferences an ActivityPub document.</summary>
    public const string AcceptHeader = LdMediaType + ", " + MediaType;

    /// <summary>
    /// True for the three spellings of the public collection that occur in the wild:
    /// the full IRI, the compacted <c>as:Public</c> and the bare term <c>Public</c>.
    /// </summary>
    public static bool IsPublic(string? iri) => iri is PublicIri or "as:Public" or "Public";

    /// <summary>
    /// True when a Content-Type or Accept value names an ActivityPub media type in any of its media ranges:
    /// <c>application/activity+json</c>, or <c>application/ld+json</c> (with the AS2 profile, or with none).
    /// </summary>
    public static bool IsActivityPubMediaType(string? value)
    {
        if (string.IsNullOrEmpty(value)) return false;
        foreach (var range in value.Split(','))
        {
            var parameters = range.Split(';');
            var mediaType = parameters[0].Trim();
            if (mediaType.Equals("application/activity+json", StringComparison.OrdinalIgnoreCase)) return true;
            if (!mediaType.Equals("application/ld+json", StringComparison.OrdinalIgnoreCase)) continue;
            var profile = parameters.Skip(1).Select(p => p.Trim()).FirstOrDefault(p => p.StartsWith("profile=", StringComparison.OrdinalIgnoreCase));
            if (profile is null || profile.Contains(ContextIri, StringComparison.Ordinal)) return true;
        }
        return false;
    }
}

/// <summary>The AS2 activity and object types Camtree reads or writes (AS2 Vocabulary §3).</summary>
public static class AsTypes
{
    public const string Person = "Person";
    public const string Service = "Service";
    public const string Organization = "Organization";
    public const string Group = "Group";
    public const string Application = "Application";
    public const string Article = "Article";
    public const string Note = "Note";
    public const string Tombstone = "Tombstone";
    public const string Hashtag = "Hashtag";
    public const string Follow = "Follow";
    public const string Accept = "Accept";
    public const string Reject = "Reject";
    public const string Undo = "Undo";
    public const string Create = "Create";
    public const string Update = "Update";
    public const string Delete = "Delete";
    public const string Like = "Like";
    public const string Announce = "Announce";
    public const string OrderedCollection = "OrderedCollection";
    public const string OrderedCollectionPage = "OrderedCollectionPage";

    /// <summary>Actor types (AS2 Vocabulary §3.2).</summary>
    public static bool IsActor(string? type) =>
        type is Person or Service or Organization or Group or Application;
}
