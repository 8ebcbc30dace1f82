using Camtree.Node.Storage;
using Camtree.Protocol.Signatures;
using Camtree.Tests.Support;

namespace Camtree.Tests.Node;

/// <summary>
/// What each origin accepted (double-knocking) kept in the database (<see cref="SignatureSchemeStore"/>), so that
/// every process of a node, and a restarted one, knocks the way that worked; written only when it is news; a store that
/// fails is done without. Against a real SQLite file; the schemes' memories stand for two processes.
/// </summary>
public sealed class SignatureSchemeStoreTests : IAsyncLifetime
{
    private const string Origin = "https://cavage-only.example";
    private readonly OffsetTimeProvider _time = new();
    private ScratchDatabase _scratch = null!;
    private SqliteDatabase _database = null!;
    private SignatureSchemeStore _store = null!;

    public async Task InitializeAsync()
    {
        _database = (_scratch = await ScratchDatabase.CreateAsync("schemes")).Database;
        _store = new SignatureSchemeStore(_database);
    }

    public async Task DisposeAsync() => await _scratch.DisposeAsync();

    [Fact]
    public async Task What_one_process_learned_another_knocks_with_first()
    {
        var one = new SignatureSchemes(_time, store: _store);
        var other = new SignatureSchemes(_time, store: _store);
        Assert.Equal(HttpSignatureScheme.Rfc9421, await other.ForAsync(Origin, default));

        await one.AcceptedAsync(Origin, HttpSignatureScheme.DraftCavage, default);

        Assert.Equal(HttpSignatureScheme.DraftCavage, await other.ForAsync(Origin, default));
        Assert.Equal(HttpSignatureScheme.DraftCavage, other.Remembered(Origin)); // and now from its own memory
        Assert.Equal(HttpSignatureScheme.DraftCavage, await new SignatureSchemes(_time, store: _store).ForAsync(Origin.ToUpperInvariant(), default));
    }

    [Fact]
    public async Task A_stored_memory_older_than_a_day_is_not_used()
    {
        await new SignatureSchemes(_time, store: _store).AcceptedAsync(Origin, HttpSignatureScheme.DraftCavage, default);
        _time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(HttpSignatureScheme.Rfc9421, await new SignatureSchemes(_time, store: _store).ForAsync(Origin, default));
    }

    /// <summary>Counts the store's writes, passing them on to the real one.</summary>
    private sealed class CountingStore(ISignatureSchemeStore inner) : ISignatureSchemeStore
    {
        public int Saves { get; private set; }
        public Task<(HttpSignatureScheme Scheme, DateTimeOffset AcceptedAt)?> FindAsync(string origin, CancellationToken cancellationToken) => inner.FindAsync(origin, cancellationToken);
        public Task SaveAsync(string origin, HttpSignatureScheme scheme, DateTimeOffset acceptedAt, CancellationToken cancellationToken)
        {
            Saves++;
            return inner.SaveAsync(origin, scheme, acceptedAt, cancellationToken);
        }
    }

    [Fact]
    public async Task Only_news_is_written_not_every_success()
    {
        var counting = new CountingStore(_store);
        var schemes = new SignatureSchemes(_time, store: counting);
        for (var i = 0; i < 50; i++) await schemes.AcceptedAsync(Origin, HttpSignatureScheme.Rfc9421, default);
        Assert.Equal(1, counting.Saves);

        await schemes.AcceptedAsync(Origin, HttpSignatureScheme.DraftCavage, default); // changed
        Assert.Equal(2, counting.Saves);

        _time.Advance(SignatureSchemes.StoreRefresh); // in use for an hour: written again so it does not expire while used
        var before = _time.GetUtcNow();
        await schemes.AcceptedAsync(Origin, HttpSignatureScheme.DraftCavage, default);
        Assert.Equal(3, counting.Saves);
        // Stored to the millisecond (the clock here is the real one, shifted).
        Assert.InRange((await _store.FindAsync(Origin, default))!.Value.AcceptedAt, before.AddMilliseconds(-1), _time.GetUtcNow());
    }

    [Fact]
    public async Task A_store_that_fails_is_done_without()
    {
        await using (var connection = await _database.OpenAsync())
        {
            var drop = connection.CreateCommand();
            drop.CommandText = "DROP TABLE signature_schemes"; // every read and write of the store now fails
            await drop.ExecuteNonQueryAsync();
        }
        var schemes = new SignatureSchemes(_time, store: _store);

        Assert.Equal(HttpSignatureScheme.Rfc9421, await schemes.ForAsync(Origin, default));
        await schemes.AcceptedAsync(Origin, HttpSignatureScheme.DraftCavage, default);

        Assert.Equal(2, schemes.StoreFailures);
        Assert.Equal(HttpSignatureScheme.DraftCavage, await schemes.ForAsync(Origin, default)); // this process still remembers
    }
}
