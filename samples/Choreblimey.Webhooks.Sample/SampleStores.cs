using Microsoft.Extensions.DependencyInjection;

namespace Choreblimey.Webhooks.Sample;

/// <summary>Chooses the store from the command line; SQLite (durable, embedded) is the default.</summary>
internal static class SampleStores
{
    public static void Use(IWebhooksBuilder webhooks, SampleArguments arguments)
    {
        switch (arguments.Store)
        {
            case "memory":
                webhooks.UseInMemoryStore();
                break;
            case "sqlite":
                var path = SqlitePath(arguments);
                Console.WriteLine($"SQLite store: {path}");
                webhooks.UseSqliteStore(path);
                break;
            case "postgres":
                webhooks.UsePostgreSqlStore(arguments.Connection!);
                break;
        }
    }

    public static string Describe(SampleArguments arguments) => arguments.Store switch
    {
        "sqlite" => $"sqlite ({SqlitePath(arguments)})",
        _ => arguments.Store,
    };

    private static string SqlitePath(SampleArguments arguments)
    {
        if (arguments.Connection is { } connection)
        {
            return connection;
        }

        var root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create);
        if (string.IsNullOrEmpty(root))
        {
            root = Path.GetTempPath();
        }

        var directory = Path.Combine(root, "choreblimey-webhooks-sample");
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, "webhooks.db");
    }
}
