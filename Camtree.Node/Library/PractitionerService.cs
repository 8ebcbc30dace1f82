using System.Text.RegularExpressions;
using Camtree.Node.Configuration;
using Camtree.Node.Federation;
using Camtree.Node.Storage;
using Camtree.Protocol.Signatures;
using Camtree.Protocol.Vocabulary;
using Microsoft.Extensions.Options;

namespace Camtree.Node.Library;

/// <summary>Creates the node's actors: practitioners, and the library actor that stands for the node itself.</summary>
public sealed partial class PractitionerService(ActorStore actors, ActorKeyStore keys, IOptions<NodeOptions> options, TimeProvider time)
{
    [GeneratedRegex("^[a-z0-9_]{1,30}$")]
    private static partial Regex UsernamePattern();

    /// <summary>Whether a (lower-cased) username is one a practitioner can have: 1 to 30 of a-z, 0-9 and _.</summary>
    public static bool IsValidUsername(string username) => UsernamePattern().IsMatch(username);

    /// <summary>Creates a practitioner with a fresh RSA-2048 key pair. Throws <see cref="ArgumentException"/> for a bad or taken username.</summary>
    public async Task<LocalActor> CreatePractitionerAsync(string username, string displayName, string summary = "", bool manuallyApprovesFollowers = false)
    {
        username = username.Trim().ToLowerInvariant();
        if (!UsernamePattern().IsMatch(username))
            throw new ArgumentException("a username is 1 to 30 characters of a-z, 0-9 and _");
        if (username == LocalUris.LibraryUsername || await actors.FindByUsernameAsync(username) is not null)
            throw new ArgumentException($"the username '{username}' is taken");
        return await CreateAsync(username, AsTypes.Person, string.IsNullOrWhiteSpace(displayName) ? username : displayName.Trim(), summary, manuallyApprovesFollowers);
    }

    /// <summary>The library actor (a <c>Service</c>), created on first start.</summary>
    public async Task<LocalActor> EnsureLibraryActorAsync() =>
        await actors.FindByUsernameAsync(LocalUris.LibraryUsername)
        ?? await CreateAsync(LocalUris.LibraryUsername, AsTypes.Service, options.Value.NodeName,
            $"The practitioner research library of {options.Value.NodeName}, a Camtree node. Follow it to receive every report published here.", false);

    /// <summary>
    /// A theme's <c>Group</c> actor (FEP-1b12): it accepts every follow and announces the reports tagged with the theme.
    /// The caller has chosen a free, valid username (<see cref="Themes.ThemeHandles"/>).
    /// </summary>
    public Task<LocalActor> CreateThemeGroupAsync(string username, string theme) =>
        CreateAsync(username, AsTypes.Group, "#" + theme,
            $"Reports tagged #{theme} in {options.Value.NodeName}, a Camtree library of practitioner research. Follow to receive each one as it is published or shared.",
            false);

    /// <summary>Creates an actor with its RSA key (HTTP signatures) and its first Ed25519 key (object proofs).</summary>
    private async Task<LocalActor> CreateAsync(string username, string type, string displayName, string summary, bool manuallyApproves)
    {
        var rsa = RsaKeyPair.Generate();
        var actor = await actors.CreateAsync(new LocalActor
        {
            Username = username,
            ActorType = type,
            DisplayName = displayName,
            Summary = summary,
            ManuallyApprovesFollowers = manuallyApproves,
            PrivateKeyPem = rsa.PrivateKeyPem,
            PublicKeyPem = rsa.PublicKeyPem,
            CreatedAt = time.GetUtcNow(),
        });
        await keys.CurrentAsync(actor.Id);
        return actor;
    }
}
