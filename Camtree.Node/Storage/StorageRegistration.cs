using Camtree.Node.Configuration;
using Camtree.Node.Storage.Postgres;
using Microsoft.Extensions.Options;

namespace Camtree.Node.Storage;

/// <summary>
/// The one place the database is chosen (<c>Camtree:Storage:Provider</c>). The stores written in SQL both databases
/// speak take <see cref="Database"/>; each store that differs has an interface with one implementation per database,
/// registered here (ADR 0008).
/// </summary>
public static class StorageRegistration
{
    public static IServiceCollection AddCamtreeDatabase(this IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            var options = Options(sp);
            if (options.Storage.Provider != StorageProvider.Sqlite)
                throw new InvalidOperationException($"the node keeps its data in {options.Storage.Provider}: nothing here may use SQLite");
            Directory.CreateDirectory(Path.GetDirectoryName(options.DatabasePath)!);
            return new SqliteDatabase(options.DatabasePath);
        });
        services.AddSingleton(sp =>
        {
            var options = Options(sp);
            if (options.Storage.Provider != StorageProvider.Postgres)
                throw new InvalidOperationException("the node keeps its data in SQLite: nothing here may use PostgreSQL");
            if (string.IsNullOrWhiteSpace(options.Storage.ConnectionString))
                throw new InvalidOperationException("Camtree:Storage:ConnectionString: give the PostgreSQL connection string (Provider is Postgres)");
            return new PostgresDatabase(options.Storage.ConnectionString);
        });
        services.AddSingleton<Database>(sp => IsPostgres(sp) ? sp.GetRequiredService<PostgresDatabase>() : sp.GetRequiredService<SqliteDatabase>());

        services.AddDialect<IInboxStore, InboxStore, PostgresInboxStore>();
        services.AddDialect<IHostHealthStore, HostHealthStore, PostgresHostHealthStore>();
        services.AddDialect<IDeliveryQueue, SqliteDeliveryQueue, PostgresDeliveryQueue>();
        services.AddDialect<ISubscriptionStore, SubscriptionStore, PostgresSubscriptionStore>();
        services.AddDialect<Protocol.Signatures.ISignatureSchemeStore, SignatureSchemeStore, PostgresSignatureSchemeStore>();
        services.AddDialect<ISearchIndex, SearchIndex, PostgresSearchIndex>();
        services.AddDialect<IJobLock, ProcessJobLock, PostgresJobLock>();

        // Several processes wake each other's workers through PostgreSQL (LISTEN/NOTIFY); SQLite's one process needs no one told.
        services.AddSingleton<PostgresWakeups>();
        services.AddSingleton<Jobs.IWorkBroadcast>(sp => IsPostgres(sp) ? sp.GetRequiredService<PostgresWakeups>() : new Jobs.ThisProcessOnly());
        services.AddSingleton<IHostedService>(sp => IsPostgres(sp) ? sp.GetRequiredService<PostgresWakeups>() : new Jobs.NothingToListenFor());
        return services;
    }

    /// <summary>Registers both implementations of a store, and the interface as the one of the database chosen.</summary>
    private static void AddDialect<TService, TSqlite, TPostgres>(this IServiceCollection services)
        where TService : class where TSqlite : class, TService where TPostgres : class, TService
    {
        services.AddSingleton<TSqlite>();
        services.AddSingleton<TPostgres>();
        services.AddSingleton<TService>(sp => IsPostgres(sp) ? sp.GetRequiredService<TPostgres>() : sp.GetRequiredService<TSqlite>());
    }

    private static bool IsPostgres(IServiceProvider services) => Options(services).Storage.Provider == StorageProvider.Postgres;

    private static NodeOptions Options(IServiceProvider services) => services.GetRequiredService<IOptions<NodeOptions>>().Value;
}
