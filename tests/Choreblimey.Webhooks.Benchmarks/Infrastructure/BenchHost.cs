using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Choreblimey.Webhooks.Benchmarks.Infrastructure;

/// <summary>Builds a host with webhooks on one store, the way an application would (AddWebhooks + AllowLoopback + a store).</summary>
internal static class BenchHost
{
    public static IHost Build(StoreKind store, string? connection, Action<WebhookOptions>? configure = null, Action<IHttpClientBuilder>? http = null, bool sqliteFlushWorkerWrites = true)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var webhooks = builder.Services.AddWebhooks(options => configure?.Invoke(options));
        webhooks.AllowLoopback();
        if (http is not null)
        {
            webhooks.ConfigureHttpClient(http);
        }

        webhooks.AddEvent(BenchData.EventType, "Bench", "A benchmark event.");
        webhooks.AddEvent(BenchData.OtherEventType, "Bench", "An event nobody in the benchmark subscribes to.");
        switch (store)
        {
            case StoreKind.Memory:
                webhooks.UseInMemoryStore();
                break;
            case StoreKind.Sqlite:
                webhooks.UseSqliteStore(o =>
                {
                    o.ConnectionString = connection ?? throw new ArgumentNullException(nameof(connection));
                    o.Synchronous = Sqlite.SqliteSynchronousMode.Full;
                    o.FlushWorkerWrites = sqliteFlushWorkerWrites;
                });
                break;
            case StoreKind.PostgreSql:
                webhooks.UsePostgreSqlStore(connection ?? throw new ArgumentNullException(nameof(connection)));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(store));
        }

        return builder.Build();
    }

    public static string NewSqlitePath() =>
        Path.Combine(Path.GetTempPath(), "choreblimey-bench-" + Guid.NewGuid().ToString("N")[..12] + ".db");

    public static void DeleteSqlite(string path)
    {
        foreach (var file in new[] { path, path + "-wal", path + "-shm", path + "-journal" })
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
            }
        }
    }
}
