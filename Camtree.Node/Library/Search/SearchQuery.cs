using System.Globalization;
using System.Text;
using Camtree.Node.Storage;

namespace Camtree.Node.Library.Search;

/// <summary>
/// Reads a search from its query parameters (the API's and the search page's alike) into a <see cref="SearchRequest"/>,
/// or says, per parameter, why not. What a person types in <c>q</c> becomes an FTS5 expression here and nowhere else:
/// words (all must match), <c>"phrases"</c>, <c>prefix*</c> and <c>-exclusions</c>; everything is quoted, so no FTS5
/// syntax can be injected.
/// </summary>
public static class SearchQuery
{
    public const int MaxQueryChars = 500;
    public const int MaxTerms = 20;
    public const int MaxPageSize = 50;

    /// <summary>The parameters a search takes (anything else is ignored).</summary>
    public static readonly string[] Parameters =
        ["q", "methodology", "educationalLevel", "subjectArea", "country", "language", "theme", "node", "reviewStatus", "from", "to", "sort", "page", "pageSize"];

    public static (SearchRequest? Request, Dictionary<string, string[]> Errors) Parse(Func<string, string?> get)
    {
        var errors = new Dictionary<string, string[]>();
        string? Value(string name, int max = 200)
        {
            var value = get(name)?.Trim();
            if (string.IsNullOrEmpty(value)) return null;
            if (value.Length > max) { errors[name] = [$"{name} is at most {max} characters"]; return null; }
            return value;
        }

        string? match = null;
        if (Value("q", MaxQueryChars) is { } q)
        {
            var (expression, error) = ToFts(q);
            if (error is not null) errors["q"] = [error];
            match = expression;
        }
        var country = Value("country");
        if (country is not null && (country.Length != 2 || !country.All(char.IsAsciiLetter))) errors["country"] = ["country is an ISO 3166-1 alpha-2 code such as GB or CL"];
        var language = Value("language", 35);
        if (language is not null && !language.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')) errors["language"] = ["language is a BCP 47 tag such as en, es or pt-BR"];
        var from = Date("from", errors, get);
        var to = Date("to", errors, get, endOfPeriod: true);
        var sort = Value("sort") switch
        {
            null => match is null ? SearchSort.Newest : SearchSort.Relevance,
            "relevance" => SearchSort.Relevance,
            "newest" => SearchSort.Newest,
            _ => Error(errors, "sort", "sort is relevance or newest", SearchSort.Relevance),
        };
        var page = Number("page", 1, SearchIndex.Window, 1, errors, get);
        var pageSize = Number("pageSize", 1, MaxPageSize, 20, errors, get);
        if (!errors.ContainsKey("page") && !errors.ContainsKey("pageSize") && (long)page * pageSize > SearchIndex.Window)
            errors["page"] = [$"results are listed as far as the {SearchIndex.Window:N0}th: narrow the search to go further"];
        if (errors.Count > 0) return (null, errors);
        return (new SearchRequest
        {
            Match = match,
            Methodology = Value("methodology"),
            EducationalLevel = Value("educationalLevel"),
            SubjectArea = Value("subjectArea"),
            Country = country?.ToUpperInvariant(),
            Language = language,
            Theme = Value("theme", 60)?.TrimStart('#').ToLowerInvariant(),
            Node = Value("node")?.ToLowerInvariant(),
            ReviewStatus = Value("reviewStatus"),
            From = from,
            Until = to,
            Sort = sort,
            Page = page,
            PageSize = pageSize,
        }, errors);
    }

    /// <summary>
    /// An FTS5 expression from what a person typed, or why there is none. Each word or phrase is quoted (so
    /// <c>AND</c>, <c>title:</c> or brackets are text), a trailing <c>*</c> asks for a prefix, a leading <c>-</c> excludes.
    /// </summary>
    public static (string? Expression, string? Error) ToFts(string text)
    {
        var include = new List<string>();
        var exclude = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            if (i >= text.Length) break;
            var negative = text[i] == '-';
            if (negative) i++;
            string term;
            var prefix = false;
            if (i < text.Length && text[i] == '"')
            {
                var end = text.IndexOf('"', i + 1);
                term = end < 0 ? text[(i + 1)..] : text[(i + 1)..end];
                i = end < 0 ? text.Length : end + 1;
            }
            else
            {
                var start = i;
                while (i < text.Length && !char.IsWhiteSpace(text[i])) i++;
                term = text[start..i];
                if (term.EndsWith('*')) { prefix = true; term = term.TrimEnd('*'); }
            }
            // A term counts only if it has a letter or digit (the tokenizer drops everything else).
            if (!term.Any(char.IsLetterOrDigit)) continue;
            var quoted = "\"" + term.Replace("\"", "\"\"") + "\"" + (prefix ? "*" : "");
            (negative ? exclude : include).Add(quoted);
        }
        if (include.Count + exclude.Count > MaxTerms) return (null, $"a search has at most {MaxTerms} words and phrases");
        if (include.Count == 0)
            return (null, exclude.Count > 0 ? "a search needs a word to look for, not only words to leave out" : "there is nothing to search for in q");
        var expression = new StringBuilder(string.Join(" AND ", include));
        foreach (var term in exclude) expression.Insert(0, "(").Append(") NOT ").Append(term);
        return (expression.ToString(), null);
    }

    private static DateTimeOffset? Date(string name, Dictionary<string, string[]> errors, Func<string, string?> get, bool endOfPeriod = false)
    {
        var text = get(name)?.Trim();
        if (string.IsNullOrEmpty(text)) return null;
        if (text.Length == 4 && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var year) && year is >= 1900 and <= 2999)
            return new DateTimeOffset(year + (endOfPeriod ? 1 : 0), 1, 1, 0, 0, 0, TimeSpan.Zero);
        if (DateTimeOffset.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
            return endOfPeriod ? date.AddDays(1) : date;
        errors[name] = [$"{name} is a year (2024) or a date (2024-09-01)"];
        return null;
    }

    private static int Number(string name, int min, int max, int fallback, Dictionary<string, string[]> errors, Func<string, string?> get)
    {
        var text = get(name)?.Trim();
        if (string.IsNullOrEmpty(text)) return fallback;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max) return value;
        errors[name] = [$"{name} is a whole number from {min} to {max:N0}"];
        return fallback;
    }

    private static T Error<T>(Dictionary<string, string[]> errors, string name, string message, T fallback)
    {
        errors[name] = [message];
        return fallback;
    }
}
