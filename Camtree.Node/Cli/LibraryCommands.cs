using System.CommandLine;
using Camtree.Node.Library;

namespace Camtree.Node.Cli;

/// <summary><c>library subscribe|status|resync|unsubscribe|flagged</c>: the node's subscriptions to other libraries.</summary>
public static class LibraryCommands
{
    public static Command Create(CommandContext context)
    {
        var library = new Argument<string>("library") { Description = "The library: @library@host or its actor IRI" };

        var subscribe = CommandContext.Leaf("subscribe", "Follow another node's library and bring in every report it has published");
        subscribe.Arguments.Add(library);
        subscribe.SetAction(parse => RunAsync(context, parse, async libraries =>
        {
            var s = await libraries.SubscribeAsync(parse.GetValue(library)!, CancellationToken.None);
            await context.Output.WriteLineAsync($"subscribed to {s.ActorIri} ({s.Node}): {s.State}; the running node backfills it");
        }));

        var status = CommandContext.Leaf("status", "Each subscription: its state, records, last sync and last error");
        status.SetAction(parse => RunAsync(context, parse, async libraries =>
        {
            await context.Output.WriteLineAsync("library\tnode\tstate\trecords\tlast synced\tlast error");
            foreach (var s in await libraries.ListAsync())
                await context.Output.WriteLineAsync($"{s.ActorIri}\t{s.Node}\t{s.State}\t{s.Records}\t{s.LastSyncedAt:u}\t{s.LastError}");
        }));

        var resync = CommandContext.Leaf("resync", "Compare with the library now and repair what differs");
        resync.Arguments.Add(library);
        resync.SetAction(parse => RunAsync(context, parse, async libraries =>
        {
            if (!await libraries.ResyncAsync(parse.GetValue(library)!, CancellationToken.None)) throw new ArgumentException($"no subscription to {parse.GetValue(library)}");
            await context.Output.WriteLineAsync("resync requested");
        }));

        var unsubscribe = CommandContext.Leaf("unsubscribe", "Stop following the library; its reports leave this library");
        unsubscribe.Arguments.Add(library);
        unsubscribe.SetAction(parse => RunAsync(context, parse, async libraries =>
        {
            if (!await libraries.UnsubscribeAsync(parse.GetValue(library)!, CancellationToken.None)) throw new ArgumentException($"no subscription to {parse.GetValue(library)}");
            await context.Output.WriteLineAsync("unsubscribed");
        }));

        var flagged = CommandContext.Leaf("flagged", "Reports whose proof failed when their library served them (kept out of search), newest first");
        flagged.SetAction(parse => RunAsync(context, parse, async node =>
        {
            await context.Output.WriteLineAsync("report	node	checked	reason");
            foreach (var r in await node.Get<Storage.ReportStore>().FlaggedAsync(null, Api.AdminEndpoints.FlaggedListed))
                await context.Output.WriteLineAsync($"{r.Iri}	{new Uri(r.Iri).Authority}	{r.ProofCheckedAt:u}	{r.ProofFailure}");
        }));

        return new Command("library", "Subscriptions to other nodes' libraries") { subscribe, status, resync, unsubscribe, flagged };
    }

    private static Task<int> RunAsync(CommandContext context, ParseResult parse, Func<LibrarySubscriptions, Task> action) =>
        RunAsync(context, parse, node => action(node.Get<LibrarySubscriptions>()));

    private static async Task<int> RunAsync(CommandContext context, ParseResult parse, Func<OpenNode, Task> action)
    {
        await using var node = await context.OpenAsync(parse);
        try { await action(node); }
        catch (Exception e) when (e is ArgumentException or HttpRequestException) { return await context.FailAsync(e.Message); }
        return 0;
    }
}
