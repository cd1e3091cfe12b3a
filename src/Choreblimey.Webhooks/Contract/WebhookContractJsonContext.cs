using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Choreblimey.Webhooks;

/// <summary>Source-generated serialisation of the contract's JSON nodes.</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(JsonNode))]
internal sealed partial class WebhookContractJsonContext : JsonSerializerContext;
