namespace Choreblimey.Webhooks.Publishing.Internal;

/// <summary>The limits on <see cref="WebhookPublishOptions.Attributes"/>.</summary>
internal static class WebhookPublishAttributes
{
    public const int MaxCount = 64;
    public const int MaxNameLength = 128;
    public const int MaxValueLength = 1024;

    public static void EnsureValid(IReadOnlyDictionary<string, string>? attributes, string paramName)
    {
        if (attributes is null)
        {
            return;
        }

        if (attributes.Count > MaxCount)
        {
            throw new ArgumentException($"An event may carry at most {MaxCount} attributes; this one has {attributes.Count}.", paramName);
        }

        foreach (var (name, value) in attributes)
        {
            if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
            {
                throw new ArgumentException($"An attribute name must be 1 to {MaxNameLength} characters.", paramName);
            }

            if (value is null || value.Length > MaxValueLength)
            {
                throw new ArgumentException($"The value of attribute '{name}' must not be null and must be at most {MaxValueLength} characters.", paramName);
            }
        }
    }
}
