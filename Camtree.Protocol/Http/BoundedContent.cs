namespace Camtree.Protocol.Http;

/// <summary>
/// Reads a response body from another server without trusting its size: at most a given number of bytes of the
/// body as the application sees it (after any decompression, so a small gzip body that inflates to gigabytes is
/// cut at the bound like any other), within the caller's time. Use it with
/// <see cref="HttpCompletionOption.ResponseHeadersRead"/>, or <see cref="HttpClient"/> buffers the whole body first.
/// </summary>
public static class BoundedContent
{
    /// <summary>The body, or null when it is longer than <paramref name="maxBytes"/> (reading stops there).</summary>
    public static async Task<byte[]?> ReadAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > maxBytes) return null;
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[Math.Min(16 * 1024, maxBytes + 1)];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// The first <paramref name="maxBytes"/> bytes of the body as text (for an error message), never more however
    /// long the body is; invalid UTF-8 becomes replacement characters.
    /// </summary>
    public static async Task<string> ReadPrefixAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[maxBytes];
        var total = 0;
        int read;
        while (total < maxBytes && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken)) > 0) total += read;
        return System.Text.Encoding.UTF8.GetString(buffer, 0, total);
    }
}
