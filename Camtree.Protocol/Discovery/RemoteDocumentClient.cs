using System.Net;
using System.Net.Http.Headers;
using Camtree.Protocol.Http;
using Camtree.Protocol.JsonLd;
using Camtree.Protocol.Signatures;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Protocol.Discovery;

/// <summary>Options of <see cref="RemoteDocumentClient"/>.</summary>
public sealed record RemoteFetchOptions
{
    /// <summary>
    /// Allow plain <c>http://</c> documents, and WebFinger over http when https cannot be reached: for
    /// development, tests and private networks only.
    /// </summary>
    public bool AllowHttp { get; init; }
    /// <summary>How many redirects one fetch follows (each hop is signed again).</summary>
    public int MaxRedirects { get; init; } = 3;
    /// <summary>Whom the node federates with: hosts outside it are never fetched from.</summary>
    public Policy.FederationPolicy Policy { get; init; } = Camtree.Protocol.Policy.FederationPolicy.Open;
    /// <summary>How long one fetch may take, reading the body included.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>The largest body read (after decompression); a longer one fails the fetch.</summary>
    public int MaxBodyBytes { get; init; } = IncomingDocumentLimits.MaxBodyBytes;
}

/// <summary>
/// The one way a node reads documents from other servers (actors, keys, objects, WebFinger): the right
/// <c>Accept</c>, an optional signature as the node's instance actor, a bounded response size and a timeout,
/// and the rule that a document's <c>id</c> must have the origin of the URL it was fetched from.
/// Give it an <see cref="HttpClient"/> whose handler chain ends in an <see cref="HttpSignatureHandler"/>
/// (and whose primary handler bounds redirects).
/// </summary>
public sealed class RemoteDocumentClient(HttpClient http, RemoteFetchOptions options)
{
    /// <summary>Fetches an ActivityPub document and normalises it. Throws <see cref="RemoteFetchException"/>.</summary>
    public async Task<IncomingObject> FetchObjectAsync(string iri, SigningKey? signAs, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(iri, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            throw new RemoteFetchException($"not an http(s) IRI: {iri}");
        if (uri.Scheme == "http" && !options.AllowHttp)
            throw new RemoteFetchException($"{iri}: plain http is not allowed");
        var (body, finalUri) = await GetAsync(uri, ActivityStreams.AcceptHeader, signAs, cancellationToken);
        IncomingObject document;
        try { document = IncomingObject.Parse(body); }
        catch (IncomingDocumentException e) { throw new RemoteFetchException($"{iri}: {e.Message}"); }

        // A document is only authoritative for its own origin (Mastodon and Fedify drop the others).
        if (document.Id is null || !Uri.TryCreate(document.Id, UriKind.Absolute, out var id)
            || !SameOrigin(id, finalUri))
            throw new RemoteFetchException($"{iri}: the document's id ({document.Id}) is not on the origin it was fetched from");
        return document;
    }

    /// <summary>
    /// Fetches a copy of a document from anywhere — a mirror, an index — without the origin rule: its id may name
    /// another server. Such a copy must be believed only through its object proof (FEP-8b32). Returns the parsed
    /// view and the document itself.
    /// </summary>
    public async Task<(IncomingObject View, System.Text.Json.Nodes.JsonObject Document)> FetchCopyAsync(string url, SigningKey? signAs, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            throw new RemoteFetchException($"not an http(s) URL: {url}");
        if (uri.Scheme == "http" && !options.AllowHttp)
            throw new RemoteFetchException($"{url}: plain http is not allowed");
        var (body, _) = await GetAsync(uri, ActivityStreams.AcceptHeader, signAs, cancellationToken);
        try
        {
            var view = IncomingObject.Parse(body);
            return (view, System.Text.Json.Nodes.JsonNode.Parse(body, documentOptions: IncomingDocumentLimits.DocumentOptions)!.AsObject());
        }
        catch (IncomingDocumentException e) { throw new RemoteFetchException($"{url}: {e.Message}"); }
    }

    /// <summary>Fetches an actor document by IRI.</summary>
    public async Task<RemoteActor> FetchActorAsync(string iri, SigningKey? signAs, CancellationToken cancellationToken)
    {
        var document = await FetchObjectAsync(iri, signAs, cancellationToken);
        return RemoteActor.FromDocument(document)
            ?? throw new RemoteFetchException($"{iri} is not an actor with an inbox");
    }

    /// <summary>
    /// Looks up a handle with WebFinger (RFC 7033 §4) and returns the ActivityPub actor IRI it names.
    /// Tries https, and plain http only when <see cref="RemoteFetchOptions.AllowHttp"/> is set.
    /// </summary>
    public async Task<string> LookupWebFingerAsync(AccountHandle handle, CancellationToken cancellationToken)
    {
        var query = $"{WebFinger.Path}?resource={Uri.EscapeDataString(handle.AcctUri)}";
        byte[] body;
        try
        {
            (body, _) = await GetAsync(new Uri($"https://{handle.Host}{query}"), WebFinger.MediaType, null, cancellationToken);
        }
        catch (RemoteFetchException) when (options.AllowHttp)
        {
            (body, _) = await GetAsync(new Uri($"http://{handle.Host}{query}"), WebFinger.MediaType, null, cancellationToken);
        }
        WebFingerResponse? response;
        try { response = System.Text.Json.JsonSerializer.Deserialize<WebFingerResponse>(body); }
        catch (System.Text.Json.JsonException e) { throw new RemoteFetchException($"WebFinger for {handle}: {e.Message}"); }
        return response?.ActorIri ?? throw new RemoteFetchException($"WebFinger for {handle} names no ActivityPub actor");
    }

    private async Task<(byte[] Body, Uri FinalUri)> GetAsync(Uri uri, string accept, SigningKey? signAs, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        try
        {
            using var response = await SendFollowingRedirectsAsync(uri, accept, signAs, timeout.Token);
            uri = response.RequestMessage?.RequestUri ?? uri;
            if (response.StatusCode == HttpStatusCode.Gone)
                throw new RemoteFetchException($"{uri} is gone (410)", gone: true);
            if (!response.IsSuccessStatusCode)
                throw new RemoteFetchException($"{uri} answered {(int)response.StatusCode}");
            var body = await BoundedContent.ReadAsync(response.Content, options.MaxBodyBytes, timeout.Token)
                ?? throw new RemoteFetchException($"{uri}: response larger than {options.MaxBodyBytes} bytes");
            return (body, uri);
        }
        catch (HttpRequestException e) when (e is not RemoteFetchException) { throw new RemoteFetchException($"{uri}: {e.Message}"); }
        // A connection cut mid-body, or a body that does not decompress.
        catch (Exception e) when (e is IOException or InvalidDataException) { throw new RemoteFetchException($"{uri}: reading the response failed: {e.Message}"); }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RemoteFetchException($"{uri}: timed out after {options.Timeout.TotalSeconds:0} s");
        }
    }

    /// <summary>
    /// GETs, following redirects here rather than in the transport so that every hop is signed for its own
    /// target, and never from https down to http unless http is allowed.
    /// </summary>
    private async Task<HttpResponseMessage> SendFollowingRedirectsAsync(Uri uri, string accept, SigningKey? signAs, CancellationToken cancellationToken)
    {
        for (var hop = 0; ; hop++)
        {
            if (!options.Policy.AllowsUrl(uri.AbsoluteUri))
                throw new RemoteFetchException($"{uri.Authority} is outside this node's federation policy");
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.Accept.ParseAdd(accept);
            if (signAs is not null) request.Options.Set(HttpSignatureHandler.SigningKeyOption, signAs);
            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if ((int)response.StatusCode is not (301 or 302 or 303 or 307 or 308) || response.Headers.Location is null) return response;

            response.Dispose();
            if (hop >= options.MaxRedirects) throw new RemoteFetchException($"{uri}: more than {options.MaxRedirects} redirects");
            var next = new Uri(uri, response.Headers.Location);
            if (next.Scheme is not ("https" or "http") || (next.Scheme == "http" && !options.AllowHttp))
                throw new RemoteFetchException($"{uri}: redirect to {next} refused");
            uri = next;
        }
    }

    /// <summary>Both are absolute IRIs with the same origin (RFC 6454: scheme, host and port).</summary>
    public static bool SameOrigin(string? a, string? b) =>
        Uri.TryCreate(a, UriKind.Absolute, out var x) && Uri.TryCreate(b, UriKind.Absolute, out var y) && SameOrigin(x, y);

    /// <summary>Scheme, host and port equal (RFC 6454 origin).</summary>
    public static bool SameOrigin(Uri a, Uri b) =>
        a.Scheme == b.Scheme && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;
}

/// <summary>A remote document could not be fetched or is not acceptable; the message says why.</summary>
public sealed class RemoteFetchException(string message, bool gone = false) : HttpRequestException(message)
{
    /// <summary>The server answered 410 Gone: the object was deleted.</summary>
    public bool Gone { get; } = gone;
}
