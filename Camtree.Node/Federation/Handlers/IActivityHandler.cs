using Camtree.Node.Storage;
using Camtree.Protocol.JsonLd;

namespace Camtree.Node.Federation.Handlers;

/// <summary>A received activity whose signature verified, with the stored inbox row it came from.</summary>
public sealed record ReceivedActivity(InboxEntry Entry, IncomingObject Activity)
{
    /// <summary>The verified actor (the signer).</summary>
    public string Actor => Entry.ActorIri;
}

/// <summary>Applies the side effects of one activity type. One small handler per type.</summary>
public interface IActivityHandler
{
    string ActivityType { get; }

    /// <summary>Applies the activity. Returns a note for the log when it was ignored, else null.</summary>
    Task<string?> HandleAsync(ReceivedActivity received, CancellationToken cancellationToken);
}
