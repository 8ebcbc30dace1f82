namespace Camtree.Protocol.Vocabulary;

/// <summary>BCP 47 language tags as Camtree checks them: their shape, not the registry (a peer's or an author's tag is kept as given).</summary>
public static class LanguageTags
{
    /// <summary>The longest tag accepted (RFC 5646 §4.4.1 asks implementations to allow at least 35 characters).</summary>
    public const int MaxLength = 35;

    /// <summary>Whether <paramref name="tag"/> is shaped like a BCP 47 tag: 1 to 35 ASCII letters, digits and hyphens.</summary>
    public static bool IsWellFormed(string? tag) =>
        tag is { Length: > 0 and <= MaxLength } && tag.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
}
