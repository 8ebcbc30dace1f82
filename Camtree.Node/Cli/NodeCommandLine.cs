using System.CommandLine;
using Camtree.Node.Library;
using Camtree.Node.Storage;

namespace Camtree.Node.Cli;

/// <summary>
/// The node binary's commands. With no command it serves (all arguments go to the web host, e.g. <c>--urls</c>);
/// <c>practitioner create|list</c> and <c>token issue</c> manage a node's data directory directly.
/// </summary>
public static class NodeCommandLine
{
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var dataDir = new Option<string?>("--data-dir") { Description = "The node's data directory (default: Camtree:DataDirectory, else ./data)", Recursive = true };

        var root = new RootCommand("Camtree node: a federated library of practitioner research.") { TreatUnmatchedTokensAsErrors = false };
        root.Options.Add(dataDir);
        root.SetAction(parse => NodeApp.RunAsync(WithDataDir(parse.UnmatchedTokens.ToArray(), parse.GetValue(dataDir))));

        var practitioner = new Command("practitioner", "Manage practitioners");
        var username = new Option<string>("--username") { Description = "a-z, 0-9 and _", Required = true };
        var name = new Option<string>("--name") { Description = "Display name", Required = true };
        var summary = new Option<string>("--summary") { Description = "A line about them" };
        var approval = new Option<bool>("--manually-approves-followers") { Description = "Followers wait for approval" };
        var create = new Command("create", "Create a practitioner with a fresh key pair") { username, name, summary, approval };
        create.SetAction(async parse =>
        {
            await using var node = await OpenAsync(parse, dataDir);
            try
            {
                var actor = await node.Get<PractitionerService>().CreatePractitionerAsync(
                    parse.GetValue(username)!, parse.GetValue(name)!, parse.GetValue(summary) ?? "", parse.GetValue(approval));
                var uris = node.Get<Federation.LocalUris>();
                await output.WriteLineAsync($"created {uris.Handle(actor.Username)} ({uris.Actor(actor.Username)})");
                return 0;
            }
            catch (ArgumentException e)
            {
                await output.WriteLineAsync($"error: {e.Message}");
                return 1;
            }
        });
        var list = new Command("list", "List practitioners");
        list.SetAction(async parse =>
        {
            await using var node = await OpenAsync(parse, dataDir);
            foreach (var actor in await node.Get<ActorStore>().ListAsync(Protocol.Vocabulary.AsTypes.Person))
                await output.WriteLineAsync($"{actor.Username}\t{actor.DisplayName}");
            return 0;
        });
        practitioner.Subcommands.Add(create);
        practitioner.Subcommands.Add(list);

        var token = new Command("token", "Manage API tokens");
        var tokenUser = new Option<string>("--username") { Description = "Whose token", Required = true };
        var label = new Option<string>("--label") { Description = "What the token is for", DefaultValueFactory = _ => "cli" };
        var issue = new Command("issue", "Issue a bearer token for the JSON API (printed once)") { tokenUser, label };
        issue.SetAction(async parse =>
        {
            await using var node = await OpenAsync(parse, dataDir);
            var actor = await node.Get<ActorStore>().FindByUsernameAsync(parse.GetValue(tokenUser)!);
            if (actor is null)
            {
                await output.WriteLineAsync($"error: no practitioner '{parse.GetValue(tokenUser)}'");
                return 1;
            }
            await output.WriteLineAsync(await node.Get<TokenStore>().IssueAsync(actor.Id, parse.GetValue(label)!));
            return 0;
        });
        token.Subcommands.Add(issue);
        // Settings such as --Camtree:PublicUrl=… after a command go to the node's configuration.
        foreach (var command in new[] { create, list, issue }) command.TreatUnmatchedTokensAsErrors = false;

        root.Subcommands.Add(practitioner);
        root.Subcommands.Add(token);
        return await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output });
    }

    private static string[] WithDataDir(string[] args, string? dataDir) =>
        dataDir is null ? args : [.. args, $"--Camtree:DataDirectory={dataDir}"];

    /// <summary>
    /// The node's services over its data directory, initialised but not serving. Reads the same settings as the
    /// node (appsettings.json, environment, and any <c>--Camtree:Key=value</c> given after the command).
    /// </summary>
    private static async Task<OpenNode> OpenAsync(ParseResult parse, Option<string?> dataDir)
    {
        var settings = new Dictionary<string, string?> { ["Camtree:SeedDemo"] = "false" };
        if (parse.GetValue(dataDir) is { } directory) settings["Camtree:DataDirectory"] = directory;
        var app = NodeApp.Build(parse.UnmatchedTokens.ToArray(), settings);
        await NodeApp.InitializeAsync(app.Services);
        return new OpenNode(app);
    }

    private sealed class OpenNode(WebApplication app) : IAsyncDisposable
    {
        public T Get<T>() where T : notnull => app.Services.GetRequiredService<T>();
        public ValueTask DisposeAsync() => app.DisposeAsync();
    }
}
