using System.Text.Json;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Protocol.JsonLd;

/// <summary>
/// An incoming AS2 object or activity, normalised once at the edge (see <see cref="IncomingObject.Parse(JsonElement)"/>).
/// After normalisation code reads one shape: a property that may be a single value or an array is a list;
/// a property that may be an IRI, a Link or an embedded object is an <see cref="ObjectReference"/>;
/// the three spellings of the public collection are the full IRI; natural-language maps fill the plain value.
/// </summary>
public sealed class IncomingObject
{
    /// <summary>How deep embedded objects are normalised; deeper nesting is kept as references only.</summary>
    public const int MaxEmbeddingDepth = 4;

    public string? Id { get; private init; }
    /// <summary>All types in document order; <see cref="Type"/> is the first.</summary>
    public IReadOnlyList<string> Types { get; private init; } = [];
    public string Type => Types.Count > 0 ? Types[0] : "";
    public string? Actor { get; private init; }
    public ObjectReference? Object { get; private init; }
    public string? AttributedTo { get; private init; }
    public string? InReplyTo { get; private init; }
    public IReadOnlyList<string> To { get; private init; } = [];
    public IReadOnlyList<string> Cc { get; private init; } = [];
    public string? Name { get; private init; }
    public string? Summary { get; private init; }
    public string? Content { get; private init; }
    /// <summary>The language of <see cref="Content"/> when the document names it (contentMap key or schema:inLanguage).</summary>
    public string? Language { get; private init; }
    public string? Url { get; private init; }
    public DateTimeOffset? Published { get; private init; }
    public IReadOnlyList<IncomingTag> Tags { get; private init; } = [];
    /// <summary>The document as received, for fields this view does not lift (and for storage).</summary>
    public JsonElement Raw { get; private init; }

    /// <summary>True when the object is addressed to the public collection, in <c>to</c> or <c>cc</c>.</summary>
    public bool IsPublic => To.Contains(ActivityStreams.PublicIri) || Cc.Contains(ActivityStreams.PublicIri);

    /// <summary>
    /// True when the public collection is in <c>to</c>: Mastodon's "public", meant to be listed and found.
    /// Public only in <c>cc</c> is Mastodon's "unlisted": readable by anyone, but kept out of listings.
    /// </summary>
    public bool IsListed => To.Contains(ActivityStreams.PublicIri);

    public bool HasType(string type) => Types.Contains(type);

    /// <summary>Reads a plain string member (no normalisation beyond single-or-first).</summary>
    public string? GetString(string property) =>
        Raw.TryGetProperty(property, out var value) ? FirstString(value) : null;

    /// <summary>Normalises a parsed JSON object. Throws <see cref="IncomingDocumentException"/> when it is not an object.</summary>
    public static IncomingObject Parse(JsonElement element) => Parse(element, 0);

    /// <summary>Parses and normalises JSON text with the limits of <see cref="IncomingDocumentLimits"/>.</summary>
    public static IncomingObject Parse(ReadOnlyMemory<byte> utf8Json)
    {
        try
        {
            using var document = JsonDocument.Parse(utf8Json, IncomingDocumentLimits.DocumentOptions);
            return Parse(document.RootElement.Clone());
        }
        catch (JsonException e)
        {
            throw new IncomingDocumentException($"malformed JSON: {e.Message}");
        }
    }

    private static IncomingObject Parse(JsonElement element, int depth)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new IncomingDocumentException("an ActivityPub document must be a JSON object");

        var (name, nameLanguage) = LanguageValue(element, "name");
        var (summary, _) = LanguageValue(element, "summary");
        var (content, contentLanguage) = LanguageValue(element, "content");
        return new IncomingObject
        {
            Raw = element,
            Id = Member(element, "id") is { } id ? FirstString(id) : null,
            Types = Member(element, "type") is { } type ? Strings(type) : [],
            Actor = FirstIri(element, "actor"),
            Object = Reference(element, "object", depth),
            AttributedTo = FirstIri(element, "attributedTo"),
            InReplyTo = FirstIri(element, "inReplyTo"),
            To = Audience(element, "to"),
            Cc = Audience(element, "cc"),
            Name = name,
            Summary = summary,
            Content = content,
            Language = contentLanguage ?? nameLanguage ?? (Member(element, "inLanguage") is { } lang ? FirstString(lang) : null),
            Url = FirstIri(element, "url"),
            Published = Member(element, "published") is { ValueKind: JsonValueKind.String } p
                && DateTimeOffset.TryParse(p.GetString(), out var published) ? published : null,
            Tags = ReadTags(element),
        };
    }

    private static JsonElement? Member(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static string? FirstString(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Array => value.EnumerateArray().Select(FirstString).FirstOrDefault(s => s is not null),
        _ => null,
    };

    private static IReadOnlyList<string> Strings(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => [value.GetString()!],
        JsonValueKind.Array => value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String)
            .Select(v => v.GetString()!).ToList(),
        _ => [],
    };

    /// <summary>The IRI of one value: a string is the IRI, an object gives its <c>id</c>, a Link its <c>href</c>.</summary>
    private static string? IriOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Object when value.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String
            && t.GetString() == "Link" && value.TryGetProperty("href", out var href) => FirstString(href),
        JsonValueKind.Object when value.TryGetProperty("id", out var id) => FirstString(id),
        JsonValueKind.Object when value.TryGetProperty("href", out var href) => FirstString(href),
        _ => null,
    };

    private static IEnumerable<JsonElement> Values(JsonElement value) =>
        value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : [value];

    private static string? FirstIri(JsonElement element, string property) =>
        Member(element, property) is { } value ? Values(value).Select(IriOf).FirstOrDefault(i => i is not null) : null;

    private static IReadOnlyList<string> Audience(JsonElement element, string property) =>
        Member(element, property) is { } value
            ? Values(value).Select(IriOf).OfType<string>()
                .Select(iri => ActivityStreams.IsPublic(iri) ? ActivityStreams.PublicIri : iri).Distinct().ToList()
            : [];

    private static ObjectReference? Reference(JsonElement element, string property, int depth)
    {
        if (Member(element, property) is not { } value) return null;
        var first = Values(value).FirstOrDefault(v => v.ValueKind is JsonValueKind.String or JsonValueKind.Object);
        if (IriOf(first) is not { } iri) return null;
        var embedded = first.ValueKind == JsonValueKind.Object && depth < MaxEmbeddingDepth
            && first.EnumerateObject().Any(p => p.Name is not ("id" or "type" or "href"))
            ? Parse(first, depth + 1)
            : null;
        return new ObjectReference(iri, embedded);
    }

    /// <summary>A natural-language value: the plain member, else the first entry of its <c>…Map</c> (AS2 §4.7).</summary>
    private static (string? Value, string? Language) LanguageValue(JsonElement element, string property)
    {
        string? language = null;
        string? fromMap = null;
        if (Member(element, property + "Map") is { ValueKind: JsonValueKind.Object } map)
        {
            foreach (var entry in map.EnumerateObject())
            {
                if (entry.Value.ValueKind != JsonValueKind.String) continue;
                language = entry.Name;
                fromMap = entry.Value.GetString();
                break;
            }
        }
        // An empty value (Mastodon sends "name": "" for an actor without a display name) is no value.
        var plain = Member(element, property) is { } value ? FirstString(value) : null;
        var chosen = string.IsNullOrWhiteSpace(plain) ? fromMap : plain;
        return (string.IsNullOrWhiteSpace(chosen) ? null : chosen, language);
    }

    private static IReadOnlyList<IncomingTag> ReadTags(JsonElement element)
    {
        if (Member(element, "tag") is not { } value) return [];
        return Values(value)
            .Where(v => v.ValueKind == JsonValueKind.Object)
            .Select(v => new IncomingTag(
                Member(v, "type") is { } t ? FirstString(t) ?? "" : "",
                Member(v, "name") is { } n ? FirstString(n) : null,
                Member(v, "href") is { } h ? FirstString(h) : null))
            .ToList();
    }
}

/// <summary>A reference to another object: always its IRI, and the object itself when it was embedded.</summary>
public sealed record ObjectReference(string Iri, IncomingObject? Embedded);

/// <summary>A <c>tag</c> entry: a <c>Hashtag</c>, a <c>Mention</c> or another tag type.</summary>
public sealed record IncomingTag(string Type, string? Name, string? Href);

/// <summary>An incoming document that cannot be read; the message is safe to return to the sender.</summary>
public sealed class IncomingDocumentException(string message) : Exception(message);

/// <summary>Limits applied when parsing documents from other servers.</summary>
public static class IncomingDocumentLimits
{
    /// <summary>The largest body an inbox or a fetch accepts (1 MiB).</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>The deepest JSON nesting accepted; AS2 documents are shallow, deep nesting is an attack.</summary>
    public const int MaxDepth = 32;

    public static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };
}
