using System.Collections.Frozen;

namespace Choreblimey.Webhooks.Publishing.Internal;

/// <summary>The envelope formats by name: the built-ins, then those the host registered (a later one replaces an earlier one of the same name).</summary>
internal sealed class WebhookEnvelopeFormatterRegistry
{
    private readonly FrozenDictionary<string, IWebhookEnvelopeFormatter> _formatters;
    private readonly IWebhookEnvelopeFormatter _default;

    public WebhookEnvelopeFormatterRegistry(IEnumerable<IWebhookEnvelopeFormatter> registered)
    {
        var all = new Dictionary<string, IWebhookEnvelopeFormatter>(StringComparer.OrdinalIgnoreCase);
        foreach (var formatter in (IEnumerable<IWebhookEnvelopeFormatter>)[new DefaultEnvelopeFormatter(), new MakeEnvelopeFormatter(), .. registered])
        {
            all[formatter.Name] = formatter;
        }

        _formatters = all.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _default = _formatters[WebhookEnvelopeFormats.Default];
    }

    public IEnumerable<string> Names => _formatters.Keys;

    public bool Contains(string name) => _formatters.ContainsKey(name);

    /// <summary>Gets a format by name; the default envelope for <see langword="null"/> or an unknown name (validation keeps unknown names out).</summary>
    public IWebhookEnvelopeFormatter Get(string? name) =>
        name is not null && _formatters.TryGetValue(name, out var formatter) ? formatter : _default;
}
