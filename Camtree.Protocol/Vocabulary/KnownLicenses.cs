namespace Camtree.Protocol.Vocabulary;

/// <summary>
/// The licences research reports are usually published under, by URL, with the name people know them by. A licence is
/// always an http(s) URL; these are shown by name, others by their address.
/// </summary>
public static class KnownLicenses
{
    private static readonly Dictionary<string, string> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["creativecommons.org/licenses/by/4.0"] = "CC BY 4.0",
        ["creativecommons.org/licenses/by-sa/4.0"] = "CC BY-SA 4.0",
        ["creativecommons.org/licenses/by-nc/4.0"] = "CC BY-NC 4.0",
        ["creativecommons.org/licenses/by-nc-sa/4.0"] = "CC BY-NC-SA 4.0",
        ["creativecommons.org/licenses/by-nd/4.0"] = "CC BY-ND 4.0",
        ["creativecommons.org/licenses/by-nc-nd/4.0"] = "CC BY-NC-ND 4.0",
        ["creativecommons.org/licenses/by/3.0"] = "CC BY 3.0",
        ["creativecommons.org/licenses/by-sa/3.0"] = "CC BY-SA 3.0",
        ["creativecommons.org/licenses/by-nc/3.0"] = "CC BY-NC 3.0",
        ["creativecommons.org/licenses/by-nc-sa/3.0"] = "CC BY-NC-SA 3.0",
        ["creativecommons.org/publicdomain/zero/1.0"] = "CC0 1.0",
        ["creativecommons.org/publicdomain/mark/1.0"] = "Public Domain Mark 1.0",
        ["www.nationalarchives.gov.uk/doc/open-government-licence/version/3"] = "Open Government Licence v3.0",
    };

    /// <summary>Every known licence: its canonical https URL and its name.</summary>
    public static IEnumerable<(string Url, string Name)> All => Names.Select(n => ($"https://{n.Key}/", n.Value));

    /// <summary>True for an absolute http or https URL, the only form a licence may take.</summary>
    public static bool IsLicenseUrl(string? url) =>
        url is not null && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";

    /// <summary>The name of a known licence (http or https, with or without <c>www.</c>, a trailing slash or <c>legalcode</c>), else null.</summary>
    public static string? NameOf(string? url)
    {
        if (!IsLicenseUrl(url)) return null;
        var uri = new Uri(url!);
        var host = uri.Host.StartsWith("www.", StringComparison.OrdinalIgnoreCase) && uri.Host.Contains("creativecommons", StringComparison.OrdinalIgnoreCase)
            ? uri.Host[4..] : uri.Host;
        var path = uri.AbsolutePath.TrimEnd('/');
        foreach (var suffix in new[] { "/legalcode", "/deed.en", "/deed" })
            if (path.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) path = path[..^suffix.Length];
        return Names.GetValueOrDefault(host + path);
    }
}
