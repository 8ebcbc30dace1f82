using Camtree.Node.Library.Search;
using Camtree.Node.Storage;

namespace Camtree.Node.Web.ViewModels;

/// <summary>A search as the page shows it: the query as typed, the results, the facets as links, and the pages.</summary>
public sealed record SearchPageModel
{
    public required SiteModel Site { get; init; }
    /// <summary>The search's parameters as given (the URL's query), to keep them in every link.</summary>
    public required IReadOnlyDictionary<string, string> Query { get; init; }
    public IReadOnlyDictionary<string, string[]> Errors { get; init; } = new Dictionary<string, string[]>();
    public SearchResult? Result { get; init; }

    public string Q => Query.GetValueOrDefault("q") ?? "";
    public string Sort => Query.GetValueOrDefault("sort") ?? "";

    /// <summary>The URL of this search with one parameter set (or removed, with a null value); the page starts again.</summary>
    public string With(string name, string? value, string path = "/search")
    {
        var query = Query.Where(p => p.Key != name && p.Key != "page").ToDictionary();
        if (value is not null) query[name] = value;
        return Build(path, query);
    }

    /// <summary>The URL of another page of this search.</summary>
    public string Page(int page)
    {
        var query = Query.ToDictionary();
        query["page"] = page.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Build("/search", query);
    }

    /// <summary>The Atom feed of this search (newest first, no page).</summary>
    public string Feed => Build("/search.atom", Query.Where(p => p.Key is not ("page" or "sort")).ToDictionary());

    public static string Build(string path, IEnumerable<KeyValuePair<string, string>> query)
    {
        var parts = query.Where(p => !string.IsNullOrEmpty(p.Value)).OrderBy(p => Array.IndexOf(SearchQuery.Parameters, p.Key))
            .Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}").ToList();
        return parts.Count == 0 ? path : $"{path}?{string.Join('&', parts)}";
    }

    /// <summary>The facets in the order the page lists them, with their headings (in English: the resource keys the page translates).</summary>
    public static readonly (string Name, string Heading)[] FacetHeadings =
    [
        ("methodology", "Methodology"), ("educationalLevel", "Phase"), ("subjectArea", "Subject"), ("country", "Country"),
        ("language", "Language"), ("theme", "Theme"), ("node", "Library"), ("reviewStatus", "Review"), ("year", "Year"),
    ];

    /// <summary>Where a result's page is on this node: a local report at its IRI, a federated one at the node's copy.</summary>
    public static string PageOf(SearchHit hit) => hit.IsLocal ? hit.Url : $"/library/{hit.Id}";
}
