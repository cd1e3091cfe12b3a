using System.Globalization;
using Choreblimey.Webhooks.Internal;

namespace Choreblimey.Webhooks.Operations.Internal;

/// <summary>The argument checks the operations API makes before it asks the store.</summary>
internal static class WebhookOperationArguments
{
    /// <summary>Checks a query object's tenant as <see cref="WebhookInputRules.TenantOrDefault"/> does; the query's tenant is required, so it may not be null.</summary>
    public static void EnsureQueryTenant(string? tenantId, string queryType, string paramName)
    {
        if (tenantId is null)
        {
            throw new ArgumentException($"{queryType}.TenantId is null; give {nameof(WebhookTenants)}.{nameof(WebhookTenants.Default)} (\"\") for the default tenant.", paramName);
        }

        WebhookInputRules.EnsureValidTenantId(tenantId, paramName);
    }

    /// <summary>
    /// Refuses a window that ends before it starts: the stores would answer it with zeros, which a dashboard cannot tell
    /// from a quiet period. An empty window (<paramref name="from"/> equal to <paramref name="before"/>) is allowed.
    /// </summary>
    public static void EnsureWindow(DateTimeOffset? from, DateTimeOffset? before, string fromName, string beforeName, string paramName)
    {
        if (from is { } start && before is { } end && start > end)
        {
            throw new ArgumentException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"The window ends before it starts: {fromName} ({start:O}) is later than {beforeName} ({end:O}). {fromName} is the inclusive start and {beforeName} the exclusive end."),
                paramName);
        }
    }
}
