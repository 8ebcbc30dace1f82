using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Camtree.Node.Library.Themes;

/// <summary>
/// The handle of a theme's Group actor (<c>@oracy@node</c>). A handle is a username like a practitioner's
/// (1 to 30 of a-z, 0-9 and _) because Mastodon and WebFinger clients accept no more than that everywhere; themes are
/// freer (up to 60 characters, any letters, hyphens), so a handle is the theme folded to that alphabet.
/// </summary>
public static class ThemeHandles
{
    public const int MaxLength = 30;

    /// <summary>
    /// The handle a theme asks for: lower-cased, diacritics folded (<c>evaluación</c> → <c>evaluacion</c>), every
    /// other character outside a-z, 0-9 and _ made an _ (runs of them one), trimmed of _ at both ends, at most 30.
    /// Empty when nothing is left (a theme in a script without Latin letters): <see cref="Fallback"/> names it then.
    /// </summary>
    public static string Preferred(string theme)
    {
        var folded = new StringBuilder(theme.Length);
        foreach (var c in theme.Normalize(NormalizationForm.FormD).ToLowerInvariant())
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            var kept = c is >= 'a' and <= 'z' or >= '0' and <= '9' ? c : '_';
            if (kept == '_' && folded.Length > 0 && folded[^1] == '_') continue;
            folded.Append(kept);
        }
        var handle = folded.ToString().Trim('_');
        return handle.Length <= MaxLength ? handle : handle[..MaxLength].TrimEnd('_');
    }

    /// <summary>
    /// The handle for a theme whose preferred one is empty or taken (by a practitioner, the library, another theme that
    /// folds the same): <c>theme_</c> and eight hex digits of the theme's SHA-256, the same on every node and every start.
    /// </summary>
    public static string Fallback(string theme) =>
        "theme_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(theme)))[..8];
}
