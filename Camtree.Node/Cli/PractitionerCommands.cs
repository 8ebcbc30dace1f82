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

        var whose = new Option<string>("--username") { Description = "Whose key", Required = true };
        var rotate = CommandContext.Leaf("rotate-key", "Give a practitioner a new Ed25519 key for object proofs and tell their followers (Update)", whose);
        rotate.SetAction(async parse =>
        {
            await using var node = await context.OpenAsync(parse);
            if (await node.Get<ActorStore>().FindByUsernameAsync(parse.GetValue(whose)!) is not { } actor)
                return await context.FailAsync($"no actor '{parse.GetValue(whose)}'");
            var key = await node.Get<ProfileService>().RotateKeyAsync(actor);
            await context.Output.WriteLineAsync($"new key {node.Get<Federation.LocalUris>().Actor(actor.Username)}#{key.Fragment} {key.PublicKeyMultibase}");
            return 0;
        });

        var passwordOf = new Option<string>("--username") { Description = "Whose password", Required = true };
        var operatorRole = new Option<bool>("--operator") { Description = "Their account, when it is made now, is an operator's" };
        var setPassword = CommandContext.Leaf("set-password", "Set a practitioner's password for signing in, read from standard input (one line)", passwordOf, operatorRole);
        setPassword.SetAction(async parse =>
        {
            // Read from standard input, never an argument: arguments end up in shell histories and process lists.
            var password = (await context.Input.ReadLineAsync())?.TrimEnd('\r', '\n');
            await using var node = await context.OpenAsync(parse);
            await using var scope = node.Scope();
            try
            {
                await scope.ServiceProvider.GetRequiredService<Accounts.AccountService>().SetPasswordAsync(parse.GetValue(passwordOf)!, password ?? "",
                    parse.GetValue(operatorRole) ? Accounts.AccountRoles.Operator : Accounts.AccountRoles.Practitioner);
                await context.Output.WriteLineAsync($"password set for {parse.GetValue(passwordOf)}; browsers signed in with the old one are signed out");
                return 0;
            }
            catch (Accounts.AccountException e) { return await context.FailAsync(e.Message); }
        });

        var email = new Option<string?>("--email") { Description = "Whom it is for (kept with the invitation)" };
        var invite = CommandContext.Leaf("invite", "Make an invitation link to join this library (valid 14 days, once)", email);
        invite.SetAction(async parse =>
        {
            await using var node = await context.OpenAsync(parse);
            var secret = await node.Get<Accounts.InvitationStore>().CreateAsync(parse.GetValue(email), createdBy: null);
            var url = $"{node.Get<Federation.LocalUris>().Base}/sign-up?invitation={secret}";
            await context.Output.WriteLineAsync(url);
            return 0;
        });

        return new Command("practitioner", "Manage practitioners") { create, list, rotate, setPassword, invite };
    }
}
