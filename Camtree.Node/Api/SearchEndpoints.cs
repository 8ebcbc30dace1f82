using Camtree.Node.Library.Search;
using Camtree.Node.Storage;

namespace Camtree.Node.Api;

/// <summary><c>GET /api/v1/search</c>: one search over local and federated reports, with facet counts (public).</summary>
public static class SearchEndpoints
{
    public static void MapSearchApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1").RequireRateLimiting(Security.RateLimits.ApiPolicy).MapGet("/search", async (HttpRequest http, ISearchIndex index, CancellationToken ct) =>
        {
            var (request, errors) = SearchQuery.Parse(name => http.Query[name].FirstOrDefault());
            if (request is null) return Results.ValidationProblem(errors);
            var result = await index.SearchAsync(request, ct);
            return Results.Ok(new
            {
                total = result.Total,
                totalIsExact = result.TotalIsExact,
                page = result.Page,
                pageSize = result.PageSize,
                results = result.Results.Select(hit => new
                {
                    id = hit.Iri, title = hit.Title, summary = hit.SummaryHtml, snippet = SnippetHtml.From(hit.Snippet),
                    author = new { id = hit.AuthorIri, name = hit.AuthorName, handle = hit.AuthorUsername is null ? null : $"@{hit.AuthorUsername}@{new Uri(hit.AuthorIri).Authority}" },
                    node = hit.Node, language = hit.Language, published = hit.PublishedAt, methodology = hit.Methodology,
                    educationalLevel = hit.EducationalLevel, subjectArea = hit.SubjectArea, country = hit.Country, reviewStatus = hit.ReviewStatus,
                    themes = hit.Themes, verified = hit.Verified, url = hit.IsLocal ? hit.Url : $"/library/{hit.Id}",
                }),
                facets = result.Facets.ToDictionary(f => f.Key, f => f.Value.Select(c => new { value = c.Value, label = FacetLabels.Label(f.Key, c.Value), count = c.Count })),
                facetsSampled = result.FacetsSampled,
            });
        });
    }
}
