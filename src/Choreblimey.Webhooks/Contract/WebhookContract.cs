namespace Choreblimey.Webhooks;

/// <summary>
/// What a partner needs to receive a host's webhooks: every event with its payload schema and an example, and the headers
/// a receiver must verify. Built by <see cref="WebhookContractExporter"/>.
/// </summary>
public sealed record WebhookContract
{
    /// <summary>Gets the title, usually the host's name.</summary>
    public required string Title { get; init; }

    /// <summary>Gets the events, in declaration order.</summary>
    public required IReadOnlyList<WebhookEventContract> Events { get; init; }

    /// <summary>Gets the headers every delivery carries and a receiver must verify.</summary>
    public required IReadOnlyList<WebhookContractHeader> Headers { get; init; }

    /// <summary>Gets the envelope the bodies use: <see cref="WebhookEnvelopeFormats.Default"/> or <see cref="WebhookEnvelopeFormats.Make"/>.</summary>
    public string Envelope { get; init; } = WebhookEnvelopeFormats.Default;

    /// <summary>Writes the contract as indented JSON.</summary>
    /// <returns>The JSON document.</returns>
    public string ToJson() => WebhookContractJsonWriter.Write(this);

    /// <summary>Writes the contract as Markdown for partners to read.</summary>
    /// <returns>The Markdown document.</returns>
    public string ToMarkdown() => WebhookContractMarkdownWriter.Write(this);
}
