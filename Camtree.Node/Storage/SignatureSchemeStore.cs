using Camtree.Protocol.Signatures;
using Dapper;

namespace Camtree.Node.Storage;

/// <summary>The database behind <see cref="SignatureSchemes"/>: what each origin accepted, shared by the node's processes.</summary>
public sealed class SignatureSchemeStore(Database database) : ISignatureSchemeStore
{
    public async Task<(HttpSignatureScheme Scheme, DateTimeOffset AcceptedAt)?> FindAsync(string origin, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<(string Scheme, string AcceptedAt)>(
            "SELECT scheme, accepted_at FROM signature_schemes WHERE origin = @origin", new { origin = origin.ToLowerInvariant() });
        if (row.Scheme is null || !Enum.TryParse<HttpSignatureScheme>(row.Scheme, out var scheme)) return null;
        return (scheme, DateTimeOffset.Parse(row.AcceptedAt, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal));
    }

    public async Task SaveAsync(string origin, HttpSignatureScheme scheme, DateTimeOffset acceptedAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync("""
            INSERT INTO signature_schemes (origin, scheme, accepted_at) VALUES (@origin, @scheme, @acceptedAt)
            ON CONFLICT (origin) DO UPDATE SET scheme = excluded.scheme, accepted_at = excluded.accepted_at
            """, new { origin = origin.ToLowerInvariant(), scheme = scheme.ToString(), acceptedAt });
    }
}
