using System.Xml;
using Camtree.Node.Configuration;
using Camtree.Node.Federation;
using Camtree.Node.Library.Search;
using Camtree.Node.Storage;
using Camtree.Node.Web.ViewModels;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Camtree.Node.Web;

/// <summary>The search page (<c>/search</c>) and the Atom feed of any search (<c>/search.atom</c>), over the same index as the API.</summary>
public static class SearchPageEndpoints
{
    public static void MapSearchPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/search", async (HttpRequest http, ISearchIndex index, IOptions<NodeOptions> options, CancellationToken ct) =>
        {
            var query = Query(http);
            var (request, errors) = SearchQuery.Parse(name => query.GetValueOrDefault(name));
            var model = new SearchPageModel
            {
                Site = new SiteModel(options.Value.NodeName), Query = query, Errors = errors,
                Result = request is null ? null : await index.SearchAsync(request, ct),
            };
            return new RazorComponentResult<Components.SearchPage>(new { Model = model })
            {
                StatusCode = request is null ? 400 : 200, ContentType = "text/html; charset=utf-8",
            };
        });
        app.MapGet("/search.atom", async (HttpRequest http, ISearchIndex index, IOptions<NodeOptions> options, LocalUris uris, TimeProvider time, CancellationToken ct) =>
        {
            var query = Query(http);
            query["sort"] = "newest";
            query.Remove("page");
            var (request, errors) = SearchQuery.Parse(name => query.GetValueOrDefault(name));
            if (request is null) return HttpExchange.Error(400, string.Join("; ", errors.Select(e => $"{e.Key}: {e.Value[0]}")));
            var result = await index.SearchAsync(request, ct);
            return Results.Text(Feed(options.Value.NodeName, uris, query, result, time.GetUtcNow()), "application/atom+xml; charset=utf-8");
        });
    }

    private static Dictionary<string, string> Query(HttpRequest http) =>
        SearchQuery.Parameters.Where(p => !string.IsNullOrWhiteSpace(http.Query[p].FirstOrDefault()))
            .ToDictionary(p => p, p => http.Query[p].FirstOrDefault()!.Trim());

    /// <summary>An Atom 1.0 feed (RFC 4287) of a search: newest reports first, each with its snippet.</summary>
    private static string Feed(string nodeName, LocalUris uris, Dictionary<string, string> query, SearchResult result, DateTimeOffset now)
    {
        using var text = new StringWriter();
        using (var xml = XmlWriter.Create(text, new XmlWriterSettings { Indent = true, OmitXmlDeclaration = false }))
        {
            const string atom = "http://www.w3.org/2005/Atom";
            var self = uris.Base + SearchPageModel.Build("/search.atom", query.Where(p => p.Key != "sort"));
            var describe = string.Join(", ", query.Where(p => p.Key != "sort").Select(p => p.Key == "q" ? $"“{p.Value}”" : FacetLabels.Label(p.Key, p.Value)));
            xml.WriteStartElement("feed", atom);
            xml.WriteElementString("id", atom, self);
            xml.WriteElementString("title", atom, describe.Length == 0 ? $"{nodeName}: newest reports" : $"{nodeName}: {describe}");
            xml.WriteElementString("updated", atom, Time(result.Results.Count > 0 ? result.Results.Max(r => r.PublishedAt) : now));
            Link(xml, atom, "self", self, "application/atom+xml");
            Link(xml, atom, "alternate", uris.Base + SearchPageModel.Build("/search", query.Where(p => p.Key != "sort")), "text/html");
            foreach (var hit in result.Results)
            {
                xml.WriteStartElement("entry", atom);
                xml.WriteElementString("id", atom, hit.Iri);
                xml.WriteElementString("title", atom, hit.Title);
                xml.WriteElementString("updated", atom, Time(hit.PublishedAt));
                xml.WriteElementString("published", atom, Time(hit.PublishedAt));
                xml.WriteStartElement("author", atom);
                xml.WriteElementString("name", atom, hit.AuthorName);
                if (Uri.TryCreate(hit.AuthorIri, UriKind.Absolute, out var author) && author.Scheme is "http" or "https")
                    xml.WriteElementString("uri", atom, hit.AuthorIri);
                xml.WriteEndElement();
                Link(xml, atom, "alternate", hit.IsLocal ? hit.Url : $"{uris.Base}/library/{hit.Id}", "text/html");
                foreach (var theme in hit.Themes)
                {
                    xml.WriteStartElement("category", atom);
                    xml.WriteAttributeString("term", theme);
                    xml.WriteEndElement();
                }
                xml.WriteStartElement("summary", atom);
                xml.WriteAttributeString("type", "html");
                xml.WriteString(SnippetHtml.From(hit.Snippet));
                xml.WriteEndElement();
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
        }
        return text.ToString();
    }

    private static void Link(XmlWriter xml, string atom, string rel, string href, string type)
    {
        xml.WriteStartElement("link", atom);
        xml.WriteAttributeString("rel", rel);
        xml.WriteAttributeString("href", href);
        xml.WriteAttributeString("type", type);
        xml.WriteEndElement();
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
