using System.Net.Http.Headers;

namespace Camtree.Protocol.Signatures;

/// <summary>
/// Signs outgoing requests that carry a <see cref="SigningKeyOption"/>, double-knocking (as Fedify does): first with
/// the scheme <see cref="SignatureSchemes"/> holds for the origin (RFC 9421 unless draft-cavage worked there), and on a
/// 400, 401 or 403 once more with the other scheme, remembering the one that worked. Either way it sets <c>Date</c>, <c>Host</c>
/// and, for a body, both digests (<c>Content-Digest</c> for RFC 9421, <c>Digest</c> for draft-cavage). Requests
/// without a key pass through unsigned. Put it in a typed <see cref="HttpClient"/>'s handler chain.
/// </summary>
public sealed class HttpSignatureHandler(TimeProvider time, SignatureSchemes? schemes = null) : DelegatingHandler
{
    /// <summary>The request option that carries the key to sign with.</summary>
    public static readonly HttpRequestOptionsKey<SigningKey> SigningKeyOption = new("Camtree.SigningKey");

    private readonly SignatureSchemes _schemes = schemes ?? new SignatureSchemes(time);

    public SignatureSchemes Schemes => _schemes;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(SigningKeyOption, out var key)) return await base.SendAsync(request, cancellationToken);

        var uri = request.RequestUri ?? throw new InvalidOperationException("the request has no URI");
        var origin = SignatureSchemes.OriginOf(uri);
        var first = await _schemes.ForAsync(origin, cancellationToken);
        var body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        Sign(request, key, first, time, body);
        var response = await base.SendAsync(request, cancellationToken);
        if (!_schemes.DoubleKnock || !SignatureSchemes.WorthTheOtherScheme((int)response.StatusCode))
        {
            if (response.IsSuccessStatusCode) await _schemes.AcceptedAsync(origin, first, cancellationToken);
            return response;
        }

        // The second knock: the same request, signed the other way. Its answer is the one the caller sees.
        var second = SignatureSchemes.Other(first);
        using var retry = Copy(request, body);
        Sign(retry, key, second, time, body);
        var retried = await base.SendAsync(retry, cancellationToken);
        if (retried.IsSuccessStatusCode) await _schemes.AcceptedAsync(origin, second, cancellationToken);
        response.Dispose();
        return retried;
    }

    /// <summary>A request can be sent once: the second knock is a copy, its body the bytes already read.</summary>
    private static HttpRequestMessage Copy(HttpRequestMessage request, byte[]? body)
    {
        var copy = new HttpRequestMessage(request.Method, request.RequestUri) { Version = request.Version, VersionPolicy = request.VersionPolicy };
        foreach (var (name, values) in request.Headers)
            if (name is not ("Signature" or "Signature-Input" or "Digest" or "Content-Digest"))
                copy.Headers.TryAddWithoutValidation(name, values);
        foreach (var option in request.Options) ((IDictionary<string, object?>)copy.Options)[option.Key] = option.Value;
        if (body is not null)
        {
            copy.Content = new ByteArrayContent(body);
            foreach (var (name, values) in request.Content!.Headers)
                if (name != "Content-Length") copy.Content.Headers.TryAddWithoutValidation(name, values);
        }
        return copy;
    }

    /// <summary>Adds Date, Host, Digest and a draft-cavage Signature to a request message.</summary>
    public static Task SignAsync(HttpRequestMessage request, SigningKey key, TimeProvider time, CancellationToken cancellationToken) =>
        SignAsync(request, key, HttpSignatureScheme.DraftCavage, time, cancellationToken);

    /// <summary>Adds Date, Host, the body's digests and a signature in the given scheme to a request message.</summary>
    public static async Task SignAsync(HttpRequestMessage request, SigningKey key, HttpSignatureScheme scheme, TimeProvider time, CancellationToken cancellationToken) =>
        Sign(request, key, scheme, time, request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken));

    /// <summary>Signs a request whose body, if it has one, has been read into <paramref name="bytes"/>.</summary>
    private static void Sign(HttpRequestMessage request, SigningKey key, HttpSignatureScheme scheme, TimeProvider time, byte[]? bytes)
    {
        var uri = request.RequestUri ?? throw new InvalidOperationException("the request has no URI");
        var now = time.GetUtcNow();
        request.Headers.Date = now;
        request.Headers.Host = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
        foreach (var name in new[] { "Signature", "Signature-Input", "Digest", "Content-Digest" }) request.Headers.Remove(name);

        var headers = new List<KeyValuePair<string, string>>
        {
            new("host", request.Headers.Host),
            new("date", request.Headers.Date.Value.ToString("r")),
        };
        ReadOnlyMemory<byte>? body = null;
        var withBody = request.Content is not null;
        if (request.Content is not null && bytes is not null)
        {
            body = bytes;
            var digest = scheme == HttpSignatureScheme.Rfc9421 ? ContentDigest.Compute(bytes) : HttpDigest.ComputeDigestHeader(bytes);
            var digestName = scheme == HttpSignatureScheme.Rfc9421 ? "Content-Digest" : "Digest";
            request.Headers.TryAddWithoutValidation(digestName, digest);
            headers.Add(new(digestName.ToLowerInvariant(), digest));
            if (request.Content.Headers.ContentType is { } contentType) headers.Add(new("content-type", contentType.ToString()));
        }
        else if (request.Headers.Accept.Count > 0)
        {
            headers.Add(new("accept", string.Join(", ", request.Headers.Accept.Select(a => a.ToString()))));
        }
        var parts = HttpRequestParts.Create(request.Method.Method, uri.PathAndQuery, headers, body) with { Scheme = uri.Scheme };
        // Never sign a header that is not sent.
        bool Sent(string component) => component.StartsWith('@') || headers.Any(h => h.Key == component);

        if (scheme == HttpSignatureScheme.Rfc9421)
        {
            var components = (withBody ? Rfc9421Signer.PostComponents : Rfc9421Signer.GetComponents).Where(Sent).ToList();
            var (input, signature) = Rfc9421Signer.Sign(parts, key, components, now);
            request.Headers.TryAddWithoutValidation("Signature-Input", input);
            request.Headers.TryAddWithoutValidation("Signature", signature);
        }
        else
        {
            var signed = (withBody ? CavageSigner.PostHeaders : CavageSigner.GetHeaders).Where(h => h == "(request-target)" || Sent(h)).ToList();
            request.Headers.TryAddWithoutValidation("Signature", CavageSigner.SignRequest(parts, key, signed));
        }
    }
}
