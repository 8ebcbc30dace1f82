namespace Camtree.Protocol.Delivery;

/// <summary>Works out where an activity must be POSTed (ActivityPub §7.1).</summary>
public static class InboxResolver
{
    /// <summary>
    /// The distinct inboxes for a set of recipients: each recipient's shared inbox when it has one, so that
    /// a server hosting many followers receives the activity once (ActivityPub §7.1.3), else its own inbox.
    /// Order is kept (first seen first), so delivery order is stable.
    /// </summary>
    public static IReadOnlyList<string> ResolveInboxes(IEnumerable<(string Inbox, string? SharedInbox)> recipients)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var (inbox, sharedInbox) in recipients)
        {
            var target = string.IsNullOrEmpty(sharedInbox) ? inbox : sharedInbox;
            if (seen.Add(target)) result.Add(target);
        }
        return result;
    }
}
