using Camtree.Protocol.Discovery;

namespace Camtree.Node.Federation.Handlers;

/// <summary>
/// The origin rule every handler applies: an actor speaks for objects on its own origin only (scheme, host,
/// port). A <c>Create</c>, <c>Update</c> or <c>Delete</c> of an object elsewhere is not believed.
/// </summary>
public static class Origin
{
    public static bool Same(string? a, string? b) => RemoteDocumentClient.SameOrigin(a, b);
}
