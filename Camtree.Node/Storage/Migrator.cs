using System.Reflection;
using Dapper;

namespace Camtree.Node.Storage;

/// <summary>
/// Applies the SQL files embedded from <c>Storage/Migrations</c> in name order, each once, each in its own
/// transaction, recording them in <c>schema_migrations</c>. Runs at start.
/// </summary>
public static class Migrator
{
    public static async Task MigrateAsync(SqliteDatabase database, CancellationToken cancellationToken = default)
    {
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            // WAL lets the web requests read while the jobs write (persistent: it is a property of the file).
            // synchronous stays at the bundled SQLite's FULL on every connection: a commit survives power loss, which is
            // what a 202 from the inbox promises. (PRAGMA synchronous is per connection; setting it here set it only
            // on the migrating one.) The inbox's group commit makes that one sync per batch, not per request.
            await connection.ExecuteAsync("PRAGMA journal_mode = WAL;");
            await connection.ExecuteAsync(
                "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)");
        }

        var assembly = typeof(Migrator).Assembly;
        var scripts = assembly.GetManifestResourceNames()
            .Where(n => n.Contains(".Storage.Migrations.", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
        foreach (var script in scripts)
        {
            var name = script[(script.IndexOf(".Migrations.", StringComparison.Ordinal) + 12)..];
            await database.InTransactionAsync(async work =>
            {
                var applied = await work.ExecuteScalarAsync<long>(
                    "SELECT count(*) FROM schema_migrations WHERE name = @name", new { name });
                if (applied > 0) return 0;
                await work.ExecuteAsync(ReadScript(assembly, script));
                await work.ExecuteAsync("INSERT INTO schema_migrations (name, applied_at) VALUES (@name, @at)",
                    new { name, at = DateTimeOffset.UtcNow });
                return 1;
            }, cancellationToken);
        }
    }

    private static string ReadScript(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
