using Camtree.Protocol.Vocabulary;

namespace Camtree.Node.Configuration;

/// <summary>
/// Every bound the node puts on what other servers and API clients can make it do, as settings
/// (<c>Camtree:Limits:*</c>, documented in README.md and docs/security.md). The defaults are what a public node
/// should run with; tests and benchmarks change them.
/// </summary>
public sealed class LimitsOptions
{
    /// <summary>The largest body an inbox POST or a fetched document may have, in bytes.</summary>
    public int DocumentBytes { get; set; } = 1024 * 1024;

    /// <summary>The largest file a practitioner may attach to a report (an image or a PDF), in bytes.</summary>
    public int AttachmentBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>How long fetching one remote document (actor, key, object, WebFinger) may take.</summary>
    public double FetchTimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// How long one delivery POST may take, response included; at most <see cref="MaxDeliveryTimeoutSeconds"/>, so that a
    /// delivery always ends well inside its claim (<see cref="Storage.DeliveryLease"/>).
    /// </summary>
    public double DeliveryTimeoutSeconds { get; set; } = 30;

    /// <summary>The longest <see cref="DeliveryTimeoutSeconds"/> taken.</summary>
    public const double MaxDeliveryTimeoutSeconds = 60;

    /// <summary>How much of an inbox's answer to a delivery is read (kept as the delivery's error), in bytes, decompressed.</summary>
    public int DeliveryResponseBytes { get; set; } = 8 * 1024;

    /// <summary>How long applying one received activity may take before it counts as failed (and is retried).</summary>
    public double InboxHandlerTimeoutSeconds { get; set; } = 60;

    /// <summary>Inbox POSTs one remote host may make in a burst (a token bucket per host, refilled below).</summary>
    public int InboxBurstPerHost { get; set; } = 300;

    /// <summary>Inbox POSTs per second one remote host may keep up.</summary>
    public int InboxPerSecondPerHost { get; set; } = 20;

    /// <summary>API requests one token (or, without a token, one client address) may make in a burst.</summary>
    public int ApiBurstPerClient { get; set; } = 100;

    /// <summary>Sign-in and sign-up forms posted from one address before it is held to one a minute.</summary>
    public int SignInBurstPerAddress { get; set; } = 10;

    /// <summary>API requests per second one token (or client address) may keep up.</summary>
    public int ApiPerSecondPerClient { get; set; } = 5;

    /// <summary>How long a key that could not be fetched is not asked for again.</summary>
    public double KeyFetchFailureSeconds { get; set; } = 300;

    /// <summary>After how many days the bodies of processed inbox activities are pruned (their ids are kept for de-duplication).</summary>
    public double InboxRetentionDays { get; set; } = 7;

    /// <summary>How many actors of one remote host the node stores.</summary>
    public int RemoteActorsPerHost { get; set; } = 10_000;

    /// <summary>The sizes of a report's fields, local drafts and received reports alike.</summary>
    public ReportLimits Report { get; set; } = new();

    public TimeSpan FetchTimeout => TimeSpan.FromSeconds(FetchTimeoutSeconds);
    public TimeSpan DeliveryTimeout => TimeSpan.FromSeconds(Math.Min(DeliveryTimeoutSeconds, MaxDeliveryTimeoutSeconds));
    public TimeSpan InboxHandlerTimeout => TimeSpan.FromSeconds(InboxHandlerTimeoutSeconds);
    public TimeSpan KeyFetchFailureLifetime => TimeSpan.FromSeconds(KeyFetchFailureSeconds);
    public TimeSpan InboxRetention => TimeSpan.FromDays(InboxRetentionDays);
}
