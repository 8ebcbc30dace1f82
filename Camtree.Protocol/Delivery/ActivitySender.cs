using System.Net;
using System.Text;
using Camtree.Protocol.Http;
using Camtree.Protocol.Signatures;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Protocol.Delivery;

/// <summary>The outcome of one POST of an activity to one inbox.</summary>
/// <param name="Delivered">The inbox took it (2xx).</param>
/// <param name="Permanent">Retrying cannot help (a 4xx other than 401, 408 and 429).</param>
/// <param name="StatusCode">The HTTP status, or null when no response came.</param>
/// <param name="Error">What went wrong, for the operator.</param>
/// <param name="RetryAfter">How long the inbox asked the sender to wait (<c>Retry-After</c> on a 429 or 503), if it did.</param>
public sealed record DeliveryOutcome(bool Delivered, bool Permanent, int? StatusCode, string? Error, TimeSpan? RetryAfter = null);

/// <summary>Options of <see cref="ActivitySender"/>.</summary>
public sealed record DeliveryOptions
{
    /// <summary>How long one POST may take, reading the answer included.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>How much of an answer is read (decompressed), for the error kept on the delivery. The rest is never read.</summary>
    public int MaxResponseBytes { get; init; } = 8 * 1024;
    /// <summary>How much of that is kept as the error text.</summary>
    public int MaxErrorChars { get; init; } = 500;
}

/// <summary>
/// POSTs a serialised activity to an inbox, signed at send time with the author's key (the signature's Date
/// must be fresh, so rows in a delivery queue are stored unsigned). The answer is read headers first, then at
/// most <see cref="DeliveryOptions.MaxResponseBytes"/> of its body, within <see cref="DeliveryOptions.Timeout"/>:
/// an inbox cannot make the sender hold a large or endless answer.
/// </summary>
public sealed class ActivitySender(HttpClient http, DeliveryOptions? options = null)
{
    private readonly DeliveryOptions _options = options ?? new DeliveryOptions();

    public async Task<DeliveryOutcome> SendAsync(string inbox, string activityJson, SigningKey key, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, inbox)
        {
            Content = new StringContent(activityJson, Encoding.UTF8, ActivityStreams.MediaType),
        };
        request.Headers.Accept.ParseAdd(ActivityStreams.MediaType);
        request.Options.Set(HttpSignatureHandler.SigningKeyOption, key);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode) return new DeliveryOutcome(true, false, status, null);
            var reason = await ReadReasonAsync(response.Content, timeout.Token, cancellationToken);
            return new DeliveryOutcome(false, IsPermanent(response.StatusCode), status, $"{status}: {reason}", RetryAfterOf(response));
        }
        catch (HttpRequestException e) { return new DeliveryOutcome(false, false, null, e.Message); }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new DeliveryOutcome(false, false, null, $"timed out after {_options.Timeout.TotalSeconds:0} s");
        }
    }

    /// <summary>
    /// The start of a refusal's body, for the operator; the status is what counts, so a body that is cut off, does not
    /// decompress or does not arrive in time is noted as such rather than losing the status.
    /// </summary>
    private async Task<string> ReadReasonAsync(HttpContent content, CancellationToken timeout, CancellationToken cancellationToken)
    {
        try
        {
            var reason = await BoundedContent.ReadPrefixAsync(content, _options.MaxResponseBytes, timeout);
            return reason.Length > _options.MaxErrorChars ? reason[.._options.MaxErrorChars] : reason;
        }
        catch (Exception e) when (e is IOException or InvalidDataException) { return $"(its body could not be read: {e.Message})"; }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested) { return "(its body did not arrive in time)"; }
    }

    /// <summary>Mastodon's rule: a 4xx is final, except 401 (key not yet known), 408 and 429.</summary>
    public static bool IsPermanent(HttpStatusCode status) =>
        (int)status is >= 400 and < 500 && status is not (HttpStatusCode.Unauthorized or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests);

    /// <summary>The wait a <c>Retry-After</c> header asks for (seconds or an HTTP date, RFC 9110 §10.2.3), if any.</summary>
    private static TimeSpan? RetryAfterOf(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } when delta >= TimeSpan.Zero => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };
}
