namespace Camtree.Tests.Support;

/// <summary>A clock that stands still at a given instant, so signature tests run at the instant they were made.</summary>
public sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;
    public override DateTimeOffset GetUtcNow() => Now;
}
