using System.Text.Json;
using Choreblimey.Webhooks.Testing.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Choreblimey.Webhooks.Tests.Security;

/// <summary>A real delivery with every log captured at Trace: the secret and the signature appear nowhere they should not.</summary>
public sealed class SecretLeakTests : IAsyncLifetime
{
    private const string Tenant = "family-1";
    private LoopbackReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await LoopbackReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task Secrets_and_signatures_never_reach_logs_exceptions_ToString_or_the_delivery_log()
    {
        var capture = new CapturingLoggerProvider();
        var secret = WebhookSecret.Generate();
        var secretText = secret.Reveal();
        var secretBase64 = secretText[WebhookSecret.Prefix.Length..];
        _receiver.Respond = (context, seen) =>
        {
            context.Response.ContentType = "text/plain";
            return Task.FromResult(seen == 1 ? 500 : 200);
        };

        var exceptionMessages = new List<string>();
        var stored = new List<string>();
        var reports = new List<string>();
        string subscriptionText;
        string signature;
        await using (var host = await WebhookTestHost.StartAsync(
            webhooks => webhooks.AddEvent("chore:created", "Chores"),
            services => services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(capture))))
        {
            var subscription = await host.Subscriptions.CreateAsync(Tenant, new WebhookSubscriptionRequest
            {
                Url = _receiver.Url().ToString(),
                EventTypes = ["*"],
                Secret = secretText,
            });
            subscriptionText = subscription.ToString();

            var receipt = await host.Publisher.PublishAsync("chore:created", new { ChoreId = "c1" }, tenantId: Tenant);
            var delivery = await host.WaitForDeliveryStatusAsync(Tenant, receipt.EventId!, WebhookDeliveryStatus.Succeeded);
            signature = _receiver.Received.Last().Header("webhook-signature")!;
            Assert.Equal(2, _receiver.Received.Count);

            stored.Add(JsonSerializer.Serialize(delivery));
            foreach (var attempt in await host.Store.GetAttemptsAsync(Tenant, delivery.Id))
            {
                stored.Add(JsonSerializer.Serialize(attempt));
            }

            // What dashboards and support tools show: statistics, usage, coverage (every rendering), details and a test send.
            var operations = host.Services.GetRequiredService<IWebhookOperations>();
            var stats = await operations.GetStatsAsync(new WebhookStatsQuery { TenantId = Tenant });
            var tenantStats = await operations.GetStatsAsync(new WebhookStatsQuery { TenantId = Tenant, SubscriptionId = subscription.Id });
            Assert.Equal(1, stats.Succeeded);
            reports.AddRange([stats.ToString(), JsonSerializer.Serialize(stats), tenantStats.ToString(), JsonSerializer.Serialize(tenantStats)]);
            foreach (var coverage in new[] { await operations.GetCoverageAsync(Tenant), await operations.GetCoverageAsync() })
            {
                Assert.Equal(1, coverage.Published);
                reports.AddRange([coverage.ToString(), coverage.ToMarkdown(), coverage.ToJson(), JsonSerializer.Serialize(coverage)]);
                reports.AddRange(coverage.Events.Select(e => e.ToString()));
            }

            var usage = await operations.GetUsageAsync(Tenant, DateTimeOffset.MinValue, DateTimeOffset.MaxValue);
            var details = await operations.GetAsync(Tenant, delivery.Id);
            var test = await operations.SendTestAsync(Tenant, subscription.Id);
            reports.AddRange([usage.ToString(), JsonSerializer.Serialize(usage), details!.ToString(), JsonSerializer.Serialize(details), test.ToString(), JsonSerializer.Serialize(test)]);

            // Exceptions a caller can provoke with the secret in hand.
            await Collect(exceptionMessages, async () => await host.Subscriptions.CreateAsync(Tenant, new WebhookSubscriptionRequest
            {
                Url = _receiver.Url().ToString(),
                EventTypes = ["*"],
                Secret = WebhookSecret.Prefix + secretBase64[..12],
            }));
            await Collect(exceptionMessages, async () => await host.Subscriptions.CreateAsync(Tenant, new WebhookSubscriptionRequest
            {
                Url = _receiver.Url().ToString(),
                EventTypes = ["*"],
                Secret = secretText + "!",
            }));
            await Collect(exceptionMessages, () => Task.FromResult(WebhookSecret.Parse(secretText[..20])));
            await Collect(exceptionMessages, () => Task.FromResult(new StandardWebhookSigner().Sign(secret, "msg_1", DateTimeOffset.UnixEpoch, ReadOnlySpan<byte>.Empty)
                + new WebhookVerifier().Verify([1, 2, 3], "msg_1", "0", signature, secret).Message));
        }

        var forbidden = new[] { secretText, secretBase64, signature }
            .Concat(signature.Split(' ').Select(s => s.Contains(',', StringComparison.Ordinal) ? s[(s.IndexOf(',', StringComparison.Ordinal) + 1)..] : s))
            .Distinct()
            .ToArray();
        Assert.NotEmpty(capture.Entries);
        Assert.Contains(capture.Entries, e => e.Contains("[10]", StringComparison.Ordinal));
        Assert.Contains(capture.Entries, e => e.Contains("[11]", StringComparison.Ordinal));
        Assert.True(exceptionMessages.Count >= 3, "the invalid secrets must have been refused");
        foreach (var value in forbidden)
        {
            Assert.DoesNotContain(capture.Entries, e => e.Contains(value, StringComparison.Ordinal));
            Assert.DoesNotContain(exceptionMessages, e => e.Contains(value, StringComparison.Ordinal));
            Assert.DoesNotContain(value, subscriptionText, StringComparison.Ordinal);
            Assert.DoesNotContain(value, secret.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(stored, e => e.Contains(value, StringComparison.Ordinal));
            Assert.DoesNotContain(reports, e => e.Contains(value, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Subscription_requests_and_updates_print_no_secret_url_path_or_header_value()
    {
        var secretText = WebhookSecret.Generate().Reveal();
        const string PathToken = "T0kenInThePath9";
        const string QueryToken = "QueryT0ken7";
        const string HeaderValue = "Bearer h3aderCredential";
        var url = $"https://hooks.zapier.example/hooks/catch/123/{PathToken}/?key={QueryToken}";
        var headers = new Dictionary<string, string> { ["Authorization"] = HeaderValue, ["X-Partner"] = "partner-1" };
        var request = new WebhookSubscriptionRequest
        {
            Url = url,
            EventTypes = ["chore:*"],
            Secret = secretText,
            Description = "Partner A",
            Headers = headers,
            Metadata = new Dictionary<string, string> { ["contact"] = "ops@partner.example" },
            Filters = [new WebhookAttributeFilter("location", WebhookFilterOperator.In, ["leeds", "york"])],
            RateLimitPerSecond = 5,
        };
        var update = new WebhookSubscriptionUpdate { Url = url, Headers = headers, Description = "moved" };

        var texts = new[] { request.ToString(), update.ToString(), (request with { Secret = secretText[WebhookSecret.Prefix.Length..] }).ToString() };

        Assert.Equal(
            "WebhookSubscriptionRequest { Url = https://hooks.zapier.example/…, EventTypes = [chore:*], Secret = ***, Description = Partner A, "
            + "MaxAttempts = , RetrySchedule = , Timeout = , Headers = [Authorization: ***, X-Partner: ***], Metadata = [contact], "
            + "Filters = [location In [leeds, york]], RateLimitPerSecond = 5, SignatureProfile = , Envelope =  }",
            texts[0]);
        Assert.StartsWith("WebhookSubscriptionUpdate { Url = https://hooks.zapier.example/…, EventTypes = , Description = moved,", texts[1], StringComparison.Ordinal);
        Assert.Equal("Secret = (generated)", (request with { Secret = null }).ToString().Split(", ")[2]);
        foreach (var forbidden in new[] { secretText, secretText[WebhookSecret.Prefix.Length..], PathToken, QueryToken, HeaderValue, "h3aderCredential", "partner-1", "ops@partner.example" })
        {
            Assert.All(texts, text => Assert.DoesNotContain(forbidden, text, StringComparison.Ordinal));
        }
    }

    private static async Task Collect(List<string> messages, Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception exception) when (exception is WebhookException or FormatException or ArgumentException)
        {
            messages.Add(exception.ToString());
        }
    }
}
