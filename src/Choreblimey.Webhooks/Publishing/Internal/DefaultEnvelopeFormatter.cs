using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;

namespace Choreblimey.Webhooks.Publishing.Internal;

/// <summary>The <see cref="WebhookEnvelopeFormats.Default"/> envelope.</summary>
/// <remarks>
/// Every attempt writes an envelope, so the JSON writers are reused, each one set onto the attempt's output: there are as
/// many as attempts have written at once. Between uses a writer points at an empty buffer of its own, so a pooled writer
/// never keeps an attempt's body alive.
/// </remarks>
internal sealed class DefaultEnvelopeFormatter : IWebhookEnvelopeFormatter
{
    private readonly ConcurrentBag<Utf8JsonWriter> _writers = [];
    private readonly ArrayBufferWriter<byte> _detached = new(1);

    public string Name => WebhookEnvelopeFormats.Default;

    public void Write(IBufferWriter<byte> output, WebhookMessage message)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(message);
        if (!_writers.TryTake(out var writer))
        {
            writer = new Utf8JsonWriter(_detached, WebhookEnvelopeWriter.Options);
        }

        writer.Reset(output);
        try
        {
            WebhookEnvelopeWriter.Write(writer, message);
        }
        finally
        {
            writer.Reset(_detached);
            _writers.Add(writer);
        }
    }
}
