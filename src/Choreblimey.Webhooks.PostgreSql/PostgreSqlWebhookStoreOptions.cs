using Npgsql;

namespace Choreblimey.Webhooks.PostgreSql;

/// <summary>Options for the PostgreSQL webhook store.</summary>
/// <remarks>Set exactly one of <see cref="ConnectionString"/> and <see cref="DataSource"/>.</remarks>
public sealed class PostgreSqlWebhookStoreOptions
{
    /// <summary>
    /// Gets or sets the connection string. The store builds (and disposes) its own <see cref="NpgsqlDataSource"/> from it.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Gets or sets a data source owned by the host. The store uses it but never disposes it.
    /// </summary>
    public NpgsqlDataSource? DataSource { get; set; }

    /// <summary>
    /// Gets or sets the schema that holds the store's tables: lower-case letters, digits and underscores, starting with a
    /// letter or underscore, at most 48 characters. The default value is <c>webhooks</c>.
    /// </summary>
    public string Schema { get; set; } = "webhooks";

    /// <summary>
    /// Gets or sets whether the store creates or upgrades its schema on first use. Turn it off when the application's
    /// database user may not create objects and the schema is installed by other means. The default value is <see langword="true"/>.
    /// </summary>
    public bool InstallSchema { get; set; } = true;

    /// <summary>
    /// Gets or sets whether writes that make deliveries due send a <c>NOTIFY</c> so idle workers of other instances wake at
    /// once instead of at their next poll. The default value is <see langword="true"/>.
    /// </summary>
    public bool UseNotifications { get; set; } = true;

    /// <summary>
    /// Gets or sets whether the store prepares its hot statements (claims, batched publishes, attempt records and lease
    /// releases) on the server, so each connection parses and plans them once instead of on every call. Turn it off when
    /// the store connects through a pooler that does not keep protocol-level prepared statements (PgBouncer before 1.21,
    /// or later without <c>max_prepared_statements</c>, in transaction mode); the store then reports such a pooler's
    /// "prepared statement does not exist" error as an <see cref="InvalidOperationException"/> that names this option.
    /// The default value is <see langword="true"/>.
    /// </summary>
    public bool PrepareStatements { get; set; } = true;
}
