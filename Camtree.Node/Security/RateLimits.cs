using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.RateLimiting;
using Camtree.Node.Configuration;
using Microsoft.AspNetCore.RateLimiting;

namespace Camtree.Node.Security;

/// <summary>
/// ASP.NET Core rate limiting for what others can make the node do: inbox POSTs per remote host, API calls per
/// token. Each is a token bucket (a burst, then a steady rate; <see cref="LimitsOptions"/>); a request over it is
/// answered 429 with <c>Retry-After</c> and a reason, before any signature is checked or key fetched.
/// </summary>
public static partial class RateLimits
{
    public const string InboxPolicy = "inbox";
    public const string ApiPolicy = "api";
    public const string SignInPolicy = "sign-in";

    public static IServiceCollection AddCamtreeRateLimits(this IServiceCollection services, LimitsOptions limits)
    {
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(InboxPolicy, context => RateLimitPartition.GetTokenBucketLimiter(InboxPartition(context),
                _ => Bucket(limits.InboxBurstPerHost, limits.InboxPerSecondPerHost)));
            options.AddPolicy(ApiPolicy, context => RateLimitPartition.GetTokenBucketLimiter(ApiPartition(context),
                _ => Bucket(limits.ApiBurstPerClient, limits.ApiPerSecondPerClient)));
            // Guessing passwords from one address: ten tries, then one a minute (Identity also locks the account after five).
            options.AddPolicy(SignInPolicy, context => RateLimitPartition.GetTokenBucketLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = limits.SignInBurstPerAddress, TokensPerPeriod = 1, ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                    QueueLimit = 0, AutoReplenishment = true,
                }));
            options.OnRejected = async (rejected, cancellationToken) =>
            {
                var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
                rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await Web.ErrorResponses.Error(StatusCodes.Status429TooManyRequests,
                    "too many requests from you; try again in {0} s", seconds).ExecuteAsync(rejected.HttpContext);
            };
        });
        return services;
    }

    private static TokenBucketRateLimiterOptions Bucket(int burst, int perSecond) => new()
    {
        TokenLimit = Math.Max(1, burst),
        TokensPerPeriod = Math.Max(1, perSecond),
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    /// <summary>
    /// The sending host, as the signature's <c>keyId</c> names it, together with the connection's address. The key id is
    /// not verified yet (that is what the limit protects), so it is never the partition alone: a sender that claims
    /// another server's key spends only its own address's share, never that server's.
    /// </summary>
    internal static string InboxPartition(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var claimed = ClaimedKeyId(context.Request.Headers["Signature"].ToString())
                      ?? ClaimedKeyId(context.Request.Headers["Signature-Input"].ToString());
        var host = claimed is not null && Uri.TryCreate(claimed, UriKind.Absolute, out var key) ? key.Authority : "unsigned";
        return $"{host}|{address}";
    }

    /// <summary>The token (by its hash) when there is one, else the client's address.</summary>
    internal static string ApiPartition(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.Length > 0)
            return "token:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(authorization)), 0, 16);
        return "address:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
    }

    /// <summary>The first <c>keyId</c> / <c>keyid</c> parameter of a draft-cavage <c>Signature</c> or RFC 9421 <c>Signature-Input</c> header.</summary>
    private static string? ClaimedKeyId(string header) =>
        header.Length == 0 ? null : KeyIdParameter().Match(header) is { Success: true } match ? match.Groups[1].Value : null;

    [GeneratedRegex("keyid=\"([^\"]{1,2048})\"", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex KeyIdParameter();
}
