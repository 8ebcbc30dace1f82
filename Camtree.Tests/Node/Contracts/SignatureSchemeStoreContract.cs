using Camtree.Node.Storage;
using Camtree.Node.Storage.Postgres;
using Camtree.Protocol.Signatures;
using Camtree.Tests.Support;

namespace Camtree.Tests.Node.Contracts;

/// <summary>
/// What every <see cref="ISignatureSchemeStore"/> must do: nothing known for a new origin; what was saved reads back
/// (to the millisecond), a later save replaces it, origins compare without case. Run against SQLite and a real PostgreSQL.
/// </summary>
public abstract class SignatureSchemeStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, 123, TimeSpan.Zero);
    protected ISignatureSchemeStore Store { get; set; } = null!;
    public abstract Task InitializeAsync();
    public abstract Task DisposeAsync();

    [Fact]
    public async Task A_new_origin_has_nothing_stored()
    {
        Assert.Null(await Store.FindAsync("https://new.example", default));
    }

    [Fact]
    public async Task What_was_saved_reads_back_and_a_later_save_replaces_it()
    {
        await Store.SaveAsync("https://Peer.Example", HttpSignatureScheme.DraftCavage, Now, default);
        Assert.Equal((HttpSignatureScheme.DraftCavage, Now), await Store.FindAsync("https://peer.example", default));

        await Store.SaveAsync("https://peer.example", HttpSignatureScheme.Rfc9421, Now.AddHours(2), default);
        Assert.Equal((HttpSignatureScheme.Rfc9421, Now.AddHours(2)), await Store.FindAsync("https://PEER.example", default));
    }
}

public sealed class SqliteSignatureSchemeStoreContract : SignatureSchemeStoreContract
{
    private ScratchDatabase _scratch = null!;

    public override async Task InitializeAsync()
    {
        _scratch = await ScratchDatabase.CreateAsync("schemes");
        Store = new SignatureSchemeStore(_scratch.Database);
    }

    public override async Task DisposeAsync() => await _scratch.DisposeAsync();
}

public sealed class PostgresSignatureSchemeStoreContract : SignatureSchemeStoreContract
{
    private PostgresDatabase _database = null!;

    public override async Task InitializeAsync()
    {
        _database = await PostgresServer.CreateMigratedDatabaseAsync();
        Store = new PostgresSignatureSchemeStore(_database);
    }

    public override async Task DisposeAsync() => await _database.DisposeAsync();
}
