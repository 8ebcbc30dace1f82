using System.Text.Json;
using System.Text.Json.Serialization;

namespace Camtree.Node.Storage;

/// <summary>
/// A version of a report in another language: what readers see (title, abstract and body as safe HTML) and, for a
/// report written here, what its author typed (so the version can be edited again). Stored as JSON with the report.
/// </summary>
public sealed record ReportTranslation
{
    public string Language { get; init; } = "";
    public string Title { get; init; } = "";
    public string SummaryHtml { get; init; } = "";
    public string ContentHtml { get; init; } = "";
    // As typed, for local reports only (the abstract's parts and the body in Markdown).
    public string? ResearchContext { get; init; }
    public string? Aims { get; init; }
    public string? Methods { get; init; }
    public string? Findings { get; init; }
    public string? BodyMarkdown { get; init; }

    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>The column's value: null for none.</summary>
    public static string? ToColumn(IReadOnlyList<ReportTranslation> translations) =>
        translations.Count == 0 ? null : JsonSerializer.Serialize(translations, Json);

    /// <summary>The translations a column holds (none for null or for anything unreadable: they are the node's own JSON).</summary>
    public static IReadOnlyList<ReportTranslation> FromColumn(string? column)
    {
        if (string.IsNullOrEmpty(column)) return [];
        try { return JsonSerializer.Deserialize<List<ReportTranslation>>(column, Json) ?? []; }
        catch (JsonException) { return []; }
    }
}

/// <summary>A report's attachments as their column holds them: the Documents its Article lists, as JSON.</summary>
public static class AttachmentColumn
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string? ToColumn(IReadOnlyList<Protocol.Vocabulary.AttachmentDocument> attachments) =>
        attachments.Count == 0 ? null : JsonSerializer.Serialize(attachments, Json);

    public static IReadOnlyList<Protocol.Vocabulary.AttachmentDocument> FromColumn(string? column)
    {
        if (string.IsNullOrEmpty(column)) return [];
        try { return JsonSerializer.Deserialize<List<Protocol.Vocabulary.AttachmentDocument>>(column, Json) ?? []; }
        catch (JsonException) { return []; }
    }
}
