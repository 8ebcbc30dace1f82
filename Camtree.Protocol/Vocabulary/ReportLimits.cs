namespace Camtree.Protocol.Vocabulary;

/// <summary>
/// How large each field of a research report may be. A node refuses a local draft that exceeds them (with a
/// message per field) and cuts a report received from another server to them, so that no peer can put a
/// megabyte on a public page. Lengths are in UTF-16 characters, as .NET strings count.
/// </summary>
public sealed record ReportLimits
{
    public int TitleChars { get; init; } = 300;
    /// <summary>Each part of the structured abstract: context, aims, methods, findings.</summary>
    public int AbstractPartChars { get; init; } = 5_000;
    /// <summary>The abstract as one HTML <c>summary</c> (received reports).</summary>
    public int SummaryChars { get; init; } = 25_000;
    /// <summary>The report's body: Markdown when written here, HTML when received.</summary>
    public int BodyChars { get; init; } = 200_000;
    public int SettingChars { get; init; } = 300;
    /// <summary>Methodology, educational level and subject area.</summary>
    public int MetadataChars { get; init; } = 200;
    public int Themes { get; init; } = 20;
    public int ThemeChars { get; init; } = 60;
    public int LicenseChars { get; init; } = 500;
    /// <summary>A comment (a reply Note): Markdown when written here, HTML when received.</summary>
    public int CommentChars { get; init; } = 20_000;
    /// <summary>Versions of a report in other languages (its nameMap/summaryMap/contentMap entries beyond its own language).</summary>
    public int Translations { get; init; } = 8;
    /// <summary>Files a report carries (AS2 <c>attachment</c>).</summary>
    public int Attachments { get; init; } = 10;
    /// <summary>What an attachment is, in words (its <c>name</c>: an image's text alternative).</summary>
    public int AttachmentNameChars { get; init; } = 500;
    /// <summary>A display name of a remote author.</summary>
    public int NameChars { get; init; } = 200;

    /// <summary>
    /// Cuts <paramref name="text"/> to at most <paramref name="max"/> characters, ending with an ellipsis when it
    /// was cut, and never between the two halves of a surrogate pair.
    /// </summary>
    public static string? Cut(string? text, int max)
    {
        if (text is null || text.Length <= max) return text;
        if (max <= 1) return max <= 0 ? "" : "…";
        var end = max - 1;
        if (char.IsHighSurrogate(text[end - 1])) end--;
        return string.Concat(text.AsSpan(0, end), "…");
    }
}
