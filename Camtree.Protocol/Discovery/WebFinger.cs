using System.Text.Json.Serialization;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Protocol.Discovery;

/// <summary>A JSON Resource Descriptor, the WebFinger response body (RFC 7033 §4.4).</summary>
public sealed record WebFingerResponse
{
    [JsonPropertyName("subject")] public required string Subject { get; init; }
    [JsonPropertyName("aliases")] public IReadOnlyList<string>? Aliases { get; init; }
    [JsonPropertyName("links")] public IReadOnlyList<WebFingerLink> Links { get; init; } = [];

    /// <summary>The ActivityPub actor IRI: the <c>self</c> link with an ActivityPub media type.</summary>
    [JsonIgnore]
    public string? ActorIri => Links.FirstOrDefault(l =>
        l.Rel == "self" && ActivityStreams.IsActivityPubMediaType(l.Type) && l.Href is not null)?.Href;
}

/// <summary>A link of a JRD (RFC 7033 §4.4.4).</summary>
public sealed record WebFingerLink
{
    [JsonPropertyName("rel")] public required string Rel { get; init; }
    [JsonPropertyName("type"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Type { get; init; }
    [JsonPropertyName("href"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Href { get; init; }
    [JsonPropertyName("template"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Template { get; init; }
}

/// <summary>WebFinger constants.</summary>
public static class WebFinger
{
    public const string MediaType = "application/jrd+json";
    public const string Path = "/.well-known/webfinger";
    /// <summary>The profile page relation Mastodon publishes.</summary>
    public const string ProfilePageRel = "http://webfinger.net/rel/profile-page";

    /// <summary>
    /// The OStatus subscribe relation: where this account's home server lets its user follow something seen elsewhere
    /// (a "remote follow" dialog on another site fills <c>{uri}</c> with what to follow). Mastodon publishes it.
    /// </summary>
    public const string SubscribeRel = "http://ostatus.org/schema/1.0/subscribe";

    /// <summary>The response a server gives for one of its actors; <paramref name="subscribeTemplate"/> when it has the OStatus subscribe page.</summary>
    public static WebFingerResponse Describe(AccountHandle handle, string actorIri, string profileUrl, string? subscribeTemplate = null) => new()
    {
        Subject = handle.AcctUri,
        Aliases = [actorIri, profileUrl],
        Links =
        [
            new WebFingerLink { Rel = ProfilePageRel, Type = "text/html", Href = profileUrl },
            new WebFingerLink { Rel = "self", Type = ActivityStreams.MediaType, Href = actorIri },
            .. subscribeTemplate is null ? Array.Empty<WebFingerLink>() : [new WebFingerLink { Rel = SubscribeRel, Template = subscribeTemplate }],
        ],
    };
}
