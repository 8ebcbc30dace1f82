using Camtree.Node.Configuration;
using Camtree.Node.Storage;

namespace Camtree.Tests.Node;

/// <summary>A delivery's claim always outlasts the delivery: the lease is never under twice the timeout, and the timeout is capped.</summary>
public sealed class DeliveryLeaseTests
{
    [Theory]
    [InlineData(8, 3, 8)]       // as configured
    [InlineData(8, 30, 60)]     // never less than twice the delivery timeout
    [InlineData(300, 600, 300)] // the timeout itself is at most a minute
    public void The_lease_outlasts_the_longest_delivery(double leaseSeconds, double timeoutSeconds, double expected)
    {
        var options = new NodeOptions
        {
            Storage = new StorageOptions { DeliveryLeaseSeconds = leaseSeconds },
            Limits = new LimitsOptions { DeliveryTimeoutSeconds = timeoutSeconds },
        };
        Assert.Equal(TimeSpan.FromSeconds(expected), options.DeliveryLease);
        Assert.True(options.Limits.DeliveryTimeout <= TimeSpan.FromSeconds(LimitsOptions.MaxDeliveryTimeoutSeconds));
        Assert.True(options.DeliveryLease >= 2 * options.Limits.DeliveryTimeout);
    }

    [Fact]
    public void By_default_a_claim_is_held_five_minutes() => Assert.Equal(DeliveryLease.Length, new NodeOptions().DeliveryLease);
}
