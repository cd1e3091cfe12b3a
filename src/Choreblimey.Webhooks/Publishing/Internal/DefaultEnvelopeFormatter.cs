using System.Buffers;

namespace Choreblimey.Webhooks.Publishing.Internal;

/// <summary>The <see cref="WebhookEnvelopeFormats.Default"/> envelope.</summary>
internal sealed class DefaultEnvelopeFormatter : IWebhookEnvelopeFormatter
{
    public string Name => WebhookEnvelopeFormats.Default;

    public void Write(IBufferWriter<byte> output, WebhookMessage message) => WebhookEnvelopeWriter.Write(output, message);
}
