// A Camtree node. `dotnet run --project Camtree.Node` serves the library; `-- --help` lists the commands.
return await Camtree.Node.Cli.NodeCommandLine.RunAsync(args, Console.Out);
