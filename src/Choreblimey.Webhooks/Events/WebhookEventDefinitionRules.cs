namespace Choreblimey.Webhooks;

/// <summary>The checks a definition must pass before it joins a catalog or registry.</summary>
internal static class WebhookEventDefinitionRules
{
    /// <summary>Throws when <paramref name="definition"/> is not acceptable.</summary>
    /// <param name="definition">The definition.</param>
    /// <param name="paramName">The caller's parameter name.</param>
    /// <exception cref="ArgumentNullException">The definition is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The name breaks a naming rule, the category is empty or the version is below 1.</exception>
    public static void Validate(WebhookEventDefinition definition, string paramName)
    {
        ArgumentNullException.ThrowIfNull(definition, paramName);
        WebhookEventName.EnsureValid(definition.Name, paramName);
        if (string.IsNullOrWhiteSpace(definition.Category))
        {
            throw new ArgumentException(
                $"The webhook event '{definition.Name}' has an empty category; every event needs a category such as 'Bookings'.",
                paramName);
        }

        if (definition.Version < 1)
        {
            throw new ArgumentException(
                $"The webhook event '{definition.Name}' has version {definition.Version}; versions start at 1.",
                paramName);
        }
    }

    /// <summary>Builds the message for a name declared more than once.</summary>
    /// <param name="first">The earlier declaration.</param>
    /// <param name="second">The repeated declaration.</param>
    /// <returns>The message.</returns>
    public static string DuplicateMessage(WebhookEventDefinition first, WebhookEventDefinition second) =>
        $"The webhook event '{second.Name}' is declared twice (first in category '{first.Category}', again in category "
        + $"'{second.Category}'). Declare each event name once.";
}
