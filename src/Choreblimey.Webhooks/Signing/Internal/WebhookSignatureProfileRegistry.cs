using System.Collections.Frozen;

namespace Choreblimey.Webhooks.Signing.Internal;

/// <summary>The signature profiles by name: the built-ins, then those the host registered (a later one replaces an earlier one of the same name).</summary>
internal sealed class WebhookSignatureProfileRegistry
{
    private readonly FrozenDictionary<string, WebhookSignatureProfile> _profiles;

    public WebhookSignatureProfileRegistry(IEnumerable<WebhookSignatureProfile> registered)
    {
        var all = new Dictionary<string, WebhookSignatureProfile>(StringComparer.OrdinalIgnoreCase);
        foreach (var profile in (IEnumerable<WebhookSignatureProfile>)[.. WebhookSignatureProfile.BuiltIn, .. registered])
        {
            all[profile.Name] = profile;
        }

        _profiles = all.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        ReservedHeaders = _profiles.Values.SelectMany(p => p.GetHeaderNames()).ToFrozenSet(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Gets every header name some profile sets; custom subscription headers may not use them.</summary>
    public FrozenSet<string> ReservedHeaders { get; }

    public IEnumerable<string> Names => _profiles.Keys;

    public bool Contains(string name) => _profiles.ContainsKey(name);

    /// <summary>Gets a profile by name; Standard Webhooks for <see langword="null"/> or an unknown name (validation keeps unknown names out).</summary>
    public WebhookSignatureProfile Get(string? name) =>
        name is not null && _profiles.TryGetValue(name, out var profile) ? profile : WebhookSignatureProfile.Standard;
}
