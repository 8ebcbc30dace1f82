using System.CommandLine;
using Camtree.Node.Library.Themes;
using Camtree.Node.Storage;

namespace Camtree.Node.Cli;

/// <summary><c>theme list|merge</c>: the node's theme groups, and merging one theme into another.</summary>
public static class ThemeCommands
{
    public static Command Create(CommandContext context)
    {
        var list = CommandContext.Leaf("list", "Each theme's group: its handle, followers and reports, most followed first");
        list.SetAction(parse => RunAsync(context, parse, async node =>
        {
            var uris = node.Get<Federation.LocalUris>();
            await context.Output.WriteLineAsync("theme\thandle\tfollowers\treports");
            foreach (var t in await node.Get<ThemeGroupStore>().ListAsync(int.MaxValue))
                await context.Output.WriteLineAsync($"{t.Theme}\t{uris.Handle(t.Username)}\t{t.Followers}\t{t.Reports}");
        }));

        var source = new Argument<string>("theme") { Description = "The theme merged away (its handle keeps working)" };
        var target = new Argument<string>("into") { Description = "The theme it becomes" };
        var merge = CommandContext.Leaf("merge", "Merge one theme into another: its reports are filed under the other, both handles keep working");
        merge.Arguments.Add(source);
        merge.Arguments.Add(target);
        merge.SetAction(parse => RunAsync(context, parse, async node =>
        {
            await node.Get<ThemeGroups>().MergeAsync(parse.GetValue(source)!, parse.GetValue(target)!);
            await context.Output.WriteLineAsync($"merged #{ThemeGroups.Normalise(parse.GetValue(source)!)} into #{ThemeGroups.Normalise(parse.GetValue(target)!)}");
        }));

        return new Command("theme", "Theme groups (FEP-1b12): list them, merge one into another") { list, merge };
    }

    private static async Task<int> RunAsync(CommandContext context, ParseResult parse, Func<OpenNode, Task> action)
    {
        try
        {
            await using var node = await context.OpenAsync(parse);
            await action(node);
            return 0;
        }
        catch (ArgumentException e) { return await context.FailAsync(e.Message); }
    }
}
