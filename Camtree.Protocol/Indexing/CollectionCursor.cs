namespace Camtree.Protocol.Indexing;

/// <summary>
/// The opaque <c>after=</c> cursor of a library collection's pages: the position of the last item of the previous
/// page in the collection's append order. Positions only grow as items are appended, so a cursor stays valid (and
/// a subscriber that saved one resumes exactly there) while the library grows.
/// </summary>
public readonly record struct CollectionCursor(long After)
{
    private const string Prefix = "c1-";

    /// <summary>The cursor as it appears in a page's IRI.</summary>
    public string Encode() => Prefix + After.ToString("x", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Reads a cursor; false for anything this node did not make (the caller answers 400).</summary>
    public static bool TryDecode(string? text, out CollectionCursor cursor)
    {
        cursor = default;
        if (text is null || !text.StartsWith(Prefix, StringComparison.Ordinal) || text.Length > Prefix.Length + 16) return false;
        if (!long.TryParse(text.AsSpan(Prefix.Length), System.Globalization.NumberStyles.AllowHexSpecifier, null, out var after) || after < 0) return false;
        cursor = new CollectionCursor(after);
        return true;
    }
}
