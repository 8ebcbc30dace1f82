using System.Text.Json;
using Camtree.Protocol.JsonLd;

namespace Camtree.Protocol.Vocabulary;

/// <summary>
/// A file that travels with a report (an instrument, slides, a data sheet, a photograph of pupils' work) as an AS2
/// <c>attachment</c> of type <c>Document</c>: its address, media type and a name that says what it is (an image's
/// text alternative). Mastodon shows image Documents as media with <c>name</c> as their description.
/// </summary>
public sealed record AttachmentDocument(string Url, string MediaType, string Name)
{
    public string Type { get; init; } = "Document";
}

/// <summary>
/// The kinds of file a report may carry, told by their content and never by their name or what the uploader said:
/// PNG, JPEG, GIF and WebP images, and PDF. Anything else (SVG, which can carry script; HTML; executables) is refused.
/// </summary>
public static class AttachmentTypes
{
    public const string Pdf = "application/pdf";

    /// <summary>The media types Camtree accepts, with the file extension it serves them under.</summary>
    public static readonly IReadOnlyDictionary<string, string> Extensions = new Dictionary<string, string>
    {
        ["image/png"] = "png", ["image/jpeg"] = "jpg", ["image/gif"] = "gif", ["image/webp"] = "webp", [Pdf] = "pdf",
    };

    /// <summary>How many first bytes <see cref="Detect"/> needs.</summary>
    public const int SniffBytes = 12;

    /// <summary>The media type the first bytes of a file show (their signature), or null when it is not one Camtree accepts.</summary>
    public static string? Detect(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])) return "image/png";
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])) return "image/jpeg";
        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8)) return "image/gif";
        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8)) return "image/webp";
        if (head.StartsWith("%PDF-"u8)) return Pdf;
        return null;
    }

    public static bool IsImage(string mediaType) => mediaType.StartsWith("image/", StringComparison.Ordinal);

    /// <summary>
    /// The attachments of a received Article: <c>Document</c>s (or <c>Image</c>s) with an http(s) <c>url</c> (a string or
    /// a Link's <c>href</c>) and a media type Camtree accepts, at most <paramref name="max"/>, names cut to <paramref name="nameChars"/>.
    /// Anything else is skipped: a report is still a report without its files.
    /// </summary>
    public static IReadOnlyList<AttachmentDocument> Read(IncomingObject article, int max, int nameChars)
    {
        if (!article.Raw.TryGetProperty("attachment", out var value)) return [];
        var items = value.ValueKind switch
        {
            JsonValueKind.Array => value.EnumerateArray().Take(max * 4).ToList(),
            JsonValueKind.Object => [value],
            _ => [],
        };
        var read = new List<AttachmentDocument>();
        foreach (var item in items)
        {
            if (read.Count == max) break;
            if (item.ValueKind != JsonValueKind.Object || String(item, "type") is not ("Document" or "Image")) continue;
            var url = item.TryGetProperty("url", out var u) ? u.ValueKind switch
            {
                JsonValueKind.String => u.GetString(),
                JsonValueKind.Object => String(u, "href"),
                JsonValueKind.Array => u.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.ValueKind == JsonValueKind.Object ? String(e, "href") : null)
                    .FirstOrDefault(h => h is not null),
                _ => null,
            } : null;
            var mediaType = String(item, "mediaType")?.Split(';')[0].Trim().ToLowerInvariant();
            if (url is null || url.Length > 2048 || !KnownLicenses.IsLicenseUrl(url) || mediaType is null || !Extensions.ContainsKey(mediaType)) continue;
            read.Add(new AttachmentDocument(url, mediaType, ReportLimits.Cut(String(item, "name")?.Trim(), nameChars) ?? ""));
        }
        return read;
    }

    private static string? String(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
