using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace Camtree.Node.Web.Localization;

/// <summary>The marker of the interface's text resources (<c>Text.&lt;culture&gt;.resx</c> beside it; English is the keys).</summary>
public sealed class Text;

/// <summary>
/// The languages the interface speaks: English, and every language a <c>Text.&lt;culture&gt;.resx</c> was built for (its
/// satellite assembly is found beside the node's). Adding a language is adding a resource file. A visitor's language is
/// the one they chose (a cookie, set by the switch in every page's header), else the best of their browser's
/// <c>Accept-Language</c>, else English.
/// </summary>
public sealed class InterfaceLanguages
{
    public InterfaceLanguages()
    {
        var found = Directory.EnumerateDirectories(AppContext.BaseDirectory)
            .Where(d => File.Exists(Path.Combine(d, "Camtree.Node.resources.dll")))
            .Select(d => { try { return CultureInfo.GetCultureInfo(Path.GetFileName(d)); } catch (CultureNotFoundException) { return null; } })
            .OfType<CultureInfo>();
        Cultures = [CultureInfo.GetCultureInfo("en"), .. found.OrderBy(c => c.Name, StringComparer.Ordinal)];
    }

    public IReadOnlyList<CultureInfo> Cultures { get; }

    /// <summary>A language's name in itself, as the switch shows it.</summary>
    public static string NativeName(CultureInfo culture) =>
        culture.Name == "fil" ? "Filipino" : CultureInfo.CurrentCulture.TextInfo.ToTitleCase(culture.NativeName);

    public void Configure(RequestLocalizationOptions options)
    {
        options.SupportedCultures = [.. Cultures];
        options.SupportedUICultures = [.. Cultures];
        options.DefaultRequestCulture = new RequestCulture("en");
        // Chosen first (the cookie), then the browser's; no query string: a shared link should not change a reader's language.
        options.RequestCultureProviders = [new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
        options.FallBackToParentCultures = true;
        options.FallBackToParentUICultures = true;
    }
}
