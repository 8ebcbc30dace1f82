using System.CommandLine;
using Camtree.Node.Storage;

namespace Camtree.Node.Cli;

/// <summary><c>token issue|list|revoke</c>: bearer tokens for the JSON API.</summary>
public static class TokenCommands
{
    public static Command Create(CommandContext context)
    {
        var username = new Option<string>("--username") { Description = "Whose token", Required = true };
        var label = new Option<string>("--label") { Description = "What the token is for", DefaultValueFactory = _ => "cli" };
        var isOperator = new Option<bool>("--operator") { Description = "Also opens the node's administration endpoints" };
        var expiresInDays = new Option<double?>("--expires-in-days") { Description = "The token stops working after this many days (default: never)" };

        var issue = CommandContext.Leaf("issue", "Issue a bearer token for the JSON API (printed once)", username, label, isOperator, expiresInDays);
        issue.SetAction(async parse =>
        {
            if (parse.GetValue(expiresInDays) is <= 0) return await context.FailAsync("--expires-in-days is a positive number");
            await using var node = await context.OpenAsync(parse);
            var actor = await node.Get<ActorStore>().FindByUsernameAsync(parse.GetValue(username)!);
            if (actor is null || actor.ActorType != Protocol.Vocabulary.AsTypes.Person)
                return await context.FailAsync($"no practitioner '{parse.GetValue(username)}'");
            DateTimeOffset? expiresAt = parse.GetValue(expiresInDays) is { } days ? node.Get<TimeProvider>().GetUtcNow().AddDays(days) : null;
            await context.Output.WriteLineAsync(await node.Get<TokenStore>().IssueAsync(actor.Id, parse.GetValue(label)!, parse.GetValue(isOperator), expiresAt));
            return 0;
        });

        var list = CommandContext.Leaf("list", "Every token by its public id (the tokens themselves are not kept)");
        list.SetAction(async parse =>
        {
            await using var node = await context.OpenAsync(parse);
            await context.Output.WriteLineAsync("id\tusername\tlabel\toperator\tcreated\texpires\trevoked");
            foreach (var t in await node.Get<TokenStore>().ListAsync())
                await context.Output.WriteLineAsync($"{t.Id}\t{t.Username}\t{t.Label}\t{(t.IsOperator ? "yes" : "no")}\t{t.CreatedAt:u}\t{t.ExpiresAt:u}\t{t.RevokedAt:u}");
            return 0;
        });

        var id = new Option<string>("--id") { Description = "The token's public id, as `token list` shows it", Required = true };
        var revoke = CommandContext.Leaf("revoke", "Revoke a token: it stops working at once", id);
        revoke.SetAction(async parse =>
        {
            await using var node = await context.OpenAsync(parse);
            if (!await node.Get<TokenStore>().RevokeAsync(parse.GetValue(id)!.Trim().ToLowerInvariant()))
                return await context.FailAsync($"no live token with id '{parse.GetValue(id)}'");
            await context.Output.WriteLineAsync("revoked");
            return 0;
        });
        return new Command("token", "Manage API tokens") { issue, list, revoke };
    }
}
