using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Camtree.Protocol.Oai;

/// <summary>
/// Where a list stopped (§3.5): the list's arguments and the position after the last record sent. The position is
/// the repository's change sequence, not an offset, so records added or changed while a harvester pages are never
/// skipped or sent twice on the pages already read: a change moves a record past the position.
/// </summary>
public sealed record ResumptionState(OaiVerb Verb, string MetadataPrefix, string? Set, OaiDate? From, OaiDate? Until,
    long After, int Cursor, DateTimeOffset Expires);

/// <summary>
/// Resumption tokens as the repository hands them out: the state, signed with the node's secret (HMAC-SHA256), so a
/// forged or altered token and an expired one are told apart from a good one without storing anything.
/// </summary>
public sealed class ResumptionTokens(byte[] secret)
{
    private const string Version = "1";

    public string Issue(ResumptionState state)
    {
        var fields = string.Join('\n', Version, state.Verb, state.MetadataPrefix, state.Set ?? "", state.From?.ToString() ?? "",
            state.Until?.ToString() ?? "", state.After.ToString(CultureInfo.InvariantCulture), state.Cursor.ToString(CultureInfo.InvariantCulture),
            state.Expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        var payload = Base64Url(Encoding.UTF8.GetBytes(fields));
        return payload + "." + Base64Url(Sign(payload));
    }

    /// <summary>Reads a token; the error says why it is not good (forged, not for this verb, expired).</summary>
    public ResumptionState? Read(string token, OaiVerb verb, DateTimeOffset now, out string? error)
    {
        error = "the resumptionToken was not issued by this repository";
        var dot = token.IndexOf('.');
        if (dot <= 0) return null;
        var payload = token[..dot];
        byte[] signature, expected = Sign(payload);
        try
        {
            signature = FromBase64Url(token[(dot + 1)..]);
        }
        catch (FormatException)
        {
            return null;
        }
        if (!CryptographicOperations.FixedTimeEquals(signature, expected)) return null;

        var fields = Encoding.UTF8.GetString(FromBase64Url(payload)).Split('\n');
        if (fields.Length != 9 || fields[0] != Version || !Enum.TryParse<OaiVerb>(fields[1], out var tokenVerb)) return null;
        if (tokenVerb != verb)
        {
            error = $"the resumptionToken continues a {tokenVerb} list, not {verb}";
            return null;
        }
        var expires = DateTimeOffset.FromUnixTimeSeconds(long.Parse(fields[8], CultureInfo.InvariantCulture));
        if (now > expires)
        {
            error = $"the resumptionToken expired at {OaiDate.Format(expires)}: start the list again";
            return null;
        }
        error = null;
        return new ResumptionState(tokenVerb, fields[2], Empty(fields[3]), Date(fields[4]), Date(fields[5]),
            long.Parse(fields[6], CultureInfo.InvariantCulture), int.Parse(fields[7], CultureInfo.InvariantCulture), expires);
    }

    private byte[] Sign(string payload) => HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(payload))[..16];

    private static string? Empty(string text) => text.Length == 0 ? null : text;

    private static OaiDate? Date(string text) => OaiDate.TryParse(text, out var date) ? date : null;

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += (padded.Length % 4) switch { 2 => "==", 3 => "=", 0 => "", _ => throw new FormatException("not base64url") };
        return Convert.FromBase64String(padded);
    }
}
