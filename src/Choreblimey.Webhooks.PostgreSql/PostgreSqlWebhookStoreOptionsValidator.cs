using Microsoft.Extensions.Options;

namespace Choreblimey.Webhooks.PostgreSql;

/// <summary>Validates <see cref="PostgreSqlWebhookStoreOptions"/>.</summary>
internal sealed class PostgreSqlWebhookStoreOptionsValidator : IValidateOptions<PostgreSqlWebhookStoreOptions>
{
    /// <summary>The longest schema name accepted, leaving room for the notification channel suffix within PostgreSQL's 63-byte names.</summary>
    public const int MaxSchemaLength = 48;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, PostgreSqlWebhookStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = GetFailures(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws when the options are invalid.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public static void ThrowIfInvalid(PostgreSqlWebhookStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = GetFailures(options);
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(PostgreSqlWebhookStoreOptions), failures);
        }
    }

    /// <summary>Returns whether <paramref name="schema"/> is a schema name the store accepts.</summary>
    /// <param name="schema">The name.</param>
    /// <returns><see langword="true"/> when it is a plain lower-case identifier of acceptable length.</returns>
    public static bool IsValidSchema(string? schema) =>
        schema is { Length: > 0 and <= MaxSchemaLength }
        && schema[0] is (>= 'a' and <= 'z') or '_'
        && schema.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_')
        && !schema.StartsWith("pg_", StringComparison.Ordinal);

    /// <summary>Parses the connection string as the store will, so a malformed one fails at start naming the option.</summary>
    private static string? DescribeConnectionStringError(string connectionString)
    {
        if (connectionString.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            || connectionString.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return "PostgreSqlWebhookStoreOptions.ConnectionString is a postgres:// URL; Npgsql reads key=value connection strings " +
                   "(Host=...;Port=...;Database=...;Username=...;Password=...), so convert the URL into that form.";
        }

        try
        {
            _ = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
            return null;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException or InvalidCastException)
        {
            return "PostgreSqlWebhookStoreOptions.ConnectionString is not a valid Npgsql connection string: " + ex.Message;
        }
    }

    private static List<string> GetFailures(PostgreSqlWebhookStoreOptions options)
    {
        var failures = new List<string>();
        var hasConnectionString = !string.IsNullOrWhiteSpace(options.ConnectionString);
        if (hasConnectionString == (options.DataSource is not null))
        {
            failures.Add(hasConnectionString
                ? "Set either PostgreSqlWebhookStoreOptions.ConnectionString or PostgreSqlWebhookStoreOptions.DataSource, not both."
                : "PostgreSqlWebhookStoreOptions needs a ConnectionString or a DataSource.");
        }

        if (hasConnectionString && DescribeConnectionStringError(options.ConnectionString!) is { } error)
        {
            failures.Add(error);
        }

        if (!IsValidSchema(options.Schema))
        {
            failures.Add(
                $"PostgreSqlWebhookStoreOptions.Schema '{options.Schema}' is not valid: use 1 to {MaxSchemaLength} lower-case letters, digits " +
                "and underscores, starting with a letter or underscore and not with 'pg_'.");
        }

        return failures;
    }
}
