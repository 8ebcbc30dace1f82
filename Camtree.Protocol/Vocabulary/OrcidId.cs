namespace Camtree.Protocol.Vocabulary;

/// <summary>
/// An ORCID iD: sixteen characters in four groups, the last a check character computed with ISO 7064 MOD 11-2
/// (https://support.orcid.org/hc/en-us/articles/360006897674). Written as its URI, <c>https://orcid.org/0000-0002-1825-0097</c>,
/// which is what a profile links to and what other servers read.
/// </summary>
public static class OrcidId
{
    public const string UriPrefix = "https://orcid.org/";

    /// <summary>
    /// Reads an iD as people type it — the URI (http or https, with or without www), the bare sixteen characters with or
    /// without hyphens — and gives its URI. False when it is not sixteen characters or its check character is wrong.
    /// </summary>
    public static bool TryNormalize(string? text, out string uri)
    {
        uri = "";
        if (string.IsNullOrWhiteSpace(text) || text.Length > 64) return false;
        var value = text.Trim();
        foreach (var prefix in new[] { "https://orcid.org/", "http://orcid.org/", "https://www.orcid.org/", "http://www.orcid.org/", "orcid.org/" })
        {
            if (value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) { value = value[prefix.Length..]; break; }
        }
        var characters = value.Replace("-", "", StringComparison.Ordinal).ToUpperInvariant();
        if (characters.Length != 16 || !characters[..15].All(char.IsAsciiDigit) || !(char.IsAsciiDigit(characters[15]) || characters[15] == 'X')) return false;
        if (CheckCharacter(characters[..15]) != characters[15]) return false;
        uri = $"{UriPrefix}{characters[..4]}-{characters[4..8]}-{characters[8..12]}-{characters[12..]}";
        return true;
    }

    /// <summary>ISO 7064 MOD 11-2 over the first fifteen digits, as ORCID documents it.</summary>
    private static char CheckCharacter(string baseDigits)
    {
        var total = 0;
        foreach (var digit in baseDigits) total = (total + (digit - '0')) * 2;
        var result = (12 - total % 11) % 11;
        return result == 10 ? 'X' : (char)('0' + result);
    }
}
