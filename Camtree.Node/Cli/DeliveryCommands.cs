using System.CommandLine;
using Camtree.Node.Storage;

namespace Camtree.Node.Cli;

/// <summary><c>deliveries status|retry|drop</c>: the operator's view of the outgoing queue.</summary>
public static class DeliveryCommands
{
    public static Command Create(CommandContext context)
    {
        var status = CommandContext.Leaf("status", "Deliveries by state, and each receiving host's health");
        status.SetAction(async parse =>
        {
            await using var node = await context.OpenAsync(parse);
            var deliveries = node.Get<DeliveryStore>();
            var states = await deliveries.CountByStateAsync();
            await context.Output.WriteLineAsync(string.Join("  ", new[] { DeliveryStates.Pending, DeliveryStates.Delivered, DeliveryStates.Failed }
                .Select(s => $"{s}: {states.GetValueOrDefault(s)}")));
            await context.Output.WriteLineAsync("host\tpending\tdelivered\tfailed\tfailures\tpaused until\tunavailable since");
            foreach (var h in await deliveries.SummariseHostsAsync())
                await context.Output.WriteLineAsync($"{h.Host}\t{h.Pending}\t{h.Delivered}\t{h.Failed}\t{h.ConsecutiveFailures}\t{h.OpenUntil:u}\t{h.UnavailableSince:u}");
            return 0;
        });

        var id = new Option<long?>("--id") { Description = "One delivery" };
        var host = new Option<string?>("--host") { Description = "Every delivery to this host (host[:port])" };

        var retry = CommandContext.Leaf("retry", "Send again now: one delivery, a host's, or every failed one", id, host);
        retry.SetAction(async parse =>
        {
            await using var node = await context.OpenAsync(parse);
            var count = await node.Get<DeliveryStore>().RetryAsync(parse.GetValue(id), parse.GetValue(host), node.Get<TimeProvider>().GetUtcNow());
            await context.Output.WriteLineAsync($"requeued {count}");
            return 0;
        });

        var drop = CommandContext.Leaf("drop", "Give up undelivered rows: one delivery or a host's", id, host);
        drop.SetAction(async parse =>
        {
            if (parse.GetValue(id) is null && parse.GetValue(host) is null) return await context.FailAsync("name --id or --host");
            await using var node = await context.OpenAsync(parse);
            await context.Output.WriteLineAsync($"dropped {await node.Get<DeliveryStore>().DropAsync(parse.GetValue(id), parse.GetValue(host))}");
            return 0;
        });

        return new Command("deliveries", "The outgoing delivery queue") { status, retry, drop };
    }
}
