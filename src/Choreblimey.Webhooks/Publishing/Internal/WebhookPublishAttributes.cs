using System.Globalization;

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
                throw new ArgumentException(
                    string.IsNullOrEmpty(name)
                        ? "An attribute name must not be empty."
                        : string.Create(CultureInfo.InvariantCulture, $"The attribute name '{name[..32]}…' is {name.Length} characters long; an attribute name may have at most {MaxNameLength}."),
                    paramName);
            }

            if (value is null)
            {
                throw new ArgumentException($"The value of attribute '{name}' is null; leave the attribute out instead.", paramName);
            }

            if (value.Length > MaxValueLength)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"The value of attribute '{name}' is {value.Length} characters long; an attribute value may have at most {MaxValueLength}."),
                    paramName);
            }
        }
    }
}
