namespace Choreblimey.Webhooks;

/// <summary>
/// The mutable, thread-safe list of event definitions collected while the host configures the library.
/// </summary>
internal sealed class WebhookEventCatalog
{
    private readonly Lock _gate = new();
    private readonly List<WebhookEventDefinition> _definitions = [];
    private readonly Dictionary<string, WebhookEventDefinition> _byName = new(StringComparer.Ordinal);

    /// <summary>Gets the number of declared events.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _definitions.Count;
            }
        }
    }

    /// <summary>Declares an event.</summary>
    /// <param name="definition">The definition.</param>
    /// <exception cref="ArgumentException">The name breaks a naming rule, the category is empty or the version is below 1.</exception>
    /// <exception cref="InvalidOperationException">An event with the same name is already declared.</exception>
    public void Add(WebhookEventDefinition definition)
    {
        WebhookEventDefinitionRules.Validate(definition, nameof(definition));
        lock (_gate)
        {
            if (_byName.TryGetValue(definition.Name, out var existing))
            {
                throw new InvalidOperationException(WebhookEventDefinitionRules.DuplicateMessage(existing, definition));
            }

            _byName.Add(definition.Name, definition);
            _definitions.Add(definition);
        }
    }

    /// <summary>Determines whether an event with the given name is declared.</summary>
    /// <param name="name">The event name.</param>
    /// <returns><see langword="true"/> when declared.</returns>
    public bool Contains(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_gate)
        {
            return _byName.ContainsKey(name);
        }
    }

    /// <summary>Copies the declared definitions, in declaration order.</summary>
    /// <returns>A copy that later additions do not change.</returns>
    public IReadOnlyList<WebhookEventDefinition> Snapshot()
    {
        lock (_gate)
        {
            return [.. _definitions];
        }
    }
}
