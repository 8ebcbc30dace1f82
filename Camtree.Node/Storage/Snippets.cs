using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Camtree.Node.Storage;

/// <summary>
/// Snippets made here rather than by FTS5's <c>snippet()</c> (which tokenizes the whole document again per result:
/// 1.6 ms each at a million reports, measured): the words of the query found in the text the way the index finds them
/// (case and diacritics folded, a prefix term by its start), the first match in a window of words around it, each
/// matched word between <see cref="SearchIndex.MarkStart"/> and <see cref="SearchIndex.MarkEnd"/>.
/// </summary>
public static partial class Snippets
{
    /// <summary>The terms to mark, from an FTS5 expression built by the query parser: each quoted term, whether it is a prefix; not the excluded ones.</summary>
    public static IReadOnlyList<(string Folded, bool Prefix)> Terms(string match)
    {
        var terms = new List<(string, bool)>();
        foreach (Match m in QuotedTerm().Matches(match))
        {
            if (m.Index >= 4 && match.AsSpan(m.Index - 4, 4).SequenceEqual("NOT ")) continue;
            foreach (var word in Words().Matches(m.Groups[1].Value.Replace("\"\"", "\"")).Select(w => Fold(w.Value)))
                terms.Add((word, m.Groups[2].Success));
        }
        return terms;
    }

    /// <summary>A window of about <paramref name="words"/> words of <paramref name="text"/> around the first matched term, matches marked.</summary>
    public static string Make(string text, IReadOnlyList<(string Folded, bool Prefix)> terms, int words = 24)
    {
        var tokens = Words().Matches(text).ToList();
        if (tokens.Count == 0) return "";
        bool Matches(string word)
        {
            var folded = Fold(word);
            return terms.Any(t => t.Prefix ? folded.StartsWith(t.Folded, StringComparison.Ordinal) : folded == t.Folded);
        }
        var first = tokens.FindIndex(t => Matches(t.Value));
        var start = Math.Max(0, (first < 0 ? 0 : first) - words / 3);
        var end = Math.Min(tokens.Count, start + words);
        var snippet = new StringBuilder();
        if (start > 0) snippet.Append('…');
        var from = tokens[start].Index;
        for (var i = start; i < end; i++)
        {
            var token = tokens[i];
            snippet.Append(text, from, token.Index - from);
            if (Matches(token.Value)) snippet.Append(SearchIndex.MarkStart).Append(token.Value).Append(SearchIndex.MarkEnd);
            else snippet.Append(token.Value);
            from = token.Index + token.Length;
        }
        if (end < tokens.Count) snippet.Append('…');
        return snippet.ToString().Trim();
    }

    /// <summary>Lower case without diacritics, as the index's <c>remove_diacritics 2</c> compares.</summary>
    public static string Fold(string word)
    {
        var decomposed = word.ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var folded = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark) folded.Append(c);
        return folded.ToString();
    }

    [GeneratedRegex("\"((?:[^\"]|\"\")*)\"(\\*)?")]
    private static partial Regex QuotedTerm();

    /// <summary>A word as the indexes see one (letters, digits and marks); the PostgreSQL query builder splits terms by it too.</summary>
    [GeneratedRegex(@"[\p{L}\p{N}\p{M}]+")]
    internal static partial Regex Words();
}
