using System.Globalization;

namespace Choreblimey.Webhooks.Operations.Internal;

/// <summary>The argument checks the operations API makes before it asks the store.</summary>
internal static class WebhookOperationArguments
{
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
