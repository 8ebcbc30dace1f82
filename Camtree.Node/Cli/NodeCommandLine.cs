using System.CommandLine;

namespace Camtree.Node.Cli;

/// <summary>
/// The node binary's commands. With no command it serves (all arguments go to the web host, e.g. <c>--urls</c>);
/// <c>practitioner</c>, <c>token</c>, <c>deliveries</c>, <c>library</c>, <c>theme</c> and <c>storage</c> manage a node's data directory directly.
/// </summary>
public static class NodeCommandLine
{
    /// <param name="input">What commands that read (a password) read: standard input when not given.</param>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextReader? input = null)
    {
        var dataDir = new Option<string?>("--data-dir") { Description = "The node's data directory (default: Camtree:DataDirectory, else ./data)", Recursive = true };

        var root = new RootCommand("Camtree node: a federated library of practitioner research.") { TreatUnmatchedTokensAsErrors = false };
        root.Options.Add(dataDir);
        root.SetAction(parse => NodeApp.RunAsync(WithDataDir(parse.UnmatchedTokens.ToArray(), parse.GetValue(dataDir))));

        var context = new CommandContext(dataDir, output, input ?? Console.In);
        root.Subcommands.Add(PractitionerCommands.Create(context));
        root.Subcommands.Add(TokenCommands.Create(context));
        root.Subcommands.Add(DeliveryCommands.Create(context));
        root.Subcommands.Add(LibraryCommands.Create(context));
        root.Subcommands.Add(ThemeCommands.Create(context));
        root.Subcommands.Add(StorageCommands.Create(context));
        return await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output });
    }

    private static string[] WithDataDir(string[] args, string? dataDir) =>
        dataDir is null ? args : [.. args, $"--Camtree:DataDirectory={dataDir}"];
}

/// <summary>What every command needs: where the data is, where to write.</summary>
public sealed record CommandContext(Option<string?> DataDir, TextWriter Output, TextReader Input)
{
    /// <summary>A leaf command whose unknown <c>--Camtree:Key=value</c> tokens go to the node's configuration.</summary>
    public static Command Leaf(string name, string description, params Option[] options)
    {
        var command = new Command(name, description) { TreatUnmatchedTokensAsErrors = false };
        foreach (var option in options) command.Options.Add(option);
        return command;
    }

    /// <summary>
    /// The node's services over its data directory, initialised but not serving. Reads the same settings as the
    /// node (appsettings.json, environment, and any <c>--Camtree:Key=value</c> given after the command).
    /// </summary>
    public async Task<OpenNode> OpenAsync(ParseResult parse)
    {
        var settings = new Dictionary<string, string?> { ["Camtree:SeedDemo"] = "false" };
        if (parse.GetValue(DataDir) is { } directory) settings["Camtree:DataDirectory"] = directory;
        var app = NodeApp.Build(parse.UnmatchedTokens.ToArray(), settings);
        await NodeApp.InitializeAsync(app.Services);
        return new OpenNode(app);
    }

    public async Task<int> FailAsync(string message)
    {
        await Output.WriteLineAsync($"error: {message}");
        return 1;
    }
}

/// <summary>A node opened by a command: its services, disposed with it.</summary>
public sealed class OpenNode(WebApplication app) : IAsyncDisposable
{
    public T Get<T>() where T : notnull => app.Services.GetRequiredService<T>();
    /// <summary>A scope for scoped services (Identity's user manager and what uses it).</summary>
    public AsyncServiceScope Scope() => app.Services.CreateAsyncScope();
    public ValueTask DisposeAsync() => app.DisposeAsync();
}
