using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Camtree.Protocol.JsonLd;

/// <summary>Serialisation of outgoing ActivityPub documents: one set of options for the whole node.</summary>
public static class ActivityJson
{
    /// <summary>Options for outgoing documents: null members left out, no HTML escaping of non-ASCII.</summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new XsdDateTimeConverter() },
    };

    /// <summary>Serialises a top-level document with Camtree's <c>@context</c> as its first member.</summary>
    public static JsonObject ToDocument<T>(T value)
    {
        var body = JsonSerializer.SerializeToNode(value, value!.GetType(), Options)!.AsObject();
        var document = new JsonObject { ["@context"] = CamtreeContext.DocumentContext() };
        foreach (var (key, node) in body.ToList())
        {
            body.Remove(key);
            document[key] = node;
        }
        return document;
    }

    /// <summary>Serialises a top-level document to its UTF-8 JSON text.</summary>
    public static string Serialize<T>(T value) => ToDocument(value).ToJsonString(Options);
}

/// <summary>
/// Writes times as UTC <c>xsd:dateTime</c> with a <c>Z</c> and whole seconds (<c>2026-03-14T10:00:00Z</c>),
/// the form AS2 §2.3 and Mastodon use; reads any ISO 8601 form.
/// </summary>
internal sealed class XsdDateTimeConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTimeOffset.Parse(reader.GetString()!, System.Globalization.CultureInfo.InvariantCulture);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
}
