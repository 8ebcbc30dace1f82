using System.Collections.Concurrent;

namespace Camtree.Protocol.Signatures;

/// <summary>The two HTTP signature schemes a request can be signed with.</summary>
public enum HttpSignatureScheme { Rfc9421, DraftCavage }

/// <summary>
/// Where <see cref="SignatureSchemes"/> keeps what origins accepted beyond one process's memory, so that several
/// processes of one node (and a restarted one) knock the way that worked. Implemented by the node's storage.
/// </summary>
public interface ISignatureSchemeStore
{
    Task<(HttpSignatureScheme Scheme, DateTimeOffset AcceptedAt)?> FindAsync(string origin, CancellationToken cancellationToken);
    Task SaveAsync(string origin, HttpSignatureScheme scheme, DateTimeOffset acceptedAt, CancellationToken cancellationToken);
}

/// <summary>
/// Which scheme each origin accepted, for double-knocking (as Fedify does): a request to an origin goes first in the
/// scheme that last worked there, else in <see cref="FirstKnock"/>; when that is refused (400, 401, 403) the other scheme is
/// tried, and the one that worked is remembered. A memory is forgotten after <see cref="RememberFor"/>, so a server
/// that learns RFC 9421 is offered it again. Bounded: past its capacity it starts over (a few extra knocks, no growth).
/// </summary>
/// <param name="doubleKnock">False to sign every request in <paramref name="firstKnock"/> only, once (a client that must
/// send exactly one request, such as a test playing one peer).</param>
/// <param name="store">Shared memory (the database) behind this process's: read when an origin is not in memory,
/// written when what an origin accepted is new, changed, or last written more than <see cref="StoreRefresh"/> ago;
/// not on every request.</param>
public sealed class SignatureSchemes(TimeProvider time, HttpSignatureScheme firstKnock = HttpSignatureScheme.Rfc9421, int capacity = 10_000,
    bool doubleKnock = true, ISignatureSchemeStore? store = null)
{
    public bool DoubleKnock { get; } = doubleKnock;

    private readonly ConcurrentDictionary<string, (HttpSignatureScheme Scheme, DateTimeOffset At)> _accepted = new(StringComparer.OrdinalIgnoreCase);

    public HttpSignatureScheme FirstKnock { get; } = firstKnock;

    public TimeSpan RememberFor { get; init; } = TimeSpan.FromDays(1);

    /// <summary>How old a stored memory may grow before a success writes it again (so it does not expire while in use).</summary>
    public static readonly TimeSpan StoreRefresh = TimeSpan.FromHours(1);

    /// <summary>The scheme to try first for an origin (<c>scheme://host:port</c>), from this process's memory only.</summary>
    public HttpSignatureScheme For(string origin) => Remembered(origin) ?? FirstKnock;

    /// <summary>The scheme to try first for an origin: this process's memory, else the shared store, else <see cref="FirstKnock"/>.</summary>
    public async Task<HttpSignatureScheme> ForAsync(string origin, CancellationToken cancellationToken)
    {
        if (Remembered(origin) is { } remembered) return remembered;
        if (store is null || await FromStoreAsync(origin, cancellationToken) is not { } stored || time.GetUtcNow() - stored.AcceptedAt >= RememberFor)
            return FirstKnock;
        Remember(origin, stored.Scheme, stored.AcceptedAt);
        return stored.Scheme;
    }

    /// <summary>Remembers what an origin accepted, here and (when it is news) in the shared store.</summary>
    public async Task AcceptedAsync(string origin, HttpSignatureScheme scheme, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var news = !_accepted.TryGetValue(origin, out var known) || known.Scheme != scheme || now - known.At >= StoreRefresh;
        if (!news) return;
        Remember(origin, scheme, now);
        if (store is null) return;
        // The store is a hint shared between processes: a request that worked must not fail because it is down.
        try { await store.SaveAsync(origin, scheme, now, cancellationToken); }
        catch (Exception e) when (e is not OperationCanceledException) { Interlocked.Increment(ref _storeFailures); }
    }

    private async Task<(HttpSignatureScheme Scheme, DateTimeOffset AcceptedAt)?> FromStoreAsync(string origin, CancellationToken cancellationToken)
    {
        try { return await store!.FindAsync(origin, cancellationToken); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Interlocked.Increment(ref _storeFailures);
            return null; // knock as if nothing were known: the second knock still finds the way
        }
    }

    /// <summary>How often the store failed to answer or to save (it is then done without).</summary>
    public int StoreFailures => Volatile.Read(ref _storeFailures);
    private int _storeFailures;

    /// <summary>What the origin accepted, if it is remembered.</summary>
    public HttpSignatureScheme? Remembered(string origin) =>
        _accepted.TryGetValue(origin, out var accepted) && time.GetUtcNow() - accepted.At < RememberFor ? accepted.Scheme : null;

    /// <summary>Remembers what an origin accepted in this process's memory (see <see cref="AcceptedAsync"/> for the store).</summary>
    public void Accepted(string origin, HttpSignatureScheme scheme) => Remember(origin, scheme, time.GetUtcNow());

    private void Remember(string origin, HttpSignatureScheme scheme, DateTimeOffset at)
    {
        if (_accepted.Count >= capacity) _accepted.Clear();
        _accepted[origin] = (scheme, at);
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
