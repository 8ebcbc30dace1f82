namespace Camtree.Protocol.Delivery;

/// <summary>
/// When to try a failed delivery again: polynomial backoff as Mastodon's job queue (Sidekiq) does it,
/// <c>attempt⁴ + 15 s + jitter</c>, for <see cref="MaxAttempts"/> attempts, which spans about two days.
/// </summary>
public static class RetrySchedule
{
    /// <summary>Attempts in all: the first and 16 retries, as Mastodon retries a delivery 16 times.</summary>
    public const int MaxAttempts = 17;

    /// <summary>
    /// The delay before the next attempt after <paramref name="failedAttempts"/> failures (1 after the first),
    /// or null when the delivery should be given up. <paramref name="jitter"/> in [0, 1) spreads retries out.
    /// </summary>
    public static TimeSpan? NextDelay(int failedAttempts, double jitter)
    {
        if (failedAttempts >= MaxAttempts) return null;
        var n = Math.Max(failedAttempts - 1, 0);
        var seconds = Math.Pow(n, 4) + 15 + jitter * 10 * (n + 1);
        return TimeSpan.FromSeconds(seconds);
    }
}
