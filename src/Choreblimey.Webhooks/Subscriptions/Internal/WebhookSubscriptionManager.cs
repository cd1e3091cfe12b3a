using Choreblimey.Webhooks.Delivery.Internal;
using Choreblimey.Webhooks.Internal;
using Choreblimey.Webhooks.Operations.Internal;
using Choreblimey.Webhooks.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Choreblimey.Webhooks.Subscriptions.Internal;

/// <summary>
/// Validates requests, stores subscriptions, and keeps the routing cache in step. Every operation reads the subscription
/// through the tenant-scoped store API first, so another tenant's subscription is indistinguishable from a missing one.
/// </summary>
internal sealed class WebhookSubscriptionManager(
    IWebhookStore store,
    WebhookSubscriptionValidator validator,
    WebhookSubscriptionRouter router,
    WebhookIdGenerator ids,
    WebhookSubscriptionActivator activator,
    WebhookEndpointRegistry endpoints,
    WebhookTransportInspector transport,
    IServiceProvider services,
    TimeProvider timeProvider,
    IOptionsMonitor<WebhookOptions> options,
    ILogger<WebhookSubscriptionManager> logger) : IWebhookSubscriptionManager
{
    /// <summary>Keeps at most this many secrets (the newest), however often a subscription is rotated within one window.</summary>
    public const int MaxSecrets = 8;

    public ValueTask<WebhookSubscription> CreateAsync(string? tenantId, WebhookSubscriptionRequest request, CancellationToken cancellationToken = default) =>
        CreateAsync(tenantId, ids.NewSubscriptionId(), request, cancellationToken);

    /// <summary>Creates a subscription with a chosen id (used for endpoints from configuration).</summary>
    public async ValueTask<WebhookSubscription> CreateAsync(string? tenantId, string subscriptionId, WebhookSubscriptionRequest request, CancellationToken cancellationToken)
    {
        var subscription = Build(WebhookInputRules.TenantOrDefault(tenantId, nameof(tenantId)), subscriptionId, request);
        await store.CreateSubscriptionAsync(subscription, cancellationToken).ConfigureAwait(false);
        router.Invalidate(subscription.TenantId);
        return subscription;
    }

    /// <summary>
    /// Creates or replaces the subscription <paramref name="subscriptionId"/> so that it has the settings of
    /// <paramref name="request"/> (used for endpoints from configuration; idempotent). Its state is kept. A changed secret is
    /// rotated in with the default window; no secret keeps the stored one.
    /// </summary>
    public async ValueTask<WebhookSubscription> UpsertAsync(string? tenantId, string subscriptionId, WebhookSubscriptionRequest request, CancellationToken cancellationToken)
    {
        var tenant = WebhookInputRules.TenantOrDefault(tenantId, nameof(tenantId));
        var desired = Build(tenant, subscriptionId, request);
        for (var attempt = 0; ; attempt++)
        {
            var existing = await store.GetSubscriptionAsync(tenant, subscriptionId, cancellationToken).ConfigureAwait(false);
            if (existing is null)
            {
                try
                {
                    await store.CreateSubscriptionAsync(desired, cancellationToken).ConfigureAwait(false);
                    router.Invalidate(tenant);
                    return desired;
                }
                catch (Exception exception) when (attempt == 0 && exception is not OperationCanceledException)
                {
                    // Another instance created it first; read it back and update it instead.
                    continue;
                }
            }

            var now = timeProvider.GetUtcNow();
            var secrets = request.Secret is null || existing.Secrets.Count > 0 && existing.Secrets[0].Secret.Equals(desired.Secrets[0].Secret)
                ? PruneSecrets(existing.Secrets, now)
                : Rotate(existing.Secrets, desired.Secrets[0].Secret, options.CurrentValue.SecretRotationWindow, now);
            var updated = desired with
            {
                Secrets = secrets,
                State = existing.State,
                DisabledReason = existing.DisabledReason,
                CreatedAt = existing.CreatedAt,
                UpdatedAt = existing.UpdatedAt,
            };
            if (SameSettings(existing, updated))
            {
                return existing;
            }

            updated = updated with { UpdatedAt = WebhookSubscriptionWriter.NextUpdatedAt(existing.UpdatedAt, now) };
            if (await store.UpdateSubscriptionIfUnchangedAsync(updated, existing.UpdatedAt, cancellationToken).ConfigureAwait(false) == WebhookSubscriptionUpdateResult.Updated)
            {
                router.Invalidate(tenant);
                return updated;
            }

            // Changed or deleted since it was read: read it again (and create it if it is gone).
            if (attempt + 1 >= WebhookSubscriptionWriter.MaxAttempts)
            {
                throw new InvalidOperationException($"The webhook subscription '{subscriptionId}' could not be stored: it was changed or deleted by another writer on each of {WebhookSubscriptionWriter.MaxAttempts} tries.");
            }
        }
    }

    public ValueTask<WebhookSubscription?> GetAsync(string? tenantId, string subscriptionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        return store.GetSubscriptionAsync(WebhookInputRules.TenantOrDefault(tenantId, nameof(tenantId)), subscriptionId, cancellationToken);
    }

    public ValueTask<WebhookPage<WebhookSubscription>> ListAsync(string? tenantId, WebhookSubscriptionQuery? query = null, CancellationToken cancellationToken = default) =>
        store.ListSubscriptionsAsync(WebhookInputRules.TenantOrDefault(tenantId, nameof(tenantId)), query ?? new WebhookSubscriptionQuery(), cancellationToken);

    public async ValueTask<WebhookSubscription?> UpdateAsync(string? tenantId, string subscriptionId, WebhookSubscriptionUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        return await ChangeAsync(tenantId, subscriptionId, (current, now) =>
        {
            var changed = current with
            {
                Url = update.Url is null ? current.Url : ValidateUrl(update.Url),
                EventPatterns = update.EventTypes is null ? current.EventPatterns : validator.ValidatePatterns(update.EventTypes),
                Description = update.Description is null ? current.Description : EmptyToNull(update.Description),
                MaxAttempts = update.MaxAttempts is null ? current.MaxAttempts : update.MaxAttempts == 0 ? null : update.MaxAttempts,
                RetrySchedule = update.RetrySchedule is null ? current.RetrySchedule : update.RetrySchedule.Count == 0 ? null : [.. update.RetrySchedule],
                Timeout = update.Timeout is null ? current.Timeout : update.Timeout == TimeSpan.Zero ? null : update.Timeout,
                Headers = update.Headers is null ? current.Headers : update.Headers.Count == 0 ? null : Copy(update.Headers),
                Metadata = update.Metadata is null ? current.Metadata : update.Metadata.Count == 0 ? null : Copy(update.Metadata),
                Filters = update.Filters is null ? current.Filters : update.Filters.Count == 0 ? null : [.. update.Filters],
                RateLimitPerSecond = update.RateLimitPerSecond is null ? current.RateLimitPerSecond : update.RateLimitPerSecond == 0 ? null : update.RateLimitPerSecond,
                SignatureProfile = update.SignatureProfile is null ? current.SignatureProfile : SignatureProfileOrDefault(EmptyToNull(update.SignatureProfile)),
                Envelope = update.Envelope is null ? current.Envelope : EmptyToNull(update.Envelope),
                Secrets = PruneSecrets(current.Secrets, now),
            };
            Validate(changed);
            return changed;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<bool> DeleteAsync(string? tenantId, string subscriptionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        var tenant = WebhookInputRules.TenantOrDefault(tenantId, nameof(tenantId));
        var deleted = await store.DeleteSubscriptionAsync(tenant, subscriptionId, cancellationToken).ConfigureAwait(false);
        router.Invalidate(tenant);
        if (deleted)
        {
            // Nothing is sent to it again: its circuit breaker and failure streak would only grow memory as subscriptions
            // come and go. Only when this tenant's subscription was deleted: they are keyed by id alone. Its destination
            // URL's state stays (other subscriptions may send there) until the idle sweep drops it. The observer is
            // resolved here, not injected, because a host's notifiers (which it takes) may themselves need this manager.
            endpoints.Remove(subscriptionId);
            services.GetService<WebhookDeliveryObserver>()?.Forget(subscriptionId);
        }

        return deleted;
    }

    public async ValueTask<WebhookSubscription?> PauseAsync(string? tenantId, string subscriptionId, CancellationToken cancellationToken = default) =>
        // A disabled subscription keeps its DisabledReason: pausing is the owner's "stop routing events to it", not a
        // verdict on the endpoint, so the record of why the library or an operator disabled it stays until it is resumed
        // or enabled. Pausing a paused one changes nothing (no new UpdatedAt, no routing cache reload).
        await ChangeAsync(
            tenantId,
            subscriptionId,
            static (current, _) => current.State == WebhookSubscriptionState.Paused ? null : current with { State = WebhookSubscriptionState.Paused },
            cancellationToken).ConfigureAwait(false);

    public async ValueTask<WebhookSubscription?> ResumeAsync(string? tenantId, string subscriptionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        var (change, requeued) = await activator.ActivateAsync(WebhookInputRules.TenantOrDefault(tenantId, nameof(tenantId)), subscriptionId, cancellationToken).ConfigureAwait(false);
        if (change.Written)
        {
            WebhookRoutingLog.Resumed(logger, subscriptionId, requeued);
        }

        return change.Subscription;
    }

    public async ValueTask<WebhookSubscription?> RotateSecretAsync(
        string? tenantId, string subscriptionId, string? newSecret = null, TimeSpan? window = null, CancellationToken cancellationToken = default)
    {
        var secret = newSecret is null ? null : WebhookSubscriptionValidator.ParseSecret(newSecret);
        var overlap = window ?? options.CurrentValue.SecretRotationWindow;
        if (overlap < TimeSpan.Zero || overlap > TimeSpan.FromDays(30))
        {
            throw new WebhookValidationException("window", $"The rotation window must be between 0 and 30 days; it is {overlap}.", null);
        }

        return await ChangeAsync(tenantId, subscriptionId, (current, now) => current with
        {
            Secrets = Rotate(current.Secrets, secret ?? validator.NewSecret(current.SignatureProfile), overlap, now),
        }, cancellationToken).ConfigureAwait(false);
    }

    internal static IReadOnlyList<WebhookSigningSecret> Rotate(IReadOnlyList<WebhookSigningSecret> secrets, WebhookSecret newSecret, TimeSpan window, DateTimeOffset now)
    {
        var until = now + window;
        var result = new List<WebhookSigningSecret>(Math.Min(secrets.Count + 1, MaxSecrets)) { new(newSecret) };
        foreach (var old in secrets)
        {
            if (result.Count == MaxSecrets)
            {
                break;
            }

            if (!old.IsValidAt(now) || window == TimeSpan.Zero || old.Secret.Equals(newSecret))
            {
                continue;
            }

            result.Add(old with { ExpiresAt = old.ExpiresAt is { } expires && expires < until ? expires : until });
        }

        return result;
    }

    internal static IReadOnlyList<WebhookSigningSecret> PruneSecrets(IReadOnlyList<WebhookSigningSecret> secrets, DateTimeOffset now)
    {
        foreach (var secret in secrets)
        {
            if (!secret.IsValidAt(now))
            {
                return [.. secrets.Where(s => s.IsValidAt(now))];
            }
        }

        return secrets;
    }

    /// <summary>Writes the change and reloads the tenant's routing.</summary>
    private async ValueTask<WebhookSubscription?> ChangeAsync(
        string? tenantId, string subscriptionId, Func<WebhookSubscription, DateTimeOffset, WebhookSubscription?> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscriptionId);
        var tenant = WebhookInputRules.TenantOrDefault(tenantId, nameof(tenantId));
        var result = await WebhookSubscriptionWriter.ChangeAsync(store, timeProvider, tenant, subscriptionId, change, cancellationToken).ConfigureAwait(false);
        if (result.Written)
        {
            router.Invalidate(tenant);
        }

        return result.Subscription;
    }

    private WebhookSubscription Build(string tenant, string subscriptionId, WebhookSubscriptionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(subscriptionId);
        var url = ValidateUrl(request.Url);
        var patterns = validator.ValidatePatterns(request.EventTypes);
        WebhookSubscriptionValidator.ValidateSettings(request);
        var signatureProfile = SignatureProfileOrDefault(request.SignatureProfile);
        validator.ValidateRouting(request.Filters, request.RateLimitPerSecond, signatureProfile, request.Envelope, request.Headers);
        var secret = validator.ValidateSecret(request.Secret, signatureProfile);

        var now = timeProvider.GetUtcNow();
        return new WebhookSubscription
        {
            Id = subscriptionId,
            TenantId = tenant,
            Url = url,
            EventPatterns = patterns,
            Secrets = [new WebhookSigningSecret(secret)],
            Description = request.Description,
            MaxAttempts = request.MaxAttempts,
            RetrySchedule = request.RetrySchedule is null ? null : [.. request.RetrySchedule],
            Timeout = request.Timeout,
            Headers = request.Headers is null ? null : Copy(request.Headers),
            Metadata = request.Metadata is null ? null : Copy(request.Metadata),
            Filters = request.Filters is { Count: > 0 } filters ? [.. filters] : null,
            RateLimitPerSecond = request.RateLimitPerSecond,
            SignatureProfile = signatureProfile,
            Envelope = request.Envelope,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    private void Validate(WebhookSubscription subscription)
    {
        WebhookSubscriptionValidator.ValidateSettings(new WebhookSubscriptionRequest
        {
            Url = subscription.Url.OriginalString,
            EventTypes = subscription.EventPatterns,
            MaxAttempts = subscription.MaxAttempts,
            RetrySchedule = subscription.RetrySchedule,
            Timeout = subscription.Timeout,
            Headers = subscription.Headers,
            Description = subscription.Description,
            Metadata = subscription.Metadata,
        });
        validator.ValidateRouting(subscription.Filters, subscription.RateLimitPerSecond, subscription.SignatureProfile, subscription.Envelope, subscription.Headers);
    }

    private static bool SameSettings(WebhookSubscription a, WebhookSubscription b) =>
        a.Url == b.Url
        && a.EventPatterns.SequenceEqual(b.EventPatterns, StringComparer.Ordinal)
        && a.Secrets.SequenceEqual(b.Secrets)
        && a.Description == b.Description
        && a.MaxAttempts == b.MaxAttempts
        && SequenceEqual(a.RetrySchedule, b.RetrySchedule)
        && a.Timeout == b.Timeout
        && DictionaryEqual(a.Headers, b.Headers)
        && DictionaryEqual(a.Metadata, b.Metadata)
        && SequenceEqual(a.Filters, b.Filters, static (x, y) => x.Attribute == y.Attribute && x.Operator == y.Operator && x.Values.SequenceEqual(y.Values, StringComparer.Ordinal))
        && a.RateLimitPerSecond == b.RateLimitPerSecond
        && string.Equals(a.SignatureProfile, b.SignatureProfile, StringComparison.Ordinal)
        && string.Equals(a.Envelope, b.Envelope, StringComparison.Ordinal);

    private static bool SequenceEqual<T>(IReadOnlyList<T>? a, IReadOnlyList<T>? b, Func<T, T, bool>? equal = null)
    {
        if (a is null || b is null)
        {
            return (a?.Count ?? 0) == 0 && (b?.Count ?? 0) == 0;
        }

        if (a.Count != b.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Count; i++)
        {
            if (!(equal?.Invoke(a[i], b[i]) ?? EqualityComparer<T>.Default.Equals(a[i], b[i])))
            {
                return false;
            }
        }

        return true;
    }

    private static bool DictionaryEqual(IReadOnlyDictionary<string, string>? a, IReadOnlyDictionary<string, string>? b)
    {
        if ((a?.Count ?? 0) != (b?.Count ?? 0))
        {
            return false;
        }

        return a is null || b is null || a.All(pair => b.TryGetValue(pair.Key, out var value) && value == pair.Value);
    }

    private static Dictionary<string, string> Copy(IReadOnlyDictionary<string, string> source) => source.ToDictionary(StringComparer.Ordinal);

    private static string? EmptyToNull(string value) => value.Length == 0 ? null : value;

    // For a subscription created without a profile and one whose profile an update clears alike. The host's default is
    // written into the subscription, so receivers keep their header if the default changes later.
    private string? SignatureProfileOrDefault(string? profile) => validator.CanonicalProfileName(profile ?? options.CurrentValue.DefaultSignatureProfile);

    private Uri ValidateUrl(string? url)
    {
        var uri = WebhookSubscriptionValidator.ValidateUrl(url);
        var security = options.CurrentValue.Security;
        // Refused here as well as at send time, so a plain-http URL or a blocked address is reported to whoever registers it.
        WebhookTransportRules.EnsureSchemeAllowed(uri, security);
        transport.EnsureAddressAllowed(uri, security);
        return uri;
    }
}
