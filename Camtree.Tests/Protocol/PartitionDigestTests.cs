using Camtree.Protocol.Indexing;

namespace Camtree.Tests.Protocol;

/// <summary>Partition digests and collection cursors: what two copies of a library compare, and how a subscriber resumes.</summary>
public sealed class PartitionDigestTests
{
    private static readonly DateTimeOffset May = new(2026, 5, 10, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset June = new(2026, 6, 2, 8, 0, 0, TimeSpan.Zero);

    private static readonly LibraryItemState[] Items =
    [
        new("https://a.example/r/1", May, null, false),
        new("https://a.example/r/2", May.AddDays(3), May.AddDays(9), false),
        new("https://a.example/r/3", June, null, true),
    ];

    [Fact]
    public void The_same_items_in_any_order_give_the_same_digests_one_per_month()
    {
        var digests = PartitionDigests.Compute(Items);
        Assert.Equal(["2026-05", "2026-06"], digests.Select(d => d.Partition));
        Assert.Equal([2, 1], digests.Select(d => d.Count));
        Assert.All(digests, d => Assert.Matches("^[0-9a-f]{64}$", d.Digest));
        Assert.Equal(digests, PartitionDigests.Compute(Items.Reverse()));
        Assert.Empty(PartitionDigests.Differing(digests, PartitionDigests.Compute(Items.Reverse())));
    }

    [Fact]
    public void An_edit_a_withdrawal_or_a_missing_item_changes_only_its_partition()
    {
        var origin = PartitionDigests.Compute(Items);
        // Milliseconds do not count: documents carry seconds.
        Assert.Empty(PartitionDigests.Differing(origin, PartitionDigests.Compute(Items.Select(i => i with { Published = i.Published.AddMilliseconds(400) }))));
        var edited = Items.Select(i => i.Id.EndsWith('1') ? i with { Updated = May.AddDays(20) } : i);
        Assert.Equal(["2026-05"], PartitionDigests.Differing(origin, PartitionDigests.Compute(edited)));
        var withdrawn = Items.Select(i => i.Id.EndsWith('2') ? i with { Withdrawn = true } : i);
        Assert.Equal(["2026-05"], PartitionDigests.Differing(origin, PartitionDigests.Compute(withdrawn)));
        Assert.Equal(["2026-06"], PartitionDigests.Differing(origin, PartitionDigests.Compute(Items.Take(2))));
        Assert.Equal(["2026-05", "2026-06"], PartitionDigests.Differing(origin, []));
    }

    [Fact]
    public void Digest_documents_read_back_and_bad_entries_are_skipped()
    {
        var document = LibraryCollection.Digests("https://a.example/d", "https://a.example/c", PartitionDigests.Compute(Items));
        var parsed = LibraryCollection.ReadDigests(System.Text.Json.JsonDocument.Parse(document.ToJsonString()).RootElement);
        Assert.Equal(PartitionDigests.Compute(Items), parsed);
        var hostile = System.Text.Json.JsonDocument.Parse("""{"partitions":[{"partition":"2026-13","totalItems":1,"digest":"00"},{"partition":"2026-01","totalItems":-1,"digest":"x"},"junk"]}""");
        Assert.Empty(LibraryCollection.ReadDigests(hostile.RootElement)!);
        Assert.Null(LibraryCollection.ReadDigests(System.Text.Json.JsonDocument.Parse("{}").RootElement));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(42L)]
    [InlineData(long.MaxValue)]
    public void Cursors_round_trip(long after)
    {
        Assert.True(CollectionCursor.TryDecode(new CollectionCursor(after).Encode(), out var cursor));
        Assert.Equal(after, cursor.After);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("42")]
    [InlineData("c1-")]
    [InlineData("c1-zz")]
    [InlineData("c1--5")]
    [InlineData("c1-11111111111111111")]
    public void Anything_else_is_not_a_cursor(string? text) => Assert.False(CollectionCursor.TryDecode(text, out _));
}
