using System.CommandLine;
using Camtree.Node.Storage;
using Camtree.Node.Storage.Copy;
using Camtree.Node.Storage.Postgres;

namespace Camtree.Node.Cli;

/// <summary><c>storage copy-to-postgres</c>: moves a node from its SQLite file to PostgreSQL (README.md, "PostgreSQL").</summary>
public static class StorageCommands
{
    public static Command Create(CommandContext context)
    {
        var connectionString = new Option<string>("--connection-string")
        {
            Description = "The PostgreSQL database to copy into (empty; Npgsql's form: Host=…;Database=…;Username=…;Password=…)",
            Required = true,
        };
        var copy = CommandContext.Leaf("copy-to-postgres",
            "Copy this node's SQLite data into an empty PostgreSQL database (stop the node first), then run it with Camtree:Storage:Provider=Postgres",
            connectionString);
        copy.SetAction(async parse =>
        {
            await using var node = await context.OpenAsync(parse);
            await using var target = new PostgresDatabase(parse.GetValue(connectionString)!);
            IReadOnlyDictionary<string, long> copied;
            try { copied = await new SqliteToPostgres(node.Get<SqliteDatabase>(), target).CopyAsync(); }
            catch (Exception e) when (e is InvalidOperationException or Npgsql.NpgsqlException or FormatException)
            {
                return await context.FailAsync($"nothing was copied: {e.Message}");
            }
            foreach (var (table, rows) in copied.Where(c => c.Value > 0))
                await context.Output.WriteLineAsync($"{table}\t{rows}");
            await context.Output.WriteLineAsync($"copied {copied.Values.Sum()} rows; now run the node with --Camtree:Storage:Provider=Postgres --Camtree:Storage:ConnectionString=…");
            return 0;
        });
        return new Command("storage", "Where the node keeps its data") { copy };
    }
}
