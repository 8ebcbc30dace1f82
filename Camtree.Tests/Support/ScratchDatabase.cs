using Camtree.Node.Storage;
using Microsoft.Data.Sqlite;

namespace Camtree.Tests.Support;

/// <summary>
/// A fresh, migrated SQLite database in its own temporary directory, for store tests that need no node; disposing it
/// closes pooled connections and deletes the directory.
/// </summary>
public sealed class ScratchDatabase : IAsyncDisposable
{
    private readonly string _directory;

    private ScratchDatabase(string directory, SqliteDatabase database) => (_directory, Database) = (directory, database);

    public SqliteDatabase Database { get; }

    public static async Task<ScratchDatabase> CreateAsync(string purpose)
    {
        var directory = Path.Combine(Path.GetTempPath(), "camtree-tests", $"{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var database = new SqliteDatabase(Path.Combine(directory, "camtree.db"));
        await Migrator.MigrateAsync(database);
        return new ScratchDatabase(directory, database);
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
        return ValueTask.CompletedTask;
    }
}
