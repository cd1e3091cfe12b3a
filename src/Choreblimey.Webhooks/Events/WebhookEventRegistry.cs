using System.Collections;
using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Choreblimey.Webhooks;

/// <summary>
/// The immutable registry of declared events, built from a snapshot of the <see cref="WebhookEventCatalog"/>.
/// </summary>
internal sealed class WebhookEventRegistry : IWebhookEventRegistry
{
    private readonly WebhookEventDefinition[] _definitions;
    private readonly FrozenDictionary<string, WebhookEventDefinition> _byName;
    private readonly FrozenDictionary<Type, WebhookEventDefinition[]> _byPayloadType;
    private readonly WebhookEventNameMatcher _matcher;

    /// <summary>Initializes a registry from the catalog's current declarations.</summary>
    /// <param name="catalog">The catalog.</param>
    public WebhookEventRegistry(WebhookEventCatalog catalog)
        : this((catalog ?? throw new ArgumentNullException(nameof(catalog))).Snapshot())
    {
    }

    /// <summary>Initializes a registry from definitions in declaration order.</summary>
    /// <param name="definitions">The definitions.</param>
    /// <exception cref="ArgumentException">A definition breaks a rule (see <see cref="WebhookEventCatalog.Add"/>).</exception>
    /// <exception cref="InvalidOperationException">Two definitions share a name.</exception>
    public WebhookEventRegistry(IEnumerable<WebhookEventDefinition> definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        _definitions = [.. definitions];
        var byName = new Dictionary<string, WebhookEventDefinition>(_definitions.Length, StringComparer.Ordinal);
        var byPayloadType = new Dictionary<Type, List<WebhookEventDefinition>>();
        var categories = new List<string>();
        var seenCategories = new HashSet<string>(StringComparer.Ordinal);
        foreach (var definition in _definitions)
        {
            WebhookEventDefinitionRules.Validate(definition, nameof(definitions));
            if (!byName.TryAdd(definition.Name, definition))
            {
                throw new InvalidOperationException(WebhookEventDefinitionRules.DuplicateMessage(byName[definition.Name], definition));
            }

            if (definition.PayloadType is { } payloadType)
            {
                if (!byPayloadType.TryGetValue(payloadType, out var list))
                {
                    byPayloadType[payloadType] = list = [];
                }

                list.Add(definition);
            }

            if (seenCategories.Add(definition.Category))
            {
                categories.Add(definition.Category);
            }
        }

        _byName = byName.ToFrozenDictionary(StringComparer.Ordinal);
        _byPayloadType = byPayloadType.ToFrozenDictionary(static pair => pair.Key, static pair => pair.Value.ToArray());
        Categories = categories.AsReadOnly();
        _matcher = new WebhookEventNameMatcher(_definitions.Select(static d => d.Name));
    }

    /// <inheritdoc />
    public int Count => _definitions.Length;

    /// <inheritdoc />
    public IReadOnlyList<string> Categories { get; }

    /// <inheritdoc />
    public bool TryGetEvent(string eventType, [NotNullWhen(true)] out WebhookEventDefinition? definition)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        return _byName.TryGetValue(eventType, out definition);
    }

    /// <inheritdoc />
    public WebhookEventDefinition GetEvent(string eventType)
    {
        if (TryGetEvent(eventType, out var definition))
        {
            return definition;
        }

        throw new UnknownWebhookEventException(eventType, FindClosestNames(eventType), _definitions.Length > 0);
    }

    /// <inheritdoc />
    public bool TryGetEventForPayload(Type payloadType, [NotNullWhen(true)] out WebhookEventDefinition? definition)
    {
        ArgumentNullException.ThrowIfNull(payloadType);
        if (!_byPayloadType.TryGetValue(payloadType, out var matches))
        {
            definition = null;
            return false;
        }

        if (matches.Length > 1)
        {
            throw new InvalidOperationException(
                $"The payload type '{payloadType.FullName}' is declared by {matches.Length} webhook events ("
                + string.Join(", ", matches.Select(static d => $"'{d.Name}'"))
                + "), so the event cannot be chosen from the payload alone. Publish with an explicit event type.");
        }

        definition = matches[0];
        return true;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> FindClosestNames(string eventType, int maxCount = 3)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        return _matcher.FindClosest(eventType, maxCount);
    }

    /// <inheritdoc />
    public IEnumerator<WebhookEventDefinition> GetEnumerator() => ((IEnumerable<WebhookEventDefinition>)_definitions).GetEnumerator();

    /// <inheritdoc />
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
