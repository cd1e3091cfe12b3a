using System.Text.Json;
using System.Text.Json.Serialization;

namespace Choreblimey.Webhooks.Storage.Internal;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(WebhookSubscriptionJson.SubscriptionDocument))]
internal sealed partial class SubscriptionJsonContext : JsonSerializerContext;
