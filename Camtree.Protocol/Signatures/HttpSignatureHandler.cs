using System.Net.Http.Headers;

namespace Camtree.Protocol.Signatures;

/// <summary>
/// Signs outgoing requests that carry a <see cref="SigningKeyOption"/>: sets <c>Date</c>, <c>Host</c> and, for
/// a body, <c>Digest</c>, then adds a draft-cavage <c>Signature</c> over Mastodon's header set.
/// Requests without a key pass through unsigned. Put it in a typed <see cref="HttpClient"/>'s handler chain.
/// </summary>
public sealed class HttpSignatureHandler(TimeProvider time) : DelegatingHandler
{
    /// <summary>The request option that carries the key to sign with.</summary>
    public static readonly HttpRequestOptionsKey<SigningKey> SigningKeyOption = new("Camtree.SigningKey");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Options.TryGetValue(SigningKeyOption, out var key))
            await SignAsync(request, key, time, cancellationToken);
        return await base.SendAsync(request, cancellationToken);
    }

    /// <summary>Adds Date, Host, Digest and Signature to a request message.</summary>
    public static async Task SignAsync(HttpRequestMessage request, SigningKey key, TimeProvider time, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri ?? throw new InvalidOperationException("the request has no URI");
        request.Headers.Date = time.GetUtcNow();
        request.Headers.Host = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";

        var headers = new List<KeyValuePair<string, string>>
        {
            new("host", request.Headers.Host),
            new("date", request.Headers.Date.Value.ToString("r")),
        };
        ReadOnlyMemory<byte>? body = null;
        IReadOnlyList<string> signed;
        if (request.Content is not null)
        {
            var bytes = await request.Content.ReadAsByteArrayAsync(cancellationToken);
            body = bytes;
            var digest = HttpDigest.ComputeDigestHeader(bytes);
            request.Headers.Remove("Digest");
            request.Headers.TryAddWithoutValidation("Digest", digest);
            headers.Add(new("digest", digest));
            signed = CavageSigner.PostHeaders;
            if (request.Content.Headers.ContentType is { } contentType) headers.Add(new("content-type", contentType.ToString()));
            else signed = [.. signed.Where(h => h != "content-type")];
        }
        else
        {
            signed = CavageSigner.GetHeaders;
            if (request.Headers.Accept.Count > 0) headers.Add(new("accept", string.Join(", ", request.Headers.Accept.Select(a => a.ToString()))));
            else signed = [.. signed.Where(h => h != "accept")]; // never sign a header that is not sent
        }

        var parts = HttpRequestParts.Create(request.Method.Method, uri.PathAndQuery, headers, body);
        request.Headers.Remove("Signature");
        request.Headers.TryAddWithoutValidation("Signature", CavageSigner.SignRequest(parts, key, signed));
    }
}
