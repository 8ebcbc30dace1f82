using System.Threading.Channels;
using Camtree.Node.Storage;
using Camtree.Protocol.Delivery;
using Dapper;
using Camtree.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Camtree.Tests.Node;

/// <summary>
/// Group commit (<see cref="GroupCommit{TItem,TResult}"/>) and the inbox that records through it: writes that arrive
/// together share a transaction, each caller is answered after its own write is committed, and one bad write fails
/// only its own caller. Against a real SQLite file.
/// </summary>
public sealed class GroupCommitTests : IAsyncLifetime
{
    private ScratchDatabase _scratch = null!;
    private SqliteDatabase _database = null!;
    private readonly DateTimeOffset _now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    public async Task InitializeAsync()
    {
        _scratch = await ScratchDatabase.CreateAsync("group");
        _database = _scratch.Database;
        await using var connection = await _database.OpenAsync();
        await connection.ExecuteAsync("CREATE TABLE words (word TEXT PRIMARY KEY)");
    }

    public async Task DisposeAsync() => await _scratch.DisposeAsync();

    /// <summary>Inserts words; a word "bad" throws (as a constraint or a full disk would), the rest say whether they were new.</summary>
    private static async Task<bool[]> InsertWordsAsync(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<string> words)
    {
        var results = new bool[words.Count];
        for (var i = 0; i < words.Count; i++)
        {
            if (words[i] == "bad") throw new InvalidOperationException("a bad word");
            results[i] = await connection.ExecuteAsync("INSERT INTO words VALUES (@word) ON CONFLICT DO NOTHING", new { word = words[i] }, transaction) > 0;
        }
        return results;
    }

    private async Task<List<string>> WordsAsync()
    {
        await using var connection = await _database.OpenAsync();
        return (await connection.QueryAsync<string>("SELECT word FROM words ORDER BY word")).ToList();
    }

    /// <summary>
    /// A writer whose first transaction waits at a gate: everything submitted meanwhile queues, and makes up the next
    /// batch together. (Without the gate, whether two writes share a transaction depends on the machine's timing.)
    /// </summary>
    private sealed class GatedWriter(GroupCommit<string, bool>.BatchWriter inner)
    {
        public readonly TaskCompletionSource Gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly TaskCompletionSource FirstBatchStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public List<int> BatchSizes { get; } = [];

        public async Task<bool[]> WriteAsync(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<string> items)
        {
            lock (BatchSizes) BatchSizes.Add(items.Count);
            if (FirstBatchStarted.TrySetResult()) await Gate.Task;
            return await inner(connection, transaction, items);
        }
    }

    [Fact]
    public async Task Writes_submitted_together_share_a_transaction_and_each_caller_gets_its_own_answer()
    {
        var writer = new GatedWriter(InsertWordsAsync);
        await using var commit = new GroupCommit<string, bool>(_database, writer.WriteAsync);
        var first = commit.SubmitAsync("first");
        await writer.FirstBatchStarted.Task;
        var words = Enumerable.Range(0, 40).Select(i => $"w{i:D2}").Append("w00").ToList(); // one repeated
        var answers = words.Select(w => commit.SubmitAsync(w)).ToList();
        Assert.DoesNotContain(answers, a => a.IsCompleted); // nobody is answered before the commit
        writer.Gate.SetResult();

        Assert.True(await first);
        var results = await Task.WhenAll(answers);
        Assert.Equal(40, results.Count(r => r)); // the repeat says "not new"
        Assert.False(results[^1]);
        Assert.Equal([1, 41], writer.BatchSizes);
        Assert.Equal(2, commit.Transactions);
        Assert.Equal(41, (await WordsAsync()).Count);
    }

    [Fact]
    public async Task One_bad_write_in_a_batch_fails_only_its_own_caller()
    {
        var writer = new GatedWriter(InsertWordsAsync);
        await using var commit = new GroupCommit<string, bool>(_database, writer.WriteAsync);
        var first = commit.SubmitAsync("first");
        await writer.FirstBatchStarted.Task;
        var good1 = commit.SubmitAsync("alpha");
        var bad = commit.SubmitAsync("bad");
        var good2 = commit.SubmitAsync("omega");
        writer.Gate.SetResult();

        await first;
        Assert.True(await good1);
        Assert.True(await good2);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => bad);
        Assert.Equal("a bad word", error.Message);
        Assert.Equal(["alpha", "first", "omega"], await WordsAsync());
        // The batch of three failed as a whole, then each was written alone.
        Assert.Equal([1, 3, 1, 1, 1], writer.BatchSizes);
    }

    [Fact]
    public async Task A_failed_write_alone_reaches_its_caller_and_the_writer_goes_on()
    {
        await using var commit = new GroupCommit<string, bool>(_database, InsertWordsAsync);
        await Assert.ThrowsAsync<InvalidOperationException>(() => commit.SubmitAsync("bad"));
        Assert.True(await commit.SubmitAsync("after"));
        Assert.Equal(["after"], await WordsAsync());
    }

    [Fact]
    public async Task A_batch_writer_that_answers_for_the_wrong_number_of_items_commits_nothing()
    {
        await using var commit = new GroupCommit<string, bool>(_database, async (connection, transaction, items) =>
        {
            await InsertWordsAsync(connection, transaction, items);
            return [];
        });
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => commit.SubmitAsync("lost"));
        Assert.Contains("0 results for 1 items", error.Message);
        Assert.Empty(await WordsAsync()); // rolled back: an answer that cannot be told to its caller is not stored
    }

    [Fact]
    public async Task Disposing_writes_what_was_submitted_and_then_refuses_more()
    {
        var writer = new GatedWriter(InsertWordsAsync);
        var commit = new GroupCommit<string, bool>(_database, writer.WriteAsync);
        var first = commit.SubmitAsync("first");
        await writer.FirstBatchStarted.Task;
        var queued = commit.SubmitAsync("queued");
        var disposing = commit.DisposeAsync().AsTask();
        writer.Gate.SetResult();
        await disposing;

        Assert.True(await first);
        Assert.True(await queued);
        await Assert.ThrowsAsync<ChannelClosedException>(() => commit.SubmitAsync("too late"));
        Assert.Equal(["first", "queued"], await WordsAsync());
    }

    private InboxEntry Entry(string id, string host = "peer.example") => new()
    {
        ActivityIri = $"https://{host}/activities/{id}", ActivityType = "Create", ActorIri = $"https://{host}/users/ana",
        SignerKeyId = $"https://{host}/users/ana#main-key", Json = "{}", ReceivedAt = _now,
    };

    [Fact]
    public async Task The_inbox_records_a_flood_in_few_transactions_each_activity_once()
    {
        await using var inbox = new InboxStore(_database);
        var entries = Enumerable.Range(0, 300).Select(i => Entry($"a{i % 250}")).ToList(); // 50 sent twice
        var results = await Task.WhenAll(entries.Select(e => Task.Run(() => inbox.RecordAsync(e, "peer.example"))));

        Assert.Equal(250, results.Count(r => r));
        Assert.Equal(250, await inbox.CountAsync());
        Assert.True(inbox.WriteTransactions < 300, $"{inbox.WriteTransactions} transactions for 300 activities");
    }

    [Fact]
    public async Task Recording_an_activity_clears_its_senders_delivery_failures_in_the_same_transaction()
    {
        var hosts = new HostHealthStore(_database);
        await hosts.SaveAsync(new HostHealth("down.example", 12, _now.AddDays(-2), _now.AddHours(-1), _now.AddHours(3), _now.AddDays(-1)));
        await hosts.SaveAsync(new HostHealth("other.example", 5, _now.AddDays(-1), _now.AddHours(-1), _now.AddHours(3), null));
        await using var inbox = new InboxStore(_database);

        Assert.True(await inbox.RecordAsync(Entry("1", "down.example"), "down.example"));
        Assert.True(await inbox.RecordAsync(Entry("2", "other.example"))); // no sender host: nothing cleared

        var cleared = await hosts.GetAsync("down.example");
        Assert.Equal(0, cleared.ConsecutiveFailures);
        Assert.Null(cleared.UnavailableSince);
        Assert.Equal(_now, cleared.LastSuccessAt);
        Assert.Equal(5, (await hosts.GetAsync("other.example")).ConsecutiveFailures);
    }

    [Fact]
    public async Task Failures_recorded_at_once_by_two_processes_each_count()
    {
        // Two stores on one file stand for two node processes: no lock in memory is shared between them.
        var one = new HostHealthStore(_database);
        var other = new HostHealthStore(_database);
        await one.RecordFailureAsync("flaky.example", _now);

        // A third writer holds the write lock while both record a failure: a store that read before taking the
        // lock would read 1 twice and write 2 twice.
        await using (var holder = await _database.OpenAsync())
        {
            await using var held = await holder.BeginTransactionAsync();
            var both = new[] { Task.Run(() => one.RecordFailureAsync("flaky.example", _now)), Task.Run(() => other.RecordFailureAsync("flaky.example", _now)) };
            await Task.Delay(300);
            Assert.DoesNotContain(both, t => t.IsCompleted);
            await held.CommitAsync();
            var states = await Task.WhenAll(both);
            Assert.Equal([2, 3], states.Select(s => s.ConsecutiveFailures).Order());
        }
        Assert.Equal(3, (await one.GetAsync("flaky.example")).ConsecutiveFailures);
    }

    [Fact]
    public async Task The_workers_bookkeeping_marks_a_pass_processed_in_one_write()
    {
        await using var inbox = new InboxStore(_database);
        foreach (var i in Enumerable.Range(0, 5)) await inbox.RecordAsync(Entry($"p{i}"));
        var due = await inbox.NextUnprocessedAsync(_now, 10);
        var before = inbox.WriteTransactions;

        await inbox.MarkProcessedAsync(due.Take(4).Select(e => e.Id).ToList(), _now.AddSeconds(1));

        Assert.Equal(before + 1, inbox.WriteTransactions);
        var left = Assert.Single(await inbox.NextUnprocessedAsync(_now, 10));
        Assert.Equal(due[4].Id, left.Id);
        var done = (await inbox.FindAsync(due[0].ActivityIri))!;
        Assert.Equal(_now.AddSeconds(1), done.ProcessedAt);
        Assert.Equal(1, done.Attempts);
    }
}
