using System.Net;
using System.Text;
using Camtree.Protocol.Signatures;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Protocol.Delivery;

/// <summary>The outcome of one POST of an activity to one inbox.</summary>
/// <param name="Delivered">The inbox took it (2xx).</param>
/// <param name="Permanent">Retrying cannot help (a 4xx other than 401, 408 and 429).</param>
/// <param name="StatusCode">The HTTP status, or null when no response came.</param>
/// <param name="Error">What went wrong, for the operator.</param>
public sealed record DeliveryOutcome(bool Delivered, bool Permanent, int? StatusCode, string? Error);

/// <summary>
/// POSTs a serialised activity to an inbox, signed at send time with the author's key (the signature's Date
/// must be fresh, so rows in a delivery queue are stored unsigned).
/// </summary>
public sealed class ActivitySender(HttpClient http)
{
    public async Task<DeliveryOutcome> SendAsync(string inbox, string activityJson, SigningKey key, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, inbox)
        {
            Content = new StringContent(activityJson, Encoding.UTF8, ActivityStreams.MediaType),
        };
        request.Headers.Accept.ParseAdd(ActivityStreams.MediaType);
        request.Options.Set(HttpSignatureHandler.SigningKeyOption, key);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode) return new DeliveryOutcome(true, false, status, null);
            var reason = await response.Content.ReadAsStringAsync(cancellationToken);
            if (reason.Length > 500) reason = reason[..500];
            return new DeliveryOutcome(false, IsPermanent(response.StatusCode), status, $"{status}: {reason}");
        }
        catch (HttpRequestException e) { return new DeliveryOutcome(false, false, null, e.Message); }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new DeliveryOutcome(false, false, null, "timed out");
        }
    }

    /// <summary>Mastodon's rule: a 4xx is final, except 401 (key not yet known), 408 and 429.</summary>
    public static bool IsPermanent(HttpStatusCode status) =>
        (int)status is >= 400 and < 500 && status is not (HttpStatusCode.Unauthorized or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests);
}
