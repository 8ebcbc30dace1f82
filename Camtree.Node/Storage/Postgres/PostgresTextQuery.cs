using System.Text;

namespace Camtree.Node.Storage.Postgres;

/// <summary>
/// The search expression <see cref="Library.Search.SearchQuery.ToFts"/> builds (quoted words and phrases, a trailing
/// <c>*</c> for a prefix, joined by <c>AND</c>, exclusions as <c>(…) NOT "…"</c>) as a <c>to_tsquery</c> text: each word a
/// quoted lexeme (so nothing in it is tsquery syntax), a phrase its words in sequence (<c>&lt;-&gt;</c>), a prefix
/// <c>:*</c>. What a person typed is never read here, only that expression.
/// </summary>
public static class PostgresTextQuery
{
    public static string FromFts(string match)
    {
        var query = new StringBuilder();
        var i = 0;
        while (i < match.Length)
        {
            var c = match[i];
            if (c == '"')
            {
                var term = new StringBuilder();
                i++;
                while (i < match.Length)
                {
                    if (match[i] == '"' && i + 1 < match.Length && match[i + 1] == '"') { term.Append('"'); i += 2; continue; }
                    if (match[i] == '"') { i++; break; }
                    term.Append(match[i++]);
                }
                var prefix = i < match.Length && match[i] == '*';
                if (prefix) i++;
                query.Append(Phrase(term.ToString(), prefix));
            }
            else if (match.AsSpan(i).StartsWith(" AND ")) { query.Append(" & "); i += 5; }
            else if (match.AsSpan(i).StartsWith(" NOT ")) { query.Append(" & !"); i += 5; }
            else if (c is '(' or ')') { query.Append(c); i++; }
            else throw new ArgumentException($"not a search expression made by the query parser: {match}", nameof(match));
        }
        return query.ToString();
    }

    /// <summary>A term's words as lexemes in sequence; the last one a prefix when asked.</summary>
    private static string Phrase(string term, bool prefix)
    {
        var words = Snippets.Words().Matches(term).Select(m => "'" + m.Value.Replace("'", "''") + "'").ToList();
        // The query parser only keeps terms with a letter or digit, so there is a word.
        if (prefix) words[^1] += ":*";
        return words.Count == 1 ? words[0] : "(" + string.Join(" <-> ", words) + ")";
    }
}
