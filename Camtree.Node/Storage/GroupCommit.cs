using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Camtree.Node.Storage;

/// <summary>
/// Group commit: writes submitted by many callers at once are stored by one writer, many to a transaction, and each
/// caller is answered once its own write is committed. SQLite has one writer at a time; requests that each open their
/// own write transaction queue on its lock and sleep in its busy handler, while one transaction of a hundred rows costs
/// little more than one of a single row. Nothing waits on purpose: a write submitted to an idle writer is written at
/// once, and the writes that arrive while a transaction commits make up the next one.
/// </summary>
/// <remarks>
/// A batch whose transaction fails is written again one item per transaction, so that one bad item fails only its
/// own caller. The writer loop never stops on an item's failure; <see cref="DisposeAsync"/> writes what was submitted
/// and then refuses more.
/// </remarks>
public sealed class GroupCommit<TItem, TResult> : IAsyncDisposable
{
    /// <summary>Writes one batch inside the open transaction and returns one result per item, in order.</summary>
    public delegate Task<TResult[]> BatchWriter(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<TItem> items);

    private readonly SqliteDatabase _database;
    private readonly BatchWriter _write;
    private readonly int _maxBatch;
    private readonly Channel<Pending> _queue;
    private readonly Task _loop;

    /// <param name="maxBatch">The most items in one transaction.</param>
    /// <param name="capacity">The most items waiting; a caller beyond it waits for room (backpressure, not memory).</param>
    public GroupCommit(SqliteDatabase database, BatchWriter write, int maxBatch = 256, int capacity = 4096)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        _database = database;
        _write = write;
        _maxBatch = maxBatch;
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _loop = Task.Run(RunAsync);
    }

    /// <summary>How many transactions the writer has committed (for tests and diagnostics).</summary>
    public long Transactions => Interlocked.Read(ref _transactions);
    private long _transactions;

    /// <summary>
    /// Submits one write and waits until it is committed. Cancelling stops only the wait for room in the queue: a
    /// write that is queued is written, so its caller's answer must not depend on whether it gave up waiting.
    /// </summary>
    /// <exception cref="ChannelClosedException">The store is shutting down.</exception>
    public async Task<TResult> SubmitAsync(TItem item, CancellationToken cancellationToken = default)
    {
        var pending = new Pending(item);
        await _queue.Writer.WriteAsync(pending, cancellationToken);
        return await pending.Done.Task;
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>(_maxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var pending)) batch.Add(pending);
            await WriteAsync(batch);
            batch.Clear();
        }
    }

    private async Task WriteAsync(List<Pending> batch)
    {
        try
        {
            var results = await CommitAsync(batch.Select(p => p.Item).ToList());
            for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(results[i]);
            return;
        }
        catch (Exception) when (batch.Count > 1)
        {
            // Which item failed is not known: each alone, so that the others are still stored.
        }
        catch (Exception e)
        {
            batch[0].Done.TrySetException(e);
            return;
        }
        foreach (var pending in batch)
        {
            try { pending.Done.TrySetResult((await CommitAsync([pending.Item]))[0]); }
            catch (Exception e) { pending.Done.TrySetException(e); }
        }
    }

    private async Task<TResult[]> CommitAsync(IReadOnlyList<TItem> items)
    {
        await using var connection = await _database.OpenSqliteAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        var results = await _write(connection, transaction, items);
        if (results.Length != items.Count) throw new InvalidOperationException($"the batch writer returned {results.Length} results for {items.Count} items");
        await transaction.CommitAsync();
        Interlocked.Increment(ref _transactions);
        return results;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    private sealed class Pending(TItem item)
    {
        public TItem Item { get; } = item;
        public TaskCompletionSource<TResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
