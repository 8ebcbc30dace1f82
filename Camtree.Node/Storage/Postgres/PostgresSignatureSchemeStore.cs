using Camtree.Protocol.Signatures;
using Npgsql;

namespace Camtree.Node.Storage.Postgres;

/// <summary>What each origin accepted (double-knocking), on PostgreSQL: shared by every process of the node.</summary>
public sealed class PostgresSignatureSchemeStore(PostgresDatabase database) : ISignatureSchemeStore
{
    public async Task<(HttpSignatureScheme Scheme, DateTimeOffset AcceptedAt)?> FindAsync(string origin, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenNpgsqlAsync(cancellationToken);
        await using var find = new NpgsqlCommand("SELECT scheme, accepted_at FROM signature_schemes WHERE origin = $1", connection);
        find.Parameters.AddWithValue(origin.ToLowerInvariant());
        await using var reader = await find.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken) || !Enum.TryParse<HttpSignatureScheme>(reader.GetString(0), out var scheme)) return null;
        return (scheme, reader.GetFieldValue<DateTimeOffset>(1));
    }

    public async Task SaveAsync(string origin, HttpSignatureScheme scheme, DateTimeOffset acceptedAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenNpgsqlAsync(cancellationToken);
        await using var save = new NpgsqlCommand("""
            INSERT INTO signature_schemes (origin, scheme, accepted_at) VALUES ($1, $2, $3)
            ON CONFLICT (origin) DO UPDATE SET scheme = excluded.scheme, accepted_at = excluded.accepted_at
            """, connection);
        save.Parameters.AddWithValue(origin.ToLowerInvariant());
        save.Parameters.AddWithValue(scheme.ToString());
        save.Parameters.Add(PgParameters.Time(acceptedAt));
        await save.ExecuteNonQueryAsync(cancellationToken);
    }
}
