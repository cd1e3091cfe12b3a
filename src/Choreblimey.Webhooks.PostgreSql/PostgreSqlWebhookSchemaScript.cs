namespace Choreblimey.Webhooks.PostgreSql;

/// <summary>
/// The PostgreSQL store's schema as a SQL script, for installing it by hand when the application's database user may not
/// create objects (<see cref="PostgreSqlWebhookStoreOptions.InstallSchema"/> off).
/// </summary>
/// <example>
/// <code>
/// File.WriteAllText("webhooks.sql", PostgreSqlWebhookSchemaScript.Create("webhooks"));   // then: psql -f webhooks.sql
/// </code>
/// </example>
public static class PostgreSqlWebhookSchemaScript
{
    /// <summary>Gets the schema version this build of the store installs and expects.</summary>
    /// <remarks>A property, not a constant, so that a check compiled against it reads the version of the package it runs with.</remarks>
    public static int CurrentVersion => PostgreSqlSchema.CurrentVersion;

    /// <summary>
    /// Gets the script that creates the schema, or upgrades it from <paramref name="installedVersion"/>, in one
    /// transaction: the statements the store runs itself when it installs the schema, each version recorded in the
    /// schema's <c>schema_version</c> table, so a store with <see cref="PostgreSqlWebhookStoreOptions.InstallSchema"/> on
    /// finds it current. An upgrade's version must be the highest one in that table.
    /// </summary>
    /// <param name="schema">The schema name, as in <see cref="PostgreSqlWebhookStoreOptions.Schema"/>.</param>
    /// <param name="installedVersion">The version installed (0 for a database without the schema).</param>
    /// <returns>The SQL script; for the current version, only the schema and version table statements (which change nothing).</returns>
    /// <exception cref="ArgumentException"><paramref name="schema"/> is not a schema name the store accepts.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="installedVersion"/> is below 0 or above <see cref="CurrentVersion"/>.</exception>
    public static string Create(string schema = "webhooks", int installedVersion = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(installedVersion);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(installedVersion, CurrentVersion);
        return new PostgreSqlSchema(schema).CreateScript(installedVersion);
    }
}
