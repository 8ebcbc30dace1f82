using System.Globalization;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Node.Library.Search;

/// <summary>The human label of a facet value: from Camtree's controlled vocabularies, or the culture data for countries and languages.</summary>
public static class FacetLabels
{
    public static string Label(string facet, string value, CultureInfo? culture = null) => facet switch
    {
        "methodology" => CamtreeVocabulary.MethodologyLabels.GetValueOrDefault(value) ?? value,
        "educationalLevel" => CamtreeVocabulary.EducationalLevelLabels.GetValueOrDefault(value) ?? value,
        "reviewStatus" => CamtreeVocabulary.ReviewStatusLabels.GetValueOrDefault(value) ?? value,
        "country" => CountryName(value, culture),
        "language" => LanguageName(value, culture),
        "theme" => "#" + value,
        _ => value,
    };

    private static string CountryName(string code, CultureInfo? culture)
    {
        try
        {
            var region = new RegionInfo(code);
            return culture is null || culture.TwoLetterISOLanguageName == "en" ? region.EnglishName : region.DisplayName;
        }
        catch (ArgumentException) { return code; }
    }

    /// <summary>A language by its own name (Español, Português (Brasil)): how a reader recognises a link to their language.</summary>
    public static string NativeLanguageName(string tag)
    {
        try { return CultureInfo.GetCultureInfo(tag, predefinedOnly: true).NativeName; }
        catch (CultureNotFoundException) { return tag; }
    }

    private static string LanguageName(string tag, CultureInfo? culture)
    {
        if (tag == "und") return "Unknown language";
        try
        {
            var language = CultureInfo.GetCultureInfo(tag, predefinedOnly: true);
            return culture is null || culture.TwoLetterISOLanguageName == "en" ? language.EnglishName : language.NativeName;
        }
        catch (CultureNotFoundException) { return tag; }
    }
}
