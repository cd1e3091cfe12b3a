namespace Choreblimey.Webhooks.Testing;

/// <summary>Tells which signature profiles may have signed a request, from the signature headers it carries.</summary>
internal static class WebhookSignatureProfileDetector
{
    /// <summary>
    /// Returns the profiles, in the order given, whose signature header the request carries. Several may share a header
    /// (a host's profile on <c>X-Webhook-Signature</c>, like Jossiedb's): the caller tries them in turn.
    /// </summary>
    public static IReadOnlyList<WebhookSignatureProfile> Detect(IEnumerable<WebhookSignatureProfile> profiles, Func<string, string?> getHeader)
    {
        List<WebhookSignatureProfile>? found = null;
        foreach (var profile in profiles)
        {
            if (getHeader(profile.SignatureHeader) is not null)
            {
                (found ??= []).Add(profile);
            }
        }

        return found ?? [];
    }

    /// <summary>
    /// Orders the profiles a harness recognises: the host's own first (the last registered of a name wins, as in the
    /// library's registry), then the built-ins it did not replace, so a host's profile on a built-in's header is tried first.
    /// </summary>
    public static IReadOnlyList<WebhookSignatureProfile> Order(IEnumerable<WebhookSignatureProfile> registered)
    {
        var byName = new Dictionary<string, WebhookSignatureProfile>(StringComparer.OrdinalIgnoreCase);
        var names = new List<string>();
        foreach (var profile in registered)
        {
            if (!byName.ContainsKey(profile.Name))
            {
                names.Add(profile.Name);
            }

            byName[profile.Name] = profile;
        }

        return [.. names.Select(name => byName[name]), .. WebhookSignatureProfile.BuiltIn.Where(p => !byName.ContainsKey(p.Name))];
    }
}
