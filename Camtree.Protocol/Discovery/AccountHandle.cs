namespace Camtree.Protocol.Discovery;

/// <summary>
/// A fediverse handle <c>user@host</c> (host may carry a port), as typed by people (<c>@user@host</c>)
/// or written as an <c>acct:</c> URI (RFC 7565).
/// </summary>
public sealed record AccountHandle(string User, string Host)
{
    /// <summary>The <c>acct:</c> URI WebFinger is asked about.</summary>
    public string AcctUri => $"acct:{User}@{Host}";

    public override string ToString() => $"@{User}@{Host}";

    /// <summary>Parses <c>@user@host</c>, <c>user@host</c> or <c>acct:user@host</c>.</summary>
    public static bool TryParse(string? text, out AccountHandle handle)
    {
        handle = null!;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var value = text.Trim();
        if (value.StartsWith("acct:", StringComparison.OrdinalIgnoreCase)) value = value[5..];
        if (value.StartsWith('@')) value = value[1..];
        var at = value.IndexOf('@');
        if (at <= 0 || at == value.Length - 1 || value.IndexOf('@', at + 1) >= 0) return false;
        var user = value[..at];
        var host = value[(at + 1)..].ToLowerInvariant();
        if (user.Any(c => char.IsWhiteSpace(c) || c is '/' or '?' or '#')) return false;
        if (Uri.CheckHostName(host.Split(':')[0]) == UriHostNameType.Unknown) return false;
        handle = new AccountHandle(user, host);
        return true;
    }
}
