namespace Camtree.Protocol.Delivery;

/// <summary>
/// The delivery health of one receiving host. A host that keeps failing gets its circuit opened: its
/// deliveries wait (without counting as attempts) while deliveries to healthy hosts go on. A host failing for
/// <see cref="HostCircuit.UnavailableAfter"/> is marked unavailable and only probed every
/// <see cref="HostCircuit.UnavailableProbeInterval"/>, until a success or a signed request from it clears it.
/// </summary>
public sealed record HostHealth(
    string Host,
    int ConsecutiveFailures = 0,
    DateTimeOffset? FirstFailureAt = null,
    DateTimeOffset? LastFailureAt = null,
    DateTimeOffset? OpenUntil = null,
    DateTimeOffset? UnavailableSince = null,
    DateTimeOffset? LastSuccessAt = null)
{
    /// <summary>True when deliveries to the host should wait.</summary>
    public bool IsOpen(DateTimeOffset now) => OpenUntil is { } until && until > now;

    /// <summary>Once the circuit has opened, a host is tried one delivery at a time (half-open) until it answers.</summary>
    public bool IsProbing => ConsecutiveFailures >= HostCircuit.FailuresToOpen;
}

/// <summary>The rules of <see cref="HostHealth"/>: pure, so the node's store only keeps the state.</summary>
public static class HostCircuit
{
    /// <summary>Consecutive failures after which the circuit opens.</summary>
    public const int FailuresToOpen = 3;

    /// <summary>The first pause once open; it doubles with each further failure.</summary>
    public static readonly TimeSpan FirstPause = TimeSpan.FromSeconds(30);

    /// <summary>The longest pause while the host is not yet unavailable.</summary>
    public static readonly TimeSpan LongestPause = TimeSpan.FromHours(1);

    /// <summary>How long a host must fail, without a success, to be marked unavailable (about the span of the retry schedule).</summary>
    public static readonly TimeSpan UnavailableAfter = TimeSpan.FromDays(2);

    /// <summary>How often an unavailable host is probed.</summary>
    public static readonly TimeSpan UnavailableProbeInterval = TimeSpan.FromHours(12);

    /// <summary>
    /// A failure that says the host is unwell: no answer, a timeout, or a 5xx. (A 4xx is an answer: the host is up.)
    /// </summary>
    public static bool CountsAgainstHost(int? statusCode) => statusCode is null or >= 500;

    public static HostHealth RecordFailure(HostHealth health, DateTimeOffset now)
    {
        var failures = health.ConsecutiveFailures + 1;
        var firstFailure = health.FirstFailureAt ?? now;
        var unavailableSince = health.UnavailableSince ?? (now - firstFailure >= UnavailableAfter ? now : null);
        DateTimeOffset? openUntil = null;
        if (unavailableSince is not null) openUntil = now + UnavailableProbeInterval;
        else if (failures >= FailuresToOpen)
        {
            var pause = TimeSpan.FromTicks(Math.Min(LongestPause.Ticks, FirstPause.Ticks << Math.Min(failures - FailuresToOpen, 20)));
            openUntil = now + pause;
        }
        return health with
        {
            ConsecutiveFailures = failures, FirstFailureAt = firstFailure, LastFailureAt = now,
            OpenUntil = openUntil, UnavailableSince = unavailableSince,
        };
    }

    /// <summary>Any answer from the host, or a signed request from it, clears its record.</summary>
    public static HostHealth RecordSuccess(HostHealth health, DateTimeOffset now) => new(health.Host, LastSuccessAt: now);

    /// <summary>The host part that health is kept by: the authority of an inbox URL (host and non-default port).</summary>
    public static string HostOf(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Authority.ToLowerInvariant() : url;
}
