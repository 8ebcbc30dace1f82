using System.Collections.Concurrent;

namespace Camtree.Protocol.Signatures;

/// <summary>The two HTTP signature schemes a request can be signed with.</summary>
public enum HttpSignatureScheme { Rfc9421, DraftCavage }

/// <summary>
/// Which scheme each origin accepted, for double-knocking (as Fedify does): a request to an origin goes first in the
/// scheme that last worked there, else in <see cref="FirstKnock"/>; when that is refused (400, 401, 403) the other scheme is
/// tried, and the one that worked is remembered. A memory is forgotten after <see cref="RememberFor"/>, so a server
/// that learns RFC 9421 is offered it again. Bounded: past its capacity it starts over (a few extra knocks, no growth).
/// </summary>
/// <param name="doubleKnock">False to sign every request in <paramref name="firstKnock"/> only, once (a client that must
/// send exactly one request, such as a test playing one peer).</param>
public sealed class SignatureSchemes(TimeProvider time, HttpSignatureScheme firstKnock = HttpSignatureScheme.Rfc9421, int capacity = 10_000, bool doubleKnock = true)
{
    public bool DoubleKnock { get; } = doubleKnock;

    private readonly ConcurrentDictionary<string, (HttpSignatureScheme Scheme, DateTimeOffset At)> _accepted = new(StringComparer.OrdinalIgnoreCase);

    public HttpSignatureScheme FirstKnock { get; } = firstKnock;

    public TimeSpan RememberFor { get; init; } = TimeSpan.FromDays(1);

    /// <summary>The scheme to try first for an origin (<c>scheme://host:port</c>).</summary>
    public HttpSignatureScheme For(string origin) => Remembered(origin) ?? FirstKnock;

    /// <summary>What the origin accepted, if it is remembered.</summary>
    public HttpSignatureScheme? Remembered(string origin) =>
        _accepted.TryGetValue(origin, out var accepted) && time.GetUtcNow() - accepted.At < RememberFor ? accepted.Scheme : null;

    public void Accepted(string origin, HttpSignatureScheme scheme)
    {
        if (_accepted.Count >= capacity) _accepted.Clear();
        _accepted[origin] = (scheme, time.GetUtcNow());
    }

    /// <summary>
    /// Whether a refusal may be the scheme's fault, so the other is worth one knock: 400, 401 and 403, what servers
    /// answer a signature they cannot read (Mastodon: 401). Fedify knocks again on any error; a 404, 410, 413 or 429 is
    /// about the resource, the body or the rate, and a second knock would only double a key fetch of a missing actor
    /// or worsen a rate limit.
    /// </summary>
    public static bool WorthTheOtherScheme(int status) => status is 400 or 401 or 403;

    public static HttpSignatureScheme Other(HttpSignatureScheme scheme) =>
        scheme == HttpSignatureScheme.Rfc9421 ? HttpSignatureScheme.DraftCavage : HttpSignatureScheme.Rfc9421;

    public static string OriginOf(Uri uri) => uri.GetLeftPart(UriPartial.Authority);
}
