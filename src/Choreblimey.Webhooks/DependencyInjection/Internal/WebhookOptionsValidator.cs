using Microsoft.Extensions.Options;

namespace Choreblimey.Webhooks.DependencyInjection.Internal;

/// <summary>The DataAnnotations rules of <see cref="WebhookOptions"/>, checked by a source-generated validator.</summary>
[OptionsValidator]
internal sealed partial class WebhookOptionsValidator : IValidateOptions<WebhookOptions>;
