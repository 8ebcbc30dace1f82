using System.CommandLine;
using Camtree.Node.Library;
using Camtree.Node.Storage;

namespace Camtree.Node.Cli;

/// <summary><c>practitioner create</c> and <c>practitioner list</c>.</summary>
public static class PractitionerCommands
{
    public static Command Create(CommandContext context)
    {
        var username = new Option<string>("--username") { Description = "a-z, 0-9 and _", Required = true };
        var name = new Option<string>("--name") { Description = "Display name", Required = true };
        var summary = new Option<string>("--summary") { Description = "A line about them" };
        var approval = new Option<bool>("--manually-approves-followers") { Description = "Followers wait for approval" };

        var create = CommandContext.Leaf("create", "Create a practitioner with a fresh key pair", username, name, summary, approval);
        create.SetAction(async parse =>
        {
            await using var node = await context.OpenAsync(parse);
            try
            {
                var actor = await node.Get<PractitionerService>().CreatePractitionerAsync(
                    parse.GetValue(username)!, parse.GetValue(name)!, parse.GetValue(summary) ?? "", parse.GetValue(approval));
                var uris = node.Get<Federation.LocalUris>();
                await context.Output.WriteLineAsync($"created {uris.Handle(actor.Username)} ({uris.Actor(actor.Username)})");
                return 0;
            }
            catch (ArgumentException e) { return await context.FailAsync(e.Message); }
        });

        var list = CommandContext.Leaf("list", "List practitioners");
        list.SetAction(async parse =>
        {
            await using var node = await context.OpenAsync(parse);
            foreach (var actor in await node.Get<ActorStore>().ListAsync(Protocol.Vocabulary.AsTypes.Person))
                await context.Output.WriteLineAsync($"{actor.Username}\t{actor.DisplayName}");
            return 0;
        });

        return new Command("practitioner", "Manage practitioners") { create, list };
    }
}
