using Microsoft.Extensions.Options;

namespace Choreblimey.Webhooks.Sqlite.Internal;

/// <summary>Validates <see cref="SqliteWebhookStoreOptions"/> when they are first resolved.</summary>
internal sealed class SqliteWebhookStoreOptionsValidator : IValidateOptions<SqliteWebhookStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, SqliteWebhookStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return SqliteConnectionStrings.Validate(options) is { } error ? ValidateOptionsResult.Fail(error) : ValidateOptionsResult.Success;
    }
}
