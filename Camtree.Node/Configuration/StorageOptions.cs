namespace Camtree.Node.Configuration;

/// <summary>Which database the node keeps its data in (<c>Camtree:Storage:*</c>).</summary>
public sealed class StorageOptions
{
    /// <summary>
    /// <c>Sqlite</c> (the default: one file in <see cref="NodeOptions.DataDirectory"/>, one process), or <c>Postgres</c>
    /// (<see cref="ConnectionString"/>; several processes of the node can share it).
    /// </summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>The PostgreSQL connection string (Npgsql's form: <c>Host=…;Database=…;Username=…;Password=…</c>).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// How long a claimed delivery is held before another slot or process may send it (<see cref="Storage.DeliveryLease"/>):
    /// how long the deliveries a killed process had in flight wait. At least twice a delivery's timeout
    /// (<see cref="NodeOptions.DeliveryLease"/>), so that a claim never lapses while its delivery runs.
    /// </summary>
    public double DeliveryLeaseSeconds { get; set; } = Storage.DeliveryLease.Length.TotalSeconds;
}

public enum StorageProvider { Sqlite, Postgres }
