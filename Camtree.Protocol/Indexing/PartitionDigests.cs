using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Camtree.Protocol.Indexing;

/// <summary>
/// What a library item is, for comparing two copies of a library: its id, when it was published (which places it in
/// a partition for good), when it last changed, and whether it was withdrawn.
/// </summary>
public readonly record struct LibraryItemState(string Id, DateTimeOffset Published, DateTimeOffset? Updated, bool Withdrawn);

/// <summary>One partition of a library (the reports published in one UTC month): how many items, and their digest.</summary>
public sealed record PartitionDigest(string Partition, int Count, string Digest);

/// <summary>
/// Partition digests, in the spirit of FEP-8fcf's followers-collection digest: per month of publication, the XOR of
/// the SHA-256 of each item's <c>id</c> and state (<c>updated</c>, else <c>published</c>, to the second; or that it was
/// withdrawn). Two nodes holding the same items in the same state compute the same digests, whatever order they hold
/// them in, so a subscriber repairs only the partitions whose digest differs instead of walking a whole library.
/// </summary>
public static class PartitionDigests
{
    /// <summary>The partition of an item: the UTC month it was published in, <c>yyyy-MM</c>.</summary>
    public static string PartitionOf(DateTimeOffset published) => published.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>True for a well-formed partition name (<c>yyyy-MM</c>).</summary>
    public static bool IsPartition(string? text) =>
        text is { Length: 7 } && DateTime.TryParseExact(text, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    /// <summary>The first instant of a partition and the first instant after it.</summary>
    public static (DateTimeOffset From, DateTimeOffset Until) Bounds(string partition)
    {
        var from = new DateTimeOffset(DateTime.ParseExact(partition, "yyyy-MM", CultureInfo.InvariantCulture), TimeSpan.Zero);
        return (from, from.AddMonths(1));
    }

    /// <summary>The digests of a set of items, one per partition that has any, in partition order.</summary>
    public static IReadOnlyList<PartitionDigest> Compute(IEnumerable<LibraryItemState> items)
    {
        var partitions = new SortedDictionary<string, (int Count, byte[] Xor)>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var partition = PartitionOf(item.Published);
            if (!partitions.TryGetValue(partition, out var entry)) entry = (0, new byte[32]);
            var hash = ItemHash(item);
            for (var i = 0; i < 32; i++) entry.Xor[i] ^= hash[i];
            partitions[partition] = (entry.Count + 1, entry.Xor);
        }
        return partitions.Select(p => new PartitionDigest(p.Key, p.Value.Count, Convert.ToHexStringLower(p.Value.Xor))).ToList();
    }

    /// <summary>The partitions where <paramref name="local"/> and <paramref name="remote"/> differ (in either direction), in order.</summary>
    public static IReadOnlyList<string> Differing(IEnumerable<PartitionDigest> local, IEnumerable<PartitionDigest> remote)
    {
        var mine = local.ToDictionary(d => d.Partition, StringComparer.Ordinal);
        var theirs = remote.ToDictionary(d => d.Partition, StringComparer.Ordinal);
        return mine.Keys.Union(theirs.Keys, StringComparer.Ordinal)
            .Where(p => !mine.TryGetValue(p, out var a) || !theirs.TryGetValue(p, out var b) || a.Count != b.Count || a.Digest != b.Digest)
            .Order(StringComparer.Ordinal).ToList();
    }

    private static byte[] ItemHash(LibraryItemState item)
    {
        var state = item.Withdrawn ? "withdrawn"
            : (item.Updated ?? item.Published).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        return SHA256.HashData(Encoding.UTF8.GetBytes($"{item.Id}\n{state}"));
    }
}
