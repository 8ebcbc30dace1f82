using System.Net;
using System.Net.Sockets;

namespace Camtree.Protocol.Discovery;

/// <summary>
/// Keeps a node from being used to reach its own network (SSRF): other servers name the URLs a node fetches
/// (actor ids, key ids, inboxes), so every connection is checked against the address it really goes to,
/// after DNS resolution (a name that resolves to 127.0.0.1 is refused like 127.0.0.1 itself).
/// IPv6 forms that carry an IPv4 address inside them (IPv4-mapped and IPv4-compatible, NAT64, 6to4, Teredo) are
/// judged by the IPv4 address they lead to, so <c>64:ff9b::7f00:1</c> is loopback.
/// </summary>
public static class AddressGuard
{
    /// <summary>True for addresses on the public internet; false for loopback, private, link-local, CGNAT, multicast, documentation and the like.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork) return IsPublicIPv4(address.GetAddressBytes());
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return false;

        var b = address.GetAddressBytes();
        if (address.Equals(IPAddress.IPv6Any) || IPAddress.IsLoopback(address)) return false;
        if (address.IsIPv4MappedToIPv6) return IsPublicIPv4(b.AsSpan(12, 4));
        if (b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0) return IsPublicIPv4(b.AsSpan(12, 4)); // IPv4-compatible ::a.b.c.d (RFC 4291 §2.5.5.1)
        if (StartsWith(b, 0x00, 0x64, 0xff, 0x9b) && b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0)
            return IsPublicIPv4(b.AsSpan(12, 4));                                                    // NAT64 well-known prefix 64:ff9b::/96 (RFC 6052)
        if (StartsWith(b, 0x00, 0x64, 0xff, 0x9b, 0x00, 0x01)) return false;                          // local-use NAT64 64:ff9b:1::/48 (RFC 8215): a site's own translator
        if (StartsWith(b, 0x20, 0x02)) return IsPublicIPv4(b.AsSpan(2, 4));                          // 6to4 2002::/16 (RFC 3056)
        if (StartsWith(b, 0x20, 0x01, 0x00, 0x00))                                                    // Teredo 2001::/32 (RFC 4380): server, and client (inverted)
        {
            Span<byte> client = [(byte)~b[12], (byte)~b[13], (byte)~b[14], (byte)~b[15]];
            return IsPublicIPv4(b.AsSpan(4, 4)) && IsPublicIPv4(client);
        }
        if (StartsWith(b, 0x20, 0x01, 0x0d, 0xb8)) return false;                                      // documentation 2001:db8::/32
        if (StartsWith(b, 0x01, 0x00) && b.AsSpan(2, 6).IndexOfAnyExcept((byte)0) < 0) return false;  // discard-only 100::/64
        if (StartsWith(b, 0x20, 0x01, 0x00) && (b[3] & 0xF0) is 0x10 or 0x20) return false;         // ORCHID 2001:10::/28 and ORCHIDv2 2001:20::/28
        return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
            || (b[0] & 0xFE) == 0xFC);                                                               // unique local fc00::/7
    }

    private static bool IsPublicIPv4(ReadOnlySpan<byte> b) =>
        !(b[0] == 127 || b[0] == 10 || b[0] == 0 || b[0] >= 224                // loopback, private, "this network", multicast and reserved
          || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)                         // private
          || (b[0] == 192 && b[1] == 168)                                      // private
          || (b[0] == 169 && b[1] == 254)                                      // link-local
          || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)                        // carrier-grade NAT
          || (b[0] == 192 && b[1] == 0 && b[2] == 0)                           // IETF protocol assignments
          || (b[0] == 192 && b[1] == 0 && b[2] == 2)                           // documentation TEST-NET-1
          || (b[0] == 198 && b[1] == 51 && b[2] == 100)                        // documentation TEST-NET-2
          || (b[0] == 203 && b[1] == 0 && b[2] == 113)                         // documentation TEST-NET-3
          || (b[0] == 192 && b[1] == 88 && b[2] == 99)                         // 6to4 relay anycast (deprecated)
          || (b[0] == 198 && (b[1] == 18 || b[1] == 19)));                     // benchmarking

    private static bool StartsWith(byte[] bytes, params ReadOnlySpan<byte> prefix) => bytes.AsSpan().StartsWith(prefix);

    /// <summary>The addresses a host name (or address literal) leads to that a connection may go to.</summary>
    public static async Task<IPAddress[]> AllowedAddressesAsync(string host, bool allowPrivate, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = addresses.Where(a => allowPrivate || IsPublic(a)).ToArray();
        if (allowed.Length == 0)
            throw new HttpRequestException($"refusing to connect to {host}: it is not a public address (private networks are not allowed)");
        return allowed;
    }

    /// <summary>
    /// A <see cref="SocketsHttpHandler.ConnectCallback"/> that connects only to public addresses, unless
    /// <paramref name="allowPrivate"/> (development, tests, a compose network). A configured proxy
    /// (<paramref name="proxy"/>) is the one endpoint reached whatever its address: the operator chose it, and
    /// <see cref="TargetGuardHandler"/> then checks each request's own target.
    /// </summary>
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> ConnectCallback(bool allowPrivate, Uri? proxy = null) =>
        async (context, cancellationToken) =>
        {
            var host = context.DnsEndPoint.Host;
            var isProxy = proxy is not null && string.Equals(proxy.Host, host, StringComparison.OrdinalIgnoreCase) && proxy.Port == context.DnsEndPoint.Port;
            var allowed = await AllowedAddressesAsync(host, allowPrivate || isProxy, cancellationToken);
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
}

/// <summary>
/// Checks a request's target host against <see cref="AddressGuard"/> before it is sent, for a client that talks
/// through a proxy: the connection then goes to the proxy, so the connect-time guard cannot see the target. The
/// proxy resolves the name again, and is trusted to resolve it alike.
/// </summary>
public sealed class TargetGuardHandler(bool allowPrivate) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { } uri) await AddressGuard.AllowedAddressesAsync(uri.Host, allowPrivate, cancellationToken);
        return await base.SendAsync(request, cancellationToken);
    }
}
