using System.Net;
using System.Net.Sockets;

namespace Camtree.Protocol.Discovery;

/// <summary>
/// Keeps a node from being used to reach its own network (SSRF): other servers name the URLs a node fetches
/// (actor ids, key ids, inboxes), so every connection is checked against the address it really goes to,
/// after DNS resolution (a name that resolves to 127.0.0.1 is refused like 127.0.0.1 itself).
/// </summary>
public static class AddressGuard
{
    /// <summary>True for addresses on the public internet; false for loopback, private, link-local, CGNAT, multicast and the like.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)) return false;
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] == 10 || b[0] == 0 || b[0] >= 224                  // private, "this network", multicast and reserved
                || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)                  // private
                || (b[0] == 192 && b[1] == 168)                               // private
                || (b[0] == 169 && b[1] == 254)                               // link-local
                || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)                 // carrier-grade NAT
                || (b[0] == 192 && b[1] == 0 && b[2] == 0)                    // IETF protocol assignments
                || (b[0] == 198 && (b[1] == 18 || b[1] == 19)));              // benchmarking
        }
        return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
            || (address.GetAddressBytes()[0] & 0xFE) == 0xFC);                // unique local fc00::/7
    }

    /// <summary>
    /// A <see cref="SocketsHttpHandler.ConnectCallback"/> that connects only to public addresses, unless
    /// <paramref name="allowPrivate"/> (development, tests, a compose network).
    /// </summary>
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> ConnectCallback(bool allowPrivate) =>
        async (context, cancellationToken) =>
        {
            var host = context.DnsEndPoint.Host;
            var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
            var allowed = addresses.Where(a => allowPrivate || IsPublic(a)).ToList();
            if (allowed.Count == 0)
                throw new HttpRequestException($"refusing to connect to {host}: it is not a public address (private networks are not allowed)");

            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed.ToArray(), context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
}
