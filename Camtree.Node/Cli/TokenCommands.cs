using System.CommandLine;
using Camtree.Node.Storage;

namespace Camtree.Node.Cli;

/// <summary><c>token issue</c>: bearer tokens for the JSON API.</summary>
public static class TokenCommands
{
    public static Command Create(CommandContext context)
    {
        var username = new Option<string>("--username") { Description = "Whose token", Required = true };
        var label = new Option<string>("--label") { Description = "What the token is for", DefaultValueFactory = _ => "cli" };
        var isOperator = new Option<bool>("--operator") { Description = "Also opens the node's administration endpoints" };

        var issue = CommandContext.Leaf("issue", "Issue a bearer token for the JSON API (printed once)", username, label, isOperator);
        issue.SetAction(async parse =>
        {
            await using var node = await context.OpenAsync(parse);
            var actor = await node.Get<ActorStore>().FindByUsernameAsync(parse.GetValue(username)!);
            if (actor is null || actor.ActorType != Protocol.Vocabulary.AsTypes.Person)
                return await context.FailAsync($"no practitioner '{parse.GetValue(username)}'");
            await context.Output.WriteLineAsync(await node.Get<TokenStore>().IssueAsync(actor.Id, parse.GetValue(label)!, parse.GetValue(isOperator)));
            return 0;
        });
        return new Command("token", "Manage API tokens") { issue };
    }
}
