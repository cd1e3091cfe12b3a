using System.Text.Json;

namespace Choreblimey.Webhooks.Publishing.Internal;

/// <summary>
/// The serialiser options payloads are written with: the host's <see cref="WebhookOptions.JsonSerializerOptions"/>, with
/// the nesting limit lowered by one when the host left it at its default. The envelope puts the payload one level down, so
/// a payload at the serialiser's default limit of 64 would reach the receiver 65 levels deep, past what System.Text.Json
/// and most parsers read by default. A limit the host set itself is kept as it is.
/// </summary>
internal sealed class WebhookPayloadSerializerOptions
{
    /// <summary>The deepest payload published when the host did not set a limit.</summary>
    public const int DefaultMaxDepth = 63;

    // One reference, swapped whole, so concurrent publishers never see a source paired with another source's options.
    private Tuple<JsonSerializerOptions, JsonSerializerOptions>? _cached;

    /// <summary>Gets the options for <paramref name="source"/>, derived once per options instance.</summary>
    public JsonSerializerOptions For(JsonSerializerOptions source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (Volatile.Read(ref _cached) is { } cached && ReferenceEquals(cached.Item1, source))
        {
            return cached.Item2;
        }

        var effective = source.MaxDepth != 0 ? source : new JsonSerializerOptions(source) { MaxDepth = DefaultMaxDepth };
        Volatile.Write(ref _cached, Tuple.Create(source, effective));
        return effective;
    }
}
